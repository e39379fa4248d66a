import { randomUUID } from 'node:crypto';
import { campaignDecider, leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { EventStore, RecordedEvent } from '@app/event-store';
import { SequenceStory, seedSequenceStory, useTestDatabase, waitFor } from '@app/testing';
import { sql } from 'kysely';
import { ReactorsScheduler } from '../../apps/schedulers/src/reactors/reactors.scheduler';
import { SchedulerInstance, eventsOfType, startProjectors, startScheduler, temporaryOutbox } from './support/schedulers-harness';

const slowSteps = [
  { delay: 'P1D', subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}' },
  { delay: 'P2D', subject: 'Again', body: 'Hi again' },
];
const quickStep = [{ delay: 'PT0S', subject: 'Hello {{firstName}}', body: 'Hi {{firstName}}' }];
let counter = 0;
const leads = (n: number) => Array.from({ length: n }, () => ({ email: `lead${++counter}@example.com`, firstName: 'Lead' }));

/** The reactors at work in a running scheduler, with the projectors beside it. */
describe('the scheduler reactors', () => {
  let opened: { store: EventStore };
  let projectors: Awaited<ReturnType<typeof startProjectors>> | null = null;
  let scheduler: SchedulerInstance | null = null;
  let outbox: Awaited<ReturnType<typeof temporaryOutbox>> | null = null;
  afterAll(async () => {
    await scheduler?.close();
    await projectors?.stop();
    await outbox?.remove();
  });
  const database = useTestDatabase();

  beforeAll(async () => {
    projectors = await startProjectors(database);
    opened = { store: projectors.store };
    outbox = await temporaryOutbox();
    scheduler = await startScheduler(database, { outboxDir: outbox.dir });
  });

  const streamOf = (enrollmentId: string) => opened.store.readStream(streams.enrollment(enrollmentId));
  const last = async (enrollmentId: string) => (await streamOf(enrollmentId)).at(-1) as RecordedEvent;
  const stopReasons = async (s: SequenceStory) =>
    Promise.all(s.leads.map(async (l) => (await streamOf(l.enrollmentId)).filter((e) => e.type === 'EnrollmentStopped').map((e) => e.type === 'EnrollmentStopped' && e.data.reason)));

  it('starts the waiting enrollments of a campaign when it is launched', async () => {
    const s = await seedSequenceStory(opened.store, { steps: slowSteps, leads: leads(4), launch: 'after-enrolling' });
    await waitFor(async () => (await Promise.all(s.leads.map((l) => last(l.enrollmentId)))).every((e) => e.type === 'StepScheduled'), { message: 'every enrollment started' });
    for (const lead of s.leads) {
      const scheduled = (await streamOf(lead.enrollmentId)).filter((e) => e.type === 'StepScheduled');
      expect(scheduled.map((e) => e.type === 'StepScheduled' && [e.data.stepIndex, e.data.reason])).toEqual([[0, 'LAUNCHED']]);
      expect(scheduled[0]?.metadata.actorId).toBe('system:scheduler');
    }
  });

  it('stops the open enrollments of an archived campaign', async () => {
    const s = await seedSequenceStory(opened.store, { steps: slowSteps, leads: leads(3), launch: 'before-enrolling' });
    await s.campaign('ArchiveCampaign');
    await waitFor(async () => (await stopReasons(s)).every((r) => r.length === 1), { message: 'every enrollment stopped' });
    expect(await stopReasons(s)).toEqual([['CAMPAIGN_ARCHIVED'], ['CAMPAIGN_ARCHIVED'], ['CAMPAIGN_ARCHIVED']]);
  });

  it('stops every open enrollment of a lead who unsubscribed, in every campaign', async () => {
    const first = await seedSequenceStory(opened.store, { steps: slowSteps, leads: leads(2), launch: 'before-enrolling' });
    const lead = first.leads[0] as SequenceStory['leads'][number];
    // The same lead in a second campaign of the workspace.
    const campaignId = randomUUID();
    const as = { tenantId: first.workspaceId, actorId: first.userId };
    const now = () => new Date().toISOString();
    await first.runner.execute({
      name: 'CreateCampaign',
      streamId: streams.campaign(campaignId),
      decider: campaignDecider,
      ...as,
      command: { type: 'CreateCampaign', campaignId, workspaceId: first.workspaceId, name: 'Second', sequenceId: first.sequenceId, stopOnReply: true, sequence: { stepCount: 2 }, now: now() },
    });
    await first.runner.execute({ name: 'LaunchCampaign', streamId: streams.campaign(campaignId), decider: campaignDecider, ...as, command: { type: 'LaunchCampaign', now: now() } });
    const { enrollmentId: secondEnrollment } = await first.enrollments.enroll({ workspaceId: first.workspaceId, campaignId, leadId: lead.leadId });
    await first.runner.execute({
      name: 'UnsubscribeLead',
      streamId: streams.lead(lead.leadId),
      decider: leadDecider,
      tenantId: first.workspaceId,
      actorId: 'test',
      command: { type: 'UnsubscribeLead', source: 'ONE_CLICK', now: new Date().toISOString() },
    });
    const stopsOf = async (enrollmentId: string) => (await streamOf(enrollmentId)).filter((e) => e.type === 'EnrollmentStopped').map((e) => e.type === 'EnrollmentStopped' && e.data.reason);
    await waitFor(async () => (await stopsOf(lead.enrollmentId)).length === 1 && (await stopsOf(secondEnrollment)).length === 1, { message: 'both enrollments of the lead stopped' });
    expect(await stopsOf(lead.enrollmentId)).toEqual(['UNSUBSCRIBED']);
    expect(await stopsOf(secondEnrollment)).toEqual(['UNSUBSCRIBED']);
    // The other lead of the campaign is not touched.
    expect((await stopReasons(first))[1]).toEqual([]);
  });

  it('suppresses a lead whose email hard-bounced, and completes the campaign once every enrollment ended', async () => {
    const s = await seedSequenceStory(opened.store, { steps: quickStep, leads: leads(2), launch: 'before-enrolling' });
    const sent = await waitFor(
      async () => {
        const all = (await Promise.all(s.leads.map((l) => streamOf(l.enrollmentId)))).flat().filter((e) => e.type === 'EmailSent');
        return all.length === 2 ? all : null;
      },
      { timeoutMs: 15_000, message: 'both emails sent' },
    );
    const bounced = sent[0] as RecordedEvent;
    if (bounced.type !== 'EmailSent') throw new Error('not an EmailSent');
    await s.enrollments.recordBounce({
      workspaceId: s.workspaceId,
      enrollmentId: bounced.data.enrollmentId,
      emailId: bounced.data.emailId,
      kind: 'HARD',
      reason: '550 5.1.1 user unknown',
      bouncedAt: new Date().toISOString(),
    });
    const suppressed = await waitFor(
      async () => (await opened.store.readStream(streams.lead(bounced.data.leadId))).find((e) => e.type === 'LeadSuppressed') ?? null,
      { message: 'the lead was suppressed' },
    );
    expect(suppressed.data).toMatchObject({ reason: 'HARD_BOUNCE', emailId: bounced.data.emailId });
    expect(suppressed.metadata.causationId).not.toBeNull();
    await waitFor(async () => (await opened.store.readStream(streams.campaign(s.campaignId))).some((e) => e.type === 'CampaignCompleted'), {
      message: 'the campaign completed',
    });
  });

  it('reschedules the steps that fell due while the campaign was paused to the resume, then sends them', async () => {
    const s = await seedSequenceStory(opened.store, { steps: [{ delay: 'PT1S', subject: 'Hi', body: 'Hi' }], leads: leads(2), launch: 'before-enrolling' });
    await s.campaign('PauseCampaign');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await s.campaign('ResumeCampaign');
    await waitFor(async () => (await Promise.all(s.leads.map((l) => streamOf(l.enrollmentId)))).every((h) => h.some((e) => e.type === 'EmailSent')), {
      timeoutMs: 15_000,
      message: 'both sent after the resume',
    });
    for (const lead of s.leads) {
      const history = await streamOf(lead.enrollmentId);
      const reasons = history.filter((e) => e.type === 'StepScheduled').map((e) => e.type === 'StepScheduled' && e.data.reason);
      // RESUMED unless the timer beat the reactor to it (both are fine; never both sends).
      expect(reasons.filter((r) => r === 'RESUMED').length).toBeLessThanOrEqual(1);
      expect(history.filter((e) => e.type === 'EmailSent')).toHaveLength(1);
    }
    await waitFor(async () => (await opened.store.readStream(streams.campaign(s.campaignId))).some((e) => e.type === 'CampaignCompleted'), {
      message: 'the campaign completed',
    });
  });

  it('handles everything again after a crash without appending anything new', async () => {
    const db = (projectors as NonNullable<typeof projectors>).db;
    // Where each reactor has read to (a stretch of events it does not handle is saved only now and then).
    const reactorsAt = async (head: string | null) => {
      const status = (scheduler as SchedulerInstance).app.get(ReactorsScheduler).status();
      return status.length === 5 && status.every((r) => head === null || (r.checkpoint !== null && opened.store.comparePositions(r.checkpoint, head) >= 0));
    };
    // Quiet first: every reaction to the earlier tests has been made.
    const head = await opened.store.headPosition();
    await waitFor(() => reactorsAt(head), { timeoutMs: 15_000, message: 'reactors caught up before the crash' });
    const before = (await opened.store.readAll({ limit: 100_000 })).length;
    await scheduler?.close();
    // As if every reactor crashed before saving any checkpoint: they start over from the first event.
    await sql`update projection_checkpoints set position = null where purpose = 'reactor'`.execute(db);
    scheduler = await startScheduler(database, { outboxDir: outbox?.dir });
    await waitFor(() => reactorsAt(head), { timeoutMs: 30_000, message: 'every reactor caught up again' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await opened.store.readAll({ limit: 100_000 });
    expect(after.slice(before).map((e) => `${e.type} ${e.metadata.actorId}`)).toEqual([]);
    expect((await eventsOfType(opened.store, ['EmailSent'])).length).toBe(4);
  });
});
