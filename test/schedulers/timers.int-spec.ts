import { randomUUID } from 'node:crypto';
import { EnrollmentUseCases, Facts } from '@app/application';
import { EventStore, RecordedEvent } from '@app/event-store';
import { CommandExecutor, MetricsService, createKysely, createLogger, createPool, systemClock } from '@app/platform';
import { seedSequenceStory, useTestDatabase, waitFor } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { TimersScheduler } from '../../apps/schedulers/src/timers/timers.scheduler';
import { eventsOfType, startProjectors } from './support/schedulers-harness';

const steps = [{ delay: 'PT0S', subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}' }];
const leads = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ email: `${tag}${i}@example.com`, firstName: `L${i}` }));

describe('the step timer loop on PostgreSQL', () => {
  const pools: Kysely<unknown>[] = [];
  let opened: { store: EventStore };
  let projectors: Awaited<ReturnType<typeof startProjectors>> | null = null;
  afterAll(async () => {
    for (const db of pools) await db.destroy();
    await projectors?.stop();
  });
  const database = useTestDatabase();

  beforeAll(async () => {
    projectors = await startProjectors(database);
    opened = { store: projectors.store };
  });

  /** One scheduler's timer loop, with its own pool as another process would have. */
  function timerLoop() {
    const db = createKysely<unknown>(createPool(database.url, 2));
    pools.push(db);
    const metrics = new MetricsService();
    const commands = new CommandExecutor(opened.store, systemClock, metrics);
    const timers = new TimersScheduler(db, new EnrollmentUseCases(commands, new Facts(opened.store)), metrics, systemClock, createLogger({ service: 't', level: 'silent' }), {
      timerPollMs: 50,
      timerBatchSize: 50,
    });
    return { timers, metrics, db };
  }

  const dueRows = async (db: Kysely<unknown>, campaignId: string) =>
    (await sql<{ enrollmentId: string }>`select enrollment_id as "enrollmentId" from due_steps where campaign_id = ${campaignId}`.execute(db)).rows;
  const campaignStatus = async (db: Kysely<unknown>, campaignId: string) =>
    (await sql<{ status: string }>`select status from campaigns where campaign_id = ${campaignId}`.execute(db)).rows[0]?.status;
  type StepDue = Extract<RecordedEvent, { type: 'StepDue' }>;
  const stepDueOf = async (campaignId: string) =>
    (await eventsOfType(opened.store, ['StepDue'])).filter((e): e is StepDue => e.type === 'StepDue' && e.data.campaignId === campaignId);

  it('fires each due step of an active campaign once and measures how late it fired', async () => {
    const story = await seedSequenceStory(opened.store, { steps, leads: leads(5, 'a'), launch: 'before-enrolling' });
    const { timers, metrics, db } = timerLoop();
    await waitFor(async () => (await dueRows(db, story.campaignId)).length === 5 && (await campaignStatus(db, story.campaignId)) === 'active', { message: 'due rows projected' });

    expect(await timers.tick()).toBe(5);
    const due = await stepDueOf(story.campaignId);
    expect(due.map((e) => e.data.enrollmentId).sort()).toEqual(story.leads.map((l) => l.enrollmentId).sort());
    expect((await eventsOfType(opened.store, ['EmailQueued'])).filter((e) => e.type === 'EmailQueued' && e.data.campaignId === story.campaignId)).toHaveLength(5);
    expect((await metrics.timersFired.get()).values[0]?.value).toBe(5);
    const lateness = await metrics.timerLateness.get();
    expect(lateness.values.find((v) => v.metricName === 'timer_firing_lateness_seconds_count')?.value).toBe(5);
    expect((await metrics.timersDue.get()).values[0]?.value).toBeGreaterThanOrEqual(0);

    // Claimed again before the projector removed the rows: held back, and harmless anyway.
    await timers.tick();
    expect(await stepDueOf(story.campaignId)).toHaveLength(5);
    await waitFor(async () => (await dueRows(db, story.campaignId)).length === 0, { message: 'fired rows removed by the projector' });
  });

  it('skips rows another scheduler holds, and fires them once it lets go', async () => {
    const story = await seedSequenceStory(opened.store, { steps, leads: leads(4, 'b'), launch: 'before-enrolling' });
    const { timers, db } = timerLoop();
    await waitFor(async () => (await dueRows(db, story.campaignId)).length === 4 && (await campaignStatus(db, story.campaignId)) === 'active');
    const [held, ...free] = story.leads.map((l) => l.enrollmentId) as [string, ...string[]];

    // Another instance is in the middle of firing `held`: its row is locked.
    let release: () => void = () => undefined;
    const releaseSignal = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const lockedSignal = new Promise<void>((resolve) => (locked = resolve));
    const other = database.pool.connect().then(async (client) => {
      await client.query('begin');
      await client.query('select enrollment_id from due_steps where enrollment_id = $1 for update', [held]);
      locked();
      await releaseSignal;
      await client.query('commit');
      client.release();
    });
    await lockedSignal;
    let claimedWhileHeld: number;
    try {
      claimedWhileHeld = await timers.tick();
    } finally {
      // Let go whatever happened: the due_steps projector waits for this lock.
      release();
      await other;
    }
    expect(claimedWhileHeld).toBe(3);
    expect((await stepDueOf(story.campaignId)).map((e) => e.data.enrollmentId).sort()).toEqual([...free].sort());

    expect(await timers.tick()).toBeGreaterThanOrEqual(1);
    const due = await stepDueOf(story.campaignId);
    expect(due.map((e) => e.data.enrollmentId).sort()).toEqual(story.leads.map((l) => l.enrollmentId).sort());
  });

  it('two loops ticking at the same moment fire every step exactly once', async () => {
    const story = await seedSequenceStory(opened.store, { steps, leads: leads(12, 'c'), launch: 'before-enrolling' });
    const a = timerLoop();
    const b = timerLoop();
    await waitFor(async () => (await dueRows(a.db, story.campaignId)).length === 12 && (await campaignStatus(a.db, story.campaignId)) === 'active');
    for (let round = 0; round < 3; round++) await Promise.all([a.timers.tick(), b.timers.tick()]);
    const due = await stepDueOf(story.campaignId);
    expect(due).toHaveLength(12);
    expect(new Set(due.map((e) => e.data.enrollmentId)).size).toBe(12);
    const fired = [(await a.metrics.timersFired.get()).values[0]?.value ?? 0, (await b.metrics.timersFired.get()).values[0]?.value ?? 0];
    expect(fired[0] + fired[1]).toBe(12);
  });

  it('leaves the rows of a paused campaign alone and fires them after it resumes', async () => {
    const story = await seedSequenceStory(opened.store, { steps, leads: leads(3, 'd'), launch: 'before-enrolling' });
    await story.campaign('PauseCampaign');
    const { timers, db } = timerLoop();
    await waitFor(async () => (await dueRows(db, story.campaignId)).length === 3 && (await campaignStatus(db, story.campaignId)) === 'paused');

    expect(await timers.tick()).toBe(0);
    expect(await timers.tick()).toBe(0);
    expect(await stepDueOf(story.campaignId)).toHaveLength(0);
    expect(await dueRows(db, story.campaignId)).toHaveLength(3);

    await story.campaign('ResumeCampaign');
    await waitFor(async () => (await campaignStatus(db, story.campaignId)) === 'active');
    expect(await timers.tick()).toBe(3);
    expect(await stepDueOf(story.campaignId)).toHaveLength(3);
  });

  it('holds back a row that cannot fire without blocking the rows behind it', async () => {
    const story = await seedSequenceStory(opened.store, { steps, leads: leads(2, 'e'), launch: 'before-enrolling' });
    const { timers, db } = timerLoop();
    await waitFor(async () => (await dueRows(db, story.campaignId)).length === 2 && (await campaignStatus(db, story.campaignId)) === 'active');
    // A timer for an enrollment the log does not know, due before everything else.
    const ghost = randomUUID();
    await sql`
      insert into ${sql.id('proj_due_steps_v1', 'due_steps')} (enrollment_id, workspace_id, campaign_id, step_index, due_at)
      values (${ghost}, ${story.workspaceId}, ${story.campaignId}, 0, '2000-01-01T00:00:00Z')`.execute(db);

    expect(await timers.tick()).toBe(3);
    expect(await stepDueOf(story.campaignId)).toHaveLength(2);
    await waitFor(async () => (await dueRows(db, story.campaignId)).length === 1, { message: 'only the ghost row is left' });
    // The ghost is remembered as a leftover: not claimed again for a while.
    expect(await timers.tick()).toBe(0);
    expect(timers.health()).toBe(true);
  });
});
