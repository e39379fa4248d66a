import { stableIds } from '@app/application';
import { leadDecider } from '@app/domain';
import { MailboxLimits, streams } from '@app/events';
import { OpenedEventStore, RecordedEvent } from '@app/event-store';
import { WorkOutcome } from '@app/messaging';
import { createKysely, createPool } from '@app/platform';
import { DB } from '@app/read-store';
import { SequenceStory, projectionTestBed, readModelDb, seedSequenceStory, useTestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { suppressionsProjection } from '../../apps/projectors/src/suppressions/suppressions.projection';
import { DeliveryJob } from '../../apps/schedulers/src/delivery/delivery-job';
import { DeliveryWorker } from '../../apps/schedulers/src/delivery/delivery.worker';
import { openStore, outboxMessages, temporaryOutbox } from '../schedulers/support/schedulers-harness';
import { configureSending, connectMailbox, deliveryWorker, movableClock, queueStep, uniqueEmail } from './support/delivery-harness';

const steps = [{ delay: 'PT0S', subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}' }];
const DAY = 24 * 3600_000;
const unlimited: Partial<MailboxLimits> = { perDay: 1000, perMinute: 1000, minSpacingSeconds: 0, jitterSeconds: 0, rampUp: null };

describe('mailbox limits and rotation at send time', () => {
  const database = useTestDatabase();
  let opened: OpenedEventStore;
  let db: Kysely<unknown>;
  let outbox: Awaited<ReturnType<typeof temporaryOutbox>>;
  beforeAll(async () => {
    opened = openStore(database, 3);
    db = createKysely<unknown>(createPool(database.url, 8));
    outbox = await temporaryOutbox();
  });
  afterAll(async () => {
    await db?.destroy();
    await opened?.close();
    await outbox?.remove();
  });

  const history = (job: DeliveryJob): Promise<RecordedEvent[]> => opened.store.readStream(streams.enrollment(job.enrollmentId));
  const sentFrom = async (job: DeliveryJob) => {
    const sent = (await history(job)).find((e) => e.type === 'EmailSent');
    return sent?.type === 'EmailSent' ? (sent.data.from ?? null) : null;
  };
  const deliver = (worker: DeliveryWorker, job: DeliveryJob): Promise<WorkOutcome> => worker.handle({ id: job.emailId, payload: job, attempt: 1 });

  /** A launched campaign with `leads` leads, each with its first email queued, sending from these outbox mailboxes. */
  async function campaign(leads: number, mailboxes: { address: string; limits: Partial<MailboxLimits>; connectedAt?: string }[], lead: (i: number) => string = () => uniqueEmail()) {
    const story = await seedSequenceStory(opened.store, { steps, leads: Array.from({ length: leads }, (_, i) => ({ email: lead(i), firstName: `Lead${i}` })), launch: 'before-enrolling' });
    const ids: string[] = [];
    for (const m of mailboxes) ids.push(await connectMailbox(opened.store, db, { workspaceId: story.workspaceId, userId: story.userId, provider: 'OUTBOX', ...m }));
    const jobs: DeliveryJob[] = [];
    for (let i = 0; i < leads; i++) jobs.push(await queueStep(story, i, 0));
    await configureSending(opened.store, story, { mailboxIds: ids });
    return { story, jobs, mailboxIds: ids };
  }

  it('rotates over the campaign’s mailboxes, each taking the next email while it has sent least', async () => {
    const { jobs } = await campaign(4, [
      { address: 'a@acme.test', limits: unlimited },
      { address: 'b@acme.test', limits: unlimited },
    ]);
    const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir });
    for (const job of jobs) expect(await deliver(worker, job)).toEqual({ kind: 'done' });
    const senders = await Promise.all(jobs.map(sentFrom));
    expect(senders.filter((s) => s === 'a@acme.test')).toHaveLength(2);
    expect(senders.filter((s) => s === 'b@acme.test')).toHaveLength(2);
  });

  it('spaces two sends of a mailbox by the minimum plus its random share of the jitter', async () => {
    const { jobs } = await campaign(2, [{ address: 'spaced@acme.test', limits: { ...unlimited, minSpacingSeconds: 30, jitterSeconds: 30 } }]);
    const clock = movableClock();
    const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir, clock, random: () => 0.5 });
    expect(await deliver(worker, jobs[0] as DeliveryJob)).toEqual({ kind: 'done' });
    expect(await deliver(worker, jobs[1] as DeliveryJob)).toEqual({ kind: 'defer', afterMs: 45_000 });
    clock.advance(45_000);
    expect(await deliver(worker, jobs[1] as DeliveryJob)).toEqual({ kind: 'done' });
  });

  it('holds what goes over the per-minute limit until the minute has passed', async () => {
    const { jobs } = await campaign(3, [{ address: 'minute@acme.test', limits: { ...unlimited, perMinute: 2 } }]);
    const clock = movableClock();
    const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir, clock });
    expect(await deliver(worker, jobs[0] as DeliveryJob)).toEqual({ kind: 'done' });
    clock.advance(10_000);
    expect(await deliver(worker, jobs[1] as DeliveryJob)).toEqual({ kind: 'done' });
    clock.advance(10_000);
    expect(await deliver(worker, jobs[2] as DeliveryJob)).toEqual({ kind: 'defer', afterMs: 40_000 });
  });

  it('ramps a new mailbox up: a few a day at first, more each day since it was connected; the rest waits for the next day, never failed', async () => {
    const ramp = { ...unlimited, perDay: 100, rampUp: { startPerDay: 2, increasePerDay: 1 } };
    const fresh = await campaign(3, [{ address: 'new@acme.test', limits: ramp }]);
    const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir });
    const outcomes = [];
    for (const job of fresh.jobs) outcomes.push(await deliver(worker, job));
    expect(outcomes.slice(0, 2)).toEqual([{ kind: 'done' }, { kind: 'done' }]);
    expect(outcomes[2]).toMatchObject({ kind: 'defer', afterMs: expect.any(Number) });
    expect((outcomes[2] as { afterMs: number }).afterMs).toBeGreaterThan(DAY - 60_000);
    expect((await history(fresh.jobs[2] as DeliveryJob)).map((e) => e.type)).not.toContain('EmailFailed');

    const older = await campaign(6, [{ address: 'older@acme.test', limits: ramp, connectedAt: new Date(Date.now() - 3 * DAY - 60_000).toISOString() }]);
    const sent = [];
    for (const job of older.jobs) sent.push((await deliver(worker, job)).kind);
    expect(sent).toEqual(['done', 'done', 'done', 'done', 'done', 'defer']);
  });

  it('counts against the limits in PostgreSQL, atomically: two processes racing never pass a mailbox’s daily limit', async () => {
    const { jobs } = await campaign(8, [{ address: 'shared@acme.test', limits: { ...unlimited, perDay: 3 } }]);
    const otherDb = createKysely<unknown>(createPool(database.url, 4));
    try {
      const one = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir }).worker;
      const two = deliveryWorker({ store: opened.store, db: otherDb, outboxDir: outbox.dir }).worker;
      const outcomes = await Promise.all(jobs.map((job, i) => deliver(i % 2 ? two : one, job)));
      expect(outcomes.filter((o) => o.kind === 'done')).toHaveLength(3);
      expect(outcomes.filter((o) => o.kind === 'defer')).toHaveLength(5);
      const files = await outboxMessages(outbox.dir);
      expect(jobs.filter((j) => files.has(j.emailId))).toHaveLength(3);
    } finally {
      await otherDb.destroy();
    }
  });

  it('waits for the send window when a queued email finds it closed, in the campaign’s zone; a step sent by hand does not wait', async () => {
    const { story, jobs, mailboxIds } = await campaign(1, [{ address: 'window@acme.test', limits: unlimited }]);
    const window = { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'] as ('MON' | 'TUE' | 'WED' | 'THU' | 'FRI')[], start: '09:00', end: '17:00' };
    await configureSending(opened.store, story, { mailboxIds, sendWindow: window, timezone: 'America/New_York' });
    // Saturday 8 March 2025, noon in New York; the window opens Monday 09:00 EDT (after the DST change).
    const clock = movableClock(Date.parse('2025-03-08T17:00:00Z'));
    const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir, clock });
    expect(await deliver(worker, jobs[0] as DeliveryJob)).toEqual({ kind: 'defer', afterMs: Date.parse('2025-03-10T13:00:00Z') - Date.parse('2025-03-08T17:00:00Z') });
    clock.set(Date.parse('2025-03-10T13:00:00Z'));
    expect(await deliver(worker, jobs[0] as DeliveryJob)).toEqual({ kind: 'done' });

  });

  it('sends a step sent by hand at once, window or not', async () => {
    const story = await seedSequenceStory(opened.store, { steps, leads: [{ email: uniqueEmail() }], launch: 'before-enrolling' });
    const mailboxId = await connectMailbox(opened.store, db, { workspaceId: story.workspaceId, userId: story.userId, provider: 'OUTBOX', address: 'hand@acme.test', limits: unlimited });
    await configureSending(opened.store, story, { mailboxIds: [mailboxId], sendWindow: { days: ['MON'], start: '09:00', end: '10:00' }, timezone: 'America/New_York' });
    const enrollmentId = (story.leads[0] as SequenceStory['leads'][number]).enrollmentId;
    await story.enrollments.fireStep({ workspaceId: story.workspaceId, enrollmentId, manual: true, actorId: story.userId });
    const job = { workspaceId: story.workspaceId, enrollmentId, emailId: stableIds.email(enrollmentId, 0) };
    const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir, clock: movableClock(Date.parse('2025-03-08T17:00:00Z')) });
    expect(await deliver(worker, job)).toEqual({ kind: 'done' });
  });

  describe('the suppression list', () => {
    let rm: Kysely<DB>;
    afterAll(async () => {
      await rm?.destroy();
    });

    it('skips the step of an email to an address that opted out on another lead record, at send time, with the reason', async () => {
      const address = uniqueEmail('twice');
      const { story, jobs } = await campaign(2, [{ address: 'suppress@acme.test', limits: unlimited }], () => address);
      await story.runner.execute({
        name: 'UnsubscribeLead',
        streamId: streams.lead((story.leads[0] as SequenceStory['leads'][number]).leadId),
        decider: leadDecider,
        tenantId: story.workspaceId,
        actorId: 'test',
        command: { type: 'UnsubscribeLead', source: 'ONE_CLICK', now: new Date().toISOString() },
      });
      rm = readModelDb<DB>(database.url, 2);
      const bed = await projectionTestBed({ db: rm, store: opened.store, projection: suppressionsProjection });
      await bed.catchUp();

      const { worker } = deliveryWorker({ store: opened.store, db, outboxDir: outbox.dir });
      expect(await deliver(worker, jobs[1] as DeliveryJob)).toEqual({ kind: 'done' });
      const events = await history(jobs[1] as DeliveryJob);
      // The step is skipped with the reason, the email recorded as not sent, the enrollment stopped: one decision.
      const tail = events.slice(-3);
      expect(tail.map((e) => e.type)).toEqual(['StepSkipped', 'EmailFailed', 'EnrollmentStopped']);
      expect(tail[0]?.data).toMatchObject({ stepIndex: 0, reason: 'LEAD_UNSUBSCRIBED', detail: 'the address is on the suppression list (UNSUBSCRIBED)' });
      expect(tail[1]?.data).toMatchObject({ reason: 'not sent: the address is on the suppression list (UNSUBSCRIBED)', permanent: true });
      expect(tail[2]?.data).toMatchObject({ reason: 'UNSUBSCRIBED' });
      expect((await outboxMessages(outbox.dir)).has((jobs[1] as DeliveryJob).emailId)).toBe(false);
    });
  });
});
