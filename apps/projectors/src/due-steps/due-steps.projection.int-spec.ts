import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { DB } from '@app/read-store';
import { DAY, HOUR, ProjectionTestBed, SpringCampaign, Story, TEST_MASTER_KEY, projectionTestBed, readModelDb, springCampaign, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { dueStepsProjection } from './due-steps.projection';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<DB>;
let bed: ProjectionTestBed;
let spring: SpringCampaign;

beforeAll(async () => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<DB>(database.url);
  spring = await springCampaign(opened.store);
  bed = await projectionTestBed({ db, store: opened.store, projection: dueStepsProjection });
  await bed.applyTwice();
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

const timers = async (campaignId: string) =>
  (await db.selectFrom('dueSteps').selectAll().where('campaignId', '=', campaignId).orderBy('enrollmentId').execute()).map((r) => ({
    enrollmentId: r.enrollmentId,
    stepIndex: r.stepIndex,
    dueAt: r.dueAt.toISOString(),
  }));

describe('the due_steps projection', () => {
  it('after a whole history applied twice, keeps only the timer still to fire', async () => {
    const rows = await db.selectFrom('dueSteps').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ enrollmentId: spring.pendingEnrollment, workspaceId: spring.story.workspaceId, campaignId: spring.lateCampaignId, stepIndex: 0 });
    expect(rows[0]?.dueAt.toISOString()).toBe('2025-03-07T13:02:00.000Z');
    expect(bed.logger.warnings()).toEqual([]);
  });

  it('follows a timer through scheduling, firing, rescheduling on resume, stopping and completion', async () => {
    const story = await Story.begin(opened.store, { label: 'timers', start: '2025-05-05T08:00:00.000Z' });
    const template = await story.template();
    const sequence = await story.sequence([
      { templateId: template, delay: 'PT1H', condition: 'ALWAYS' },
      { templateId: template, delay: 'P1D', condition: 'ALWAYS' },
    ]);
    const campaign = await story.campaign({ sequenceId: sequence });
    await story.launch(campaign);
    const a = await story.enroll(campaign, await story.lead({ email: 'a@example.com' }));
    const b = await story.enroll(campaign, await story.lead({ email: 'b@example.com' }));
    const byId = <T extends { enrollmentId: string }>(rows: T[]) => [...rows].sort((x, y) => x.enrollmentId.localeCompare(y.enrollmentId));
    await bed.catchUp();
    expect(await timers(campaign)).toEqual(byId([a, b].map((enrollmentId) => ({ enrollmentId, stepIndex: 0, dueAt: '2025-05-05T09:00:00.000Z' }))));

    // Fired (StepDue removes the timer), sent, next step scheduled a day after the send.
    await story.tick(HOUR);
    await bed.catchUp();
    expect(await timers(campaign)).toEqual(byId([a, b].map((enrollmentId) => ({ enrollmentId, stepIndex: 1, dueAt: '2025-05-06T09:00:00.000Z' }))));

    await story.stop(b);
    await story.pause(campaign);
    story.advance(2 * DAY);
    await story.resume(campaign);
    await bed.catchUp();
    // b stopped: no timer; a's step fell due during the pause: due when the campaign resumed.
    expect(await timers(campaign)).toEqual([{ enrollmentId: a, stepIndex: 1, dueAt: '2025-05-07T09:00:00.000Z' }]);

    await story.fireDue();
    await story.deliver();
    await bed.catchUp();
    expect(await timers(campaign)).toEqual([]);

    // The same log again from the start ends in the same rows.
    await bed.rewind();
    await bed.catchUp({ batchSize: 2 });
    expect(await timers(campaign)).toEqual([]);
    expect(await timers(spring.lateCampaignId)).toHaveLength(1);
  });

  it('lets two schedulers claim timers through the public view without taking the same one', async () => {
    const story = await Story.begin(opened.store, { label: 'claims', start: '2025-06-02T08:00:00.000Z' });
    const template = await story.template();
    const sequence = await story.sequence([{ templateId: template, delay: 'PT1H', condition: 'ALWAYS' }]);
    const campaign = await story.campaign({ sequenceId: sequence });
    await story.launch(campaign);
    for (const name of ['c1', 'c2', 'c3', 'c4']) await story.enroll(campaign, await story.lead({ email: `${name}@example.com` }));
    await bed.catchUp();

    const first = await database.pool.connect();
    const second = await database.pool.connect();
    try {
      const claim = `select enrollment_id from due_steps where campaign_id = $1 order by due_at, enrollment_id limit $2 for update skip locked`;
      await first.query('begin');
      await second.query('begin');
      const one = (await first.query<{ enrollment_id: string }>(claim, [campaign, 2])).rows.map((r) => r.enrollment_id);
      const two = (await second.query<{ enrollment_id: string }>(claim, [campaign, 10])).rows.map((r) => r.enrollment_id);
      expect(one).toHaveLength(2);
      expect(two).toHaveLength(2);
      expect(one.filter((id) => two.includes(id))).toEqual([]);
    } finally {
      await first.query('rollback');
      await second.query('rollback');
      first.release();
      second.release();
    }
  });
});
