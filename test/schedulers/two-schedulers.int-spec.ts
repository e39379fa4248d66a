import { EventStore } from '@app/event-store';
import { findPart, parseMime, seedSequenceStory, useTestDatabase, waitFor } from '@app/testing';
import { SchedulerInstance, deleteStream, eventsOfType, outboxMessages, startProjectors, startScheduler, temporaryOutbox, testDeliveryQueue } from './support/schedulers-harness';

const LEADS = 6;
const steps = [
  { delay: 'PT0S', subject: 'Quick question, {{firstName}}', body: '<p>Hi {{firstName}}, see <a href="https://example.com/demo">the demo</a>.</p>' },
  { delay: 'PT1S', subject: 'Re: Quick question, {{firstName}}', body: 'Just bumping this: https://example.com/pricing' },
];

/**
 * Two scheduler processes (each its own pools, store, queue handle and outbox directory)
 * against one database, with the projectors running beside them: every step of every lead
 * reaches an outbox exactly once, and the log records each send once. Separate outboxes make a
 * double send visible: the file-level dedupe of one outbox cannot hide it.
 */
describe.each([
  ['in-process queues (no NATS)', false],
  ['one JetStream work queue', true],
])('two scheduler instances against one database, %s', (_label, nats) => {
  // Registered before the database's own afterAll, so everything closes before it is dropped.
  afterAll(async () => {
    for (const s of schedulers) await s.close();
    await projectors?.stop();
    for (const o of outboxes) await o.remove();
    if (nats) await deleteStream(deliveryQueue.stream);
  });
  const database = useTestDatabase();
  let opened: { store: EventStore };
  let projectors: Awaited<ReturnType<typeof startProjectors>> | null = null;
  const schedulers: SchedulerInstance[] = [];
  const outboxes: Awaited<ReturnType<typeof temporaryOutbox>>[] = [];
  const deliveryQueue = testDeliveryQueue();

  beforeAll(async () => {
    projectors = await startProjectors(database);
    opened = { store: projectors.store };
    for (let i = 0; i < 2; i++) {
      const outbox = await temporaryOutbox();
      outboxes.push(outbox);
      schedulers.push(await startScheduler(database, { nats, outboxDir: outbox.dir, deliveryQueue }));
    }
  });

  it('sends each step exactly once, threads the follow-ups, and completes the campaign', async () => {
    const story = await seedSequenceStory(opened.store, {
      steps,
      leads: Array.from({ length: LEADS }, (_, i) => ({ email: `lead${i}@example.com`, firstName: `Lead${i}`, lastName: 'Tester' })),
      // Enrolled first, launched after: the campaign_lifecycle reactor starts them.
      launch: 'after-enrolling',
    });

    const sent = await waitFor(
      async () => {
        const events = await eventsOfType(opened.store, ['EmailSent']);
        return events.length >= LEADS * 2 ? events : null;
      },
      { timeoutMs: 45_000, intervalMs: 200, message: `all ${LEADS * 2} emails sent` },
    );
    await waitFor(async () => (await eventsOfType(opened.store, ['CampaignCompleted'])).length === 1, { timeoutMs: 45_000, message: 'the campaign completed' });
    // Give a duplicate every chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const allSent = await eventsOfType(opened.store, ['EmailSent']);
    const queued = await eventsOfType(opened.store, ['EmailQueued']);
    const stepDue = await eventsOfType(opened.store, ['StepDue']);
    expect(sent.length).toBe(LEADS * 2);
    expect(allSent).toHaveLength(LEADS * 2);
    expect(new Set(allSent.map((e) => (e.type === 'EmailSent' ? e.data.emailId : ''))).size).toBe(LEADS * 2);
    expect(queued).toHaveLength(LEADS * 2);
    expect(stepDue).toHaveLength(LEADS * 2);

    const perOutbox = await Promise.all(outboxes.map((o) => outboxMessages(o.dir)));
    const emailIds = perOutbox.flatMap((m) => [...m.keys()]);
    expect(emailIds).toHaveLength(LEADS * 2);
    expect(new Set(emailIds).size).toBe(LEADS * 2);
    expect(new Set(emailIds)).toEqual(new Set(queued.map((e) => (e.type === 'EmailQueued' ? e.data.emailId : ''))));

    // Each follow-up threads under its lead's first email.
    const messages = new Map(perOutbox.flatMap((m) => [...m]).map(([id, raw]) => [id, parseMime(raw)]));
    for (const lead of story.leads) {
      const mine = queued.filter((e) => e.type === 'EmailQueued' && e.data.enrollmentId === lead.enrollmentId);
      const byStep = new Map(mine.map((e) => [e.type === 'EmailQueued' ? e.data.stepIndex : -1, e.type === 'EmailQueued' ? e.data.emailId : '']));
      const first = messages.get(byStep.get(0) as string);
      const second = messages.get(byStep.get(1) as string);
      expect(first?.headers.get('To')).toBe(`Lead${story.leads.indexOf(lead)} Tester <${lead.email}>`);
      expect(first?.headers.get('In-Reply-To')).toBeUndefined();
      expect(second?.headers.get('In-Reply-To')).toBe(first?.headers.get('Message-ID'));
      expect(second?.headers.get('References')).toBe(first?.headers.get('Message-ID'));
      expect(findPart(second as NonNullable<typeof second>, 'text/html')?.body).toContain('/t/c/');
    }

    // Between them the two timer loops fired each step once (whichever claimed it).
    const fired = await Promise.all(schedulers.map(async (s) => (await s.metrics.timersFired.get()).values[0]?.value ?? 0));
    expect(fired.reduce((a, b) => a + b, 0)).toBe(LEADS * 2);
  });
});
