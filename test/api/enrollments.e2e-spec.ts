import { waitFor } from '@app/testing';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { CAMPAIGN_FIELDS, EMAIL_FIELDS, ENROLLMENT_FIELDS, Session, campaignFixture, countEvents, createLead, markSent, register, tokenWithRole } from '../support/api-client';

const app = useApiApp();
let api: ApiTestApp;
let rep: Session;
let other: Session;
/** A launched campaign (two steps) and a draft one. */
let launched: { campaignId: string; templateId: string };
let draft: { campaignId: string };

const ENROLL = `mutation ($input: EnrollLeadInput!) { enrollLead(input: $input) { ${ENROLLMENT_FIELDS} } }`;
const ENROLL_MANY = `mutation ($input: EnrollLeadsInput!) { enrollLeads(input: $input) { campaignId enrolled results { leadId outcome enrollmentId message enrollment { status } } } }`;
const SEND_STEP = `mutation ($input: SendStepInput!) { sendStep(input: $input) { ${ENROLLMENT_FIELDS} emails { id stepIndex status subject } } }`;
const EMAIL = `query ($id: ID!) { email(id: $id) { ${EMAIL_FIELDS} } }`;
const ENROLLMENT = `query ($id: ID!) { enrollment(id: $id) { ${ENROLLMENT_FIELDS} emails { id } campaign { id } lead { email } } }`;

type Enrollment = { id: string; status: string; stopReason: string | null; currentStep: number | null; nextDueAt: string | null; emails: { id: string; stepIndex: number; status: string; subject: string }[] };

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'rep');
  other = await register(api, 'rival');
  launched = await campaignFixture(api, rep, { steps: 2, name: 'Launched' });
  await api.ok(`mutation ($id: ID!) { launchCampaign(id: $id) { id } }`, { id: launched.campaignId }, rep.token);
  draft = await campaignFixture(api, rep, { name: 'Draft' });
});

async function appendsNothing<T>(act: () => Promise<T>): Promise<T> {
  const before = await countEvents(app.database.pool);
  const result = await act();
  expect(await countEvents(app.database.pool)).toBe(before);
  return result;
}

/** A lead enrolled in the launched campaign with its first email queued (and sent, when asked). */
async function leadWithEmail(email: string, options: { sent?: boolean } = {}): Promise<{ leadId: string; enrollmentId: string; emailId: string }> {
  const leadId = await createLead(api, rep, email);
  const { enrollLead } = await api.ok<{ enrollLead: { id: string } }>(ENROLL, { input: { campaignId: launched.campaignId, leadId } }, rep.token);
  const { sendStep } = await api.ok<{ sendStep: Enrollment }>(SEND_STEP, { input: { enrollmentId: enrollLead.id } }, rep.token);
  const emailId = sendStep.emails[0]?.id as string;
  if (options.sent) {
    await markSent(api, { workspaceId: rep.workspaceId, enrollmentId: enrollLead.id, emailId });
    await waitFor(async () => (await api.ok<{ email: { status: string } }>(EMAIL, { id: emailId }, rep.token)).email.status === 'SENT', { message: 'email shown as sent' });
  }
  return { leadId, enrollmentId: enrollLead.id, emailId };
}

describe('enrollLead', () => {
  it('enrols a lead in a draft campaign as WAITING, and in a launched one as ACTIVE with its first step due', async () => {
    const leadId = await createLead(api, rep, 'first@example.com');
    const waiting = await api.ok<{ enrollLead: Enrollment }>(ENROLL, { input: { campaignId: draft.campaignId, leadId } }, rep.token);
    expect(waiting.enrollLead).toMatchObject({ status: 'WAITING', currentStep: null, nextDueAt: null, stepCount: 1 });
    const active = await api.ok<{ enrollLead: Enrollment }>(ENROLL, { input: { campaignId: launched.campaignId, leadId } }, rep.token);
    expect(active.enrollLead).toMatchObject({ status: 'ACTIVE', currentStep: 0, stepCount: 2 });
    expect(active.enrollLead.nextDueAt).not.toBeNull();
    const { campaign } = await api.ok<{ campaign: { counters: { enrolled: number; active: number } } }>(`query ($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, { id: launched.campaignId }, rep.token);
    expect(campaign.counters).toMatchObject({ enrolled: 1, active: 1 });
  });

  it('answers CONFLICT for a lead enrolled twice, and appends nothing', async () => {
    const leadId = await createLead(api, rep, 'twice@example.com');
    await api.ok(ENROLL, { input: { campaignId: draft.campaignId, leadId } }, rep.token);
    const error = await appendsNothing(() => api.fails(ENROLL, { input: { campaignId: draft.campaignId, leadId } }, rep.token));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENROLLMENT.ALREADY_ENROLLED' });
    expect(error.message).toMatch(/already enrolled/);
  });

  it('answers NOT_FOUND for unknown ids and for another workspace’s lead or campaign', async () => {
    const mine = await createLead(api, rep, 'mine@example.com');
    const theirs = await createLead(api, other, 'theirs@example.com');
    const unknown = '0193f1b6-0000-7000-8000-0000000000ff';
    for (const input of [
      { campaignId: draft.campaignId, leadId: unknown },
      { campaignId: unknown, leadId: mine },
      { campaignId: draft.campaignId, leadId: theirs },
    ]) {
      expect((await appendsNothing(() => api.fails(ENROLL, { input }, rep.token))).extensions?.code).toBe('NOT_FOUND');
    }
    expect((await appendsNothing(() => api.fails(ENROLL, { input: { campaignId: draft.campaignId, leadId: mine } }, other.token))).extensions?.code).toBe('NOT_FOUND');
  });

  it('answers CONFLICT for an unsubscribed lead and for an archived campaign', async () => {
    const gone = await createLead(api, rep, 'gone@example.com');
    await api.ok(`mutation ($input: UnsubscribeInput!) { unsubscribe(input: $input) { status } }`, { input: { leadId: gone } }, rep.token);
    const notContactable = await appendsNothing(() => api.fails(ENROLL, { input: { campaignId: draft.campaignId, leadId: gone } }, rep.token));
    expect(notContactable.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENROLLMENT.LEAD_NOT_CONTACTABLE' });

    const archived = await campaignFixture(api, rep, { name: 'Archived' });
    await api.ok(`mutation ($id: ID!) { archiveCampaign(id: $id) { id } }`, { id: archived.campaignId }, rep.token);
    const lead = await createLead(api, rep, 'late@example.com');
    const closed = await appendsNothing(() => api.fails(ENROLL, { input: { campaignId: archived.campaignId, leadId: lead } }, rep.token));
    expect(closed.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENROLLMENT.CAMPAIGN_CLOSED' });
  });
});

describe('enrollLeads', () => {
  it('answers one result per lead id, in order, without failing the batch', async () => {
    const fresh = await createLead(api, rep, 'batch.fresh@example.com');
    const already = await createLead(api, rep, 'batch.already@example.com');
    await api.ok(ENROLL, { input: { campaignId: draft.campaignId, leadId: already } }, rep.token);
    const unsubscribed = await createLead(api, rep, 'batch.unsub@example.com');
    await api.ok(`mutation ($input: UnsubscribeInput!) { unsubscribe(input: $input) { status } }`, { input: { leadId: unsubscribed } }, rep.token);
    const theirs = await createLead(api, other, 'batch.theirs@example.com');

    const { enrollLeads } = await api.ok<{ enrollLeads: { enrolled: number; results: Record<string, unknown>[] } }>(
      ENROLL_MANY,
      { input: { campaignId: draft.campaignId, leadIds: [fresh, already, unsubscribed, theirs, fresh] } },
      rep.token,
    );
    expect(enrollLeads.enrolled).toBe(1);
    expect(enrollLeads.results).toEqual([
      { leadId: fresh, outcome: 'ENROLLED', enrollmentId: expect.any(String), message: null, enrollment: { status: 'WAITING' } },
      { leadId: already, outcome: 'ALREADY_ENROLLED', enrollmentId: expect.any(String), message: expect.stringMatching(/already enrolled/), enrollment: { status: 'WAITING' } },
      { leadId: unsubscribed, outcome: 'NOT_CONTACTABLE', enrollmentId: null, message: expect.stringMatching(/unsubscribed/), enrollment: null },
      { leadId: theirs, outcome: 'NOT_FOUND', enrollmentId: null, message: expect.stringMatching(/not found/), enrollment: null },
      { leadId: fresh, outcome: 'ENROLLED', enrollmentId: expect.any(String), message: null, enrollment: { status: 'WAITING' } },
    ]);
  });

  it('refuses the whole batch for an unknown campaign (NOT_FOUND) or bad ids (BAD_USER_INPUT)', async () => {
    const lead = await createLead(api, rep, 'batch.none@example.com');
    const unknown = await appendsNothing(() => api.fails(ENROLL_MANY, { input: { campaignId: '0193f1b6-0000-7000-8000-0000000000fe', leadIds: [lead] } }, rep.token));
    expect(unknown.extensions?.code).toBe('NOT_FOUND');
    const bad = await appendsNothing(() => api.fails(ENROLL_MANY, { input: { campaignId: draft.campaignId, leadIds: ['nope'] } }, rep.token));
    expect(bad.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.message).toMatch(/each of leadIds must be a UUID/);
  });
});

describe('sendStep and enrollment', () => {
  it('queues the current step now and answers the enrollment with its email, rendered for the lead', async () => {
    const { enrollmentId, emailId } = await leadWithEmail('send.now@example.com');
    const { enrollment } = await api.ok<{ enrollment: Enrollment & { campaign: { id: string }; lead: { email: string } } }>(ENROLLMENT, { id: enrollmentId }, rep.token);
    expect(enrollment).toMatchObject({ status: 'ACTIVE', currentStep: 0, emails: [{ id: emailId }], campaign: { id: launched.campaignId }, lead: { email: 'send.now@example.com' } });
    const { email } = await api.ok<{ email: Record<string, unknown> & { trackingUrls: { pixel: string; unsubscribe: string; links: { index: number; url: string; trackingUrl: string }[] } } }>(
      EMAIL,
      { id: emailId },
      rep.token,
    );
    expect(email).toMatchObject({ to: 'send.now@example.com', subject: 'Hello Ada', status: 'QUEUED', stepIndex: 0, openCount: 0, clickCount: 0, sentAt: null });
    expect(email.body).toContain('Hi Ada');
    expect(email.trackingUrls.pixel).toMatch(/^http:\/\/tracking\.test\/t\/o\/[A-Za-z0-9_-]+\.gif$/);
    expect(email.trackingUrls.unsubscribe).toMatch(/^http:\/\/tracking\.test\/u\/[A-Za-z0-9_-]+$/);
    expect(email.trackingUrls.links.map((l) => l.url)).toEqual(['https://example.com/pricing', 'https://example.com/demo']);
    expect(email.trackingUrls.links[1]?.trackingUrl).toMatch(/^http:\/\/tracking\.test\/t\/c\//);
  });

  it('answers CONFLICT when nothing can be sent: not launched, or already queued', async () => {
    const leadId = await createLead(api, rep, 'not.launched@example.com');
    const { enrollLead } = await api.ok<{ enrollLead: { id: string } }>(ENROLL, { input: { campaignId: draft.campaignId, leadId } }, rep.token);
    const waiting = await appendsNothing(() => api.fails(SEND_STEP, { input: { enrollmentId: enrollLead.id } }, rep.token));
    expect(waiting.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENROLLMENT.NO_STEP_SCHEDULED' });
    expect(waiting.message).toMatch(/launch it/);
    const { enrollmentId } = await leadWithEmail('queued.twice@example.com');
    expect((await appendsNothing(() => api.fails(SEND_STEP, { input: { enrollmentId } }, rep.token))).message).toMatch(/already queued/);
  });

  it("answers NOT_FOUND for another workspace's enrollment and email, FORBIDDEN for an auditor", async () => {
    const { enrollmentId, emailId } = await leadWithEmail('private@example.com');
    expect((await appendsNothing(() => api.fails(SEND_STEP, { input: { enrollmentId } }, other.token))).extensions?.code).toBe('NOT_FOUND');
    expect((await api.fails(ENROLLMENT, { id: enrollmentId }, other.token)).extensions?.code).toBe('NOT_FOUND');
    expect((await api.fails(EMAIL, { id: emailId }, other.token)).extensions?.code).toBe('NOT_FOUND');
    expect((await appendsNothing(() => api.fails(SEND_STEP, { input: { enrollmentId } }, tokenWithRole(api, rep, 'AUDITOR')))).extensions?.code).toBe('FORBIDDEN');
  });
});

describe('recording what happened to an email', () => {
  const OPEN = `mutation ($input: RecordOpenInput!) { recordOpen(input: $input) { openCount machineOpenCount firstOpenedAt } }`;
  const CLICK = `mutation ($input: RecordClickInput!) { recordClick(input: $input) { clickCount firstOpenedAt } }`;
  const REPLY = `mutation ($input: RecordReplyInput!) { recordReply(input: $input) { repliedAt } }`;
  const BOUNCE = `mutation ($input: RecordBounceInput!) { recordBounce(input: $input) { bouncedAt bounceKind } }`;
  const browser = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

  it('records human and machine opens, clicks on recorded links, and a reply that stops the enrollment', async () => {
    const { enrollmentId, emailId } = await leadWithEmail('engaged@example.com', { sent: true });
    const human = await api.ok<{ recordOpen: { openCount: number; machineOpenCount: number; firstOpenedAt: string | null } }>(OPEN, { input: { emailId, userAgent: browser, ip: '203.0.113.7' } }, rep.token);
    expect(human.recordOpen).toMatchObject({ openCount: 1, machineOpenCount: 0 });
    expect(human.recordOpen.firstOpenedAt).not.toBeNull();
    const machine = await api.ok<{ recordOpen: { openCount: number; machineOpenCount: number } }>(OPEN, { input: { emailId, userAgent: 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)' } }, rep.token);
    expect(machine.recordOpen).toMatchObject({ openCount: 1, machineOpenCount: 1 });

    const click = await api.ok<{ recordClick: { clickCount: number } }>(CLICK, { input: { emailId, url: 'https://example.com/demo' } }, rep.token);
    expect(click.recordClick.clickCount).toBe(1);
    const unknownLink = await appendsNothing(() => api.fails(CLICK, { input: { emailId, url: 'https://evil.example/phish' } }, rep.token));
    expect(unknownLink.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EMAIL.UNKNOWN_LINK' });
    expect(unknownLink.message).toMatch(/https:\/\/example\.com\/pricing/);

    const reply = await api.ok<{ recordReply: { repliedAt: string } }>(REPLY, { input: { emailId, receivedAt: '2020-01-02T03:04:05Z', snippet: 'Sounds good, call me' } }, rep.token);
    expect(reply.recordReply.repliedAt).toBe('2020-01-02T03:04:05.000Z');
    const { enrollment } = await api.ok<{ enrollment: Enrollment }>(ENROLLMENT, { id: enrollmentId }, rep.token);
    expect(enrollment).toMatchObject({ status: 'STOPPED', stopReason: 'REPLIED', currentStep: null, nextDueAt: null });
    const future = await appendsNothing(() => api.fails(REPLY, { input: { emailId, receivedAt: '2999-01-01T00:00:00Z' } }, rep.token));
    expect(future.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('records a hard bounce, which stops the enrollment', async () => {
    const { enrollmentId, emailId } = await leadWithEmail('bouncy@example.com', { sent: true });
    const { recordBounce } = await api.ok<{ recordBounce: { bouncedAt: string | null; bounceKind: string } }>(BOUNCE, { input: { emailId, kind: 'HARD', reason: '550 5.1.1 user unknown' } }, rep.token);
    expect(recordBounce.bounceKind).toBe('HARD');
    expect(recordBounce.bouncedAt).not.toBeNull();
    const { enrollment } = await api.ok<{ enrollment: Enrollment }>(ENROLLMENT, { id: enrollmentId }, rep.token);
    expect(enrollment).toMatchObject({ status: 'STOPPED', stopReason: 'BOUNCED' });
  });

  it("answers NOT_FOUND for unknown emails and another workspace's, BAD_USER_INPUT for a bad kind", async () => {
    const { emailId } = await leadWithEmail('watched@example.com');
    expect((await appendsNothing(() => api.fails(OPEN, { input: { emailId } }, other.token))).extensions?.code).toBe('NOT_FOUND');
    expect((await appendsNothing(() => api.fails(OPEN, { input: { emailId: '0193f1b6-0000-7000-8000-0000000000fd' } }, rep.token))).extensions?.code).toBe('NOT_FOUND');
    expect((await appendsNothing(() => api.fails(BOUNCE, { input: { emailId, kind: 'MEDIUM', reason: 'x' } }, rep.token))).extensions?.code).toBe('BAD_USER_INPUT');
    expect((await appendsNothing(() => api.fails(OPEN, { input: { emailId, ip: 'not-an-ip' } }, rep.token))).message).toMatch(/ip must be an IPv4 or IPv6 address/);
  });
});

describe('campaign counters and the dashboard', () => {
  const DASHBOARD = `query ($from: String!, $to: String!, $campaignId: ID) { dashboard(from: $from, to: $to, campaignId: $campaignId) {
    from to campaignId totals { enrolled emailsSent leadsContacted opened clicked replied bounced unsubscribed }
    rates { openRate clickRate replyRate bounceRate unsubscribeRate } days { day enrolled emailsSent opened replied } } }`;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  it('agree with each other for a campaign, with a zero day for days without activity', async () => {
    const ids = await campaignFixture(api, rep, { name: 'Measured', steps: 2 });
    await api.ok(`mutation ($id: ID!) { launchCampaign(id: $id) { id } }`, { id: ids.campaignId }, rep.token);
    const sent: string[] = [];
    for (const email of ['m1@example.com', 'm2@example.com', 'm3@example.com']) {
      const leadId = await createLead(api, rep, email);
      const { enrollLead } = await api.ok<{ enrollLead: { id: string } }>(ENROLL, { input: { campaignId: ids.campaignId, leadId } }, rep.token);
      const { sendStep } = await api.ok<{ sendStep: Enrollment }>(SEND_STEP, { input: { enrollmentId: enrollLead.id } }, rep.token);
      const emailId = sendStep.emails[0]?.id as string;
      await markSent(api, { workspaceId: rep.workspaceId, enrollmentId: enrollLead.id, emailId });
      sent.push(emailId);
    }
    await waitFor(async () => (await api.ok<{ email: { status: string } }>(EMAIL, { id: sent[2] }, rep.token)).email.status === 'SENT');
    await api.ok(`mutation ($input: RecordOpenInput!) { recordOpen(input: $input) { id } }`, { input: { emailId: sent[0], userAgent: 'Mozilla/5.0 (Windows NT 10.0) Firefox/126.0' } }, rep.token);
    await api.ok(`mutation ($input: RecordReplyInput!) { recordReply(input: $input) { id } }`, { input: { emailId: sent[1] } }, rep.token);

    const { campaign } = await api.ok<{ campaign: { counters: Record<string, number>; rates: Record<string, number> } }>(`query ($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, { id: ids.campaignId }, rep.token);
    expect(campaign.counters).toMatchObject({ enrolled: 3, active: 2, stopped: 1, emailsSent: 3, leadsContacted: 3, replied: 1, bounced: 0, unsubscribed: 0 });
    expect(campaign.rates.replyRate).toBeCloseTo(1 / 3);

    const { dashboard } = await api.ok<{ dashboard: { totals: Record<string, number>; rates: Record<string, number>; days: { day: string; enrolled: number }[] } }>(
      DASHBOARD,
      { from: day(-2), to: day(0), campaignId: ids.campaignId },
      rep.token,
    );
    expect(dashboard.totals).toEqual({
      enrolled: campaign.counters.enrolled,
      emailsSent: campaign.counters.emailsSent,
      leadsContacted: campaign.counters.leadsContacted,
      opened: campaign.counters.opened,
      clicked: campaign.counters.clicked,
      replied: campaign.counters.replied,
      bounced: campaign.counters.bounced,
      unsubscribed: campaign.counters.unsubscribed,
    });
    expect(dashboard.rates).toEqual(campaign.rates);
    expect(dashboard.days.map((d) => d.day)).toEqual([day(-2), day(-1), day(0)]);
    expect(dashboard.days[0]).toMatchObject({ enrolled: 0, emailsSent: 0, opened: 0, replied: 0 });

    const theirs = await api.fails(DASHBOARD, { from: day(-2), to: day(0), campaignId: ids.campaignId }, other.token);
    expect(theirs.extensions?.code).toBe('NOT_FOUND');
    const { dashboard: empty } = await api.ok<{ dashboard: { totals: { enrolled: number } } }>(DASHBOARD, { from: day(-2), to: day(0) }, other.token);
    expect(empty.totals.enrolled).toBe(0);
  });

  it.each([
    { from: '2025-13-01', to: '2025-12-31', message: /not a calendar day/ },
    { from: '2025-03-10', to: '2025-03-01', message: /from must not be after to/ },
    { from: '2020-01-01', to: '2025-01-01', message: /more than 366 days/ },
    { from: 'yesterday', to: '2025-01-01', message: /YYYY-MM-DD/ },
  ])('refuses the range $from .. $to as BAD_USER_INPUT', async ({ from, to, message }) => {
    const error = await api.fails(DASHBOARD, { from, to }, rep.token);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
  });
});
