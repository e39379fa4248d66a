import { randomUUID } from 'node:crypto';
import { EnrollmentUseCases, Facts, emailHash, stableIds } from '@app/application';
import { AlreadyEnrolled, Decider, campaignDecider, leadDecider, sequenceDecider, templateDecider, userDecider, workspaceDecider } from '@app/domain';
import { DomainEvent, streams } from '@app/events';
import { OpenedEventStore } from '@app/event-store';
import { testCommandRunner, useTestDatabase, waitFor } from '@app/testing';
import { OccasionsScheduler } from '../../apps/schedulers/src/occasions/occasions.scheduler';
import { SchedulerInstance, eventsOfType, openStore, outboxMessages, startProjectors, startScheduler, temporaryOutbox } from './support/schedulers-harness';

const two = (n: number) => String(n).padStart(2, '0');

/**
 * A launched birthday campaign (09:00 local became 00:00 UTC here, so today's birthdays are due
 * all day) and three leads: one whose birthday is today, one tomorrow, and one today who
 * unsubscribed.
 */
async function seedBirthdays(store: OpenedEventStore['store']) {
  const runner = testCommandRunner(store);
  const workspaceId = randomUUID();
  const userId = randomUUID();
  const as = { tenantId: workspaceId, actorId: userId };
  const run = <C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, command: C) => runner.execute({ name: 'seed', streamId, decider, command, ...as });
  await run(streams.user(userId), userDecider, { type: 'RegisterUser', userId, email: 'grace@acme.test', name: 'Grace Hopper', now: runner.now() });
  await run(streams.workspace(workspaceId), workspaceDecider, { type: 'CreateWorkspace', workspaceId, name: 'Acme', ownerId: userId, now: runner.now() });
  const templateId = randomUUID();
  await run(streams.template(templateId), templateDecider, { type: 'CreateTemplate', templateId, workspaceId, name: 'Birthday', subject: 'Happy birthday, {{firstName}}!', body: 'Many happy returns, {{firstName}}.', category: 'COLD_OUTREACH', now: runner.now() });
  const sequenceId = randomUUID();
  await run(streams.sequence(sequenceId), sequenceDecider, { type: 'CreateSequence', sequenceId, workspaceId, name: 'Birthday', steps: [{ delay: 'PT0S', condition: 'ALWAYS', templateId }], knownTemplateIds: new Set([templateId]), now: runner.now() });
  const campaignId = randomUUID();
  await run(streams.campaign(campaignId), campaignDecider, { type: 'CreateCampaign', campaignId, workspaceId, name: 'Birthdays', sequenceId, stopOnReply: true, sequence: { stepCount: 1 }, now: runner.now() });
  await run(streams.campaign(campaignId), campaignDecider, { type: 'SetCampaignOccasion', occasion: 'BIRTHDAY', sendAtLocalTime: '00:00', now: runner.now() });
  await run(streams.campaign(campaignId), campaignDecider, { type: 'ConfigureCampaignSending', mailboxIds: [], sendWindow: null, timezone: 'UTC', mailboxes: {}, now: runner.now() });
  await run(streams.campaign(campaignId), campaignDecider, { type: 'LaunchCampaign', now: runner.now() });

  const today = new Date();
  const tomorrow = new Date(today.getTime() + 24 * 3600_000);
  const leads: { leadId: string; dateId: string; email: string }[] = [];
  for (const [name, day, unsubscribed] of [
    ['today', today, false],
    ['tomorrow', tomorrow, false],
    ['optedout', today, true],
  ] as const) {
    const leadId = randomUUID();
    const email = `${name}.${leadId.slice(0, 8)}@example.com`;
    await run(streams.lead(leadId), leadDecider, { type: 'CreateLead', leadId, workspaceId, emailHash: emailHash('occasion-test-secret', email), source: 'MANUAL', existingLeadId: null, email, firstName: name, now: runner.now() });
    const dateId = randomUUID();
    await run(streams.lead(leadId), leadDecider, { type: 'SetImportantDate', dateId, kind: 'BIRTHDAY', date: `--${two(day.getUTCMonth() + 1)}-${two(day.getUTCDate())}`, recurrence: 'YEARLY', now: runner.now() });
    if (unsubscribed) await run(streams.lead(leadId), leadDecider, { type: 'UnsubscribeLead', source: 'LINK', now: runner.now() });
    leads.push({ leadId, dateId, email });
  }
  return { workspaceId, campaignId, leads, year: today.getUTCFullYear(), runner };
}

describe('occasion emails', () => {
  const database = useTestDatabase();
  let opened: OpenedEventStore;
  let projectors: Awaited<ReturnType<typeof startProjectors>>;
  let outbox: Awaited<ReturnType<typeof temporaryOutbox>>;
  let scheduler: SchedulerInstance | null = null;
  beforeAll(async () => {
    opened = openStore(database, 3);
    projectors = await startProjectors(database);
    outbox = await temporaryOutbox();
  });
  afterAll(async () => {
    await scheduler?.close();
    await projectors?.stop();
    await opened?.close();
    await outbox?.remove();
  });

  it('sends a lead’s birthday email once, on the day, and never again for that year even after a restart', async () => {
    const seed = await seedBirthdays(opened.store);
    const [today, tomorrow, optedOut] = seed.leads as [(typeof seed.leads)[0], (typeof seed.leads)[0], (typeof seed.leads)[0]];
    const enrollmentId = stableIds.occasionEnrollment(seed.campaignId, today.leadId, today.dateId, seed.year);
    const emailId = stableIds.email(enrollmentId, 0);
    // The occasion job reads the lead_dates and campaign_sending read models.
    await waitFor(async () => (await projectors.db.selectFrom('leadDates').select('leadId').where('workspaceId', '=', seed.workspaceId).execute()).length === 3);

    scheduler = await startScheduler(database, { outboxDir: outbox.dir, occasionPollMs: 100 });
    await waitFor(async () => (await outboxMessages(outbox.dir)).has(emailId), { timeoutMs: 20_000, message: 'the birthday email went out' });
    await scheduler.close();
    scheduler = null;

    // Another process starts: its occasion job looks at the same dates again.
    scheduler = await startScheduler(database, { outboxDir: outbox.dir, occasionPollMs: 100 });
    const job = scheduler.app.get(OccasionsScheduler);
    expect(await job.tick()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const enrolled = (await eventsOfType(opened.store, ['LeadEnrolled'])).filter((e) => e.type === 'LeadEnrolled' && e.data.campaignId === seed.campaignId);
    expect(enrolled.map((e) => e.type === 'LeadEnrolled' && [e.data.leadId, e.data.occasion?.dateId, e.data.occasion?.year])).toEqual([[today.leadId, today.dateId, seed.year]]);
    expect(enrolled[0]?.streamId).toBe(streams.enrollment(enrollmentId));
    const files = await outboxMessages(outbox.dir);
    expect([...files.keys()].filter((id) => id === emailId)).toHaveLength(1);
    expect(files.get(emailId)).toContain('Subject: Happy birthday, today!');
    const sent = (await eventsOfType(opened.store, ['EmailSent'])).filter((e) => e.type === 'EmailSent' && e.data.campaignId === seed.campaignId);
    expect(sent).toHaveLength(1);

    // Even without the read model's help, the enrollment rules refuse the same date and year.
    const enrollments = new EnrollmentUseCases(seed.runner, new Facts(opened.store));
    await expect(
      enrollments.enroll({ workspaceId: seed.workspaceId, campaignId: seed.campaignId, leadId: today.leadId, occasion: { dateId: today.dateId, year: seed.year, dueAt: new Date().toISOString() } }),
    ).rejects.toBeInstanceOf(AlreadyEnrolled);
    expect(enrolled.some((e) => e.type === 'LeadEnrolled' && (e.data.leadId === tomorrow.leadId || e.data.leadId === optedOut.leadId))).toBe(false);

    // Next year's birthday is another enrollment of the same lead in the same campaign: the
    // enrollments read model (v2) keeps both instead of parking the second.
    await enrollments.enroll({ workspaceId: seed.workspaceId, campaignId: seed.campaignId, leadId: today.leadId, occasion: { dateId: today.dateId, year: seed.year + 1, dueAt: new Date(Date.now() + 365 * 24 * 3600_000).toISOString() } });
    await waitFor(async () => (await projectors.db.selectFrom('enrollments').select('enrollmentId').where('campaignId', '=', seed.campaignId).where('leadId', '=', today.leadId).execute()).length === 2);
    const parked = await database.pool.query<{ n: string }>(`select count(*) as n from parked_events where schema_name like 'proj_enrollments%'`);
    expect(parked.rows[0]?.n).toBe('0');
  }, 60_000);

  it('leaves out a lead whose address is on the workspace’s suppression list, even when it opted out on another lead record', async () => {
    const seed = await seedBirthdays(opened.store);
    const { runner, workspaceId } = seed;
    const run = <C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, command: C) => runner.execute({ name: 'seed', streamId, decider, command, tenantId: workspaceId, actorId: 'test' });
    const email = `listed.${randomUUID().slice(0, 8)}@example.com`;
    const hash = emailHash('occasion-test-secret', email);
    // The address unsubscribed on an older lead record; the lead with the birthday never did.
    const olderRecordId = randomUUID();
    await run(streams.lead(olderRecordId), leadDecider, { type: 'CreateLead', leadId: olderRecordId, workspaceId, emailHash: hash, source: 'MANUAL', existingLeadId: null, email, firstName: 'older', now: runner.now() });
    await run(streams.lead(olderRecordId), leadDecider, { type: 'UnsubscribeLead', source: 'ONE_CLICK', now: runner.now() });
    await waitFor(async () => (await projectors.db.selectFrom('suppressions').select('emailHash').where('workspaceId', '=', workspaceId).where('emailHash', '=', hash).execute()).length === 1);
    const listedId = randomUUID();
    await run(streams.lead(listedId), leadDecider, { type: 'CreateLead', leadId: listedId, workspaceId, emailHash: hash, source: 'MANUAL', existingLeadId: null, email, firstName: 'listed', now: runner.now() });
    const today = new Date();
    await run(streams.lead(listedId), leadDecider, { type: 'SetImportantDate', dateId: randomUUID(), kind: 'BIRTHDAY', date: `--${two(today.getUTCMonth() + 1)}-${two(today.getUTCDate())}`, recurrence: 'YEARLY', now: runner.now() });
    await waitFor(async () => (await projectors.db.selectFrom('leadDates').select('leadId').where('leadId', '=', listedId).execute()).length === 1);

    scheduler ??= await startScheduler(database, { outboxDir: outbox.dir, occasionPollMs: 100 });
    await scheduler.app.get(OccasionsScheduler).tick();
    const [birthday] = seed.leads as [(typeof seed.leads)[0]];
    const emailId = stableIds.email(stableIds.occasionEnrollment(seed.campaignId, birthday.leadId, birthday.dateId, seed.year), 0);
    await waitFor(async () => (await outboxMessages(outbox.dir)).has(emailId), { timeoutMs: 20_000, message: 'the campaign’s other birthday email went out' });

    const enrolled = (await eventsOfType(opened.store, ['LeadEnrolled'])).filter((e) => e.type === 'LeadEnrolled' && e.data.campaignId === seed.campaignId);
    expect(enrolled.map((e) => e.type === 'LeadEnrolled' && e.data.leadId)).toEqual([birthday.leadId]);
    expect([...(await outboxMessages(outbox.dir)).values()].some((raw) => raw.includes(email))).toBe(false);
  }, 60_000);
});
