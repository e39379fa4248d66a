import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findPart, parseMime, waitFor } from '@app/testing';
import { E2eClient } from './e2e-client';

/** A mail client fetching images: what an open looks like when a person reads the email. */
const READER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.3.0';

type Sent = { emailId: string; to: string; subject: string; html: string; headers: { get(name: string): string | undefined } };

function outbox(dir: string): Sent[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .map((file) => {
      const message = parseMime(readFileSync(join(dir, file)));
      const html = findPart(message, 'text/html')?.body ?? '';
      return { emailId: file.replace(/\.eml$/, ''), to: message.headers.get('to') ?? '', subject: message.headers.get('subject') ?? '', html, headers: message.headers };
    });
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * The whole story of issue 3, through GraphQL and HTTP only: register, a template, a sequence
 * of two steps (the second PT2S and IF_NOT_OPENED), a campaign, three imported leads enrolled,
 * launch; step 1 reaches the outbox for each; Ada opens hers (the pixel); Linus replies; after
 * the delay Ada's step 2 is skipped, Grace gets hers, Linus's enrollment has stopped; the
 * counters and the dashboard match exactly; a second workspace sees none of it; bad inputs
 * are refused and change nothing.
 */
export async function runLeadStory(api: E2eClient, outboxDir: string): Promise<void> {
  const { register } = await api.ok<{ register: { accessToken: string } }>(
    `mutation { register(input: { email: "ann@acme.test", password: "correct horse battery", name: "Ann Rep", workspaceName: "Acme" }) { accessToken } }`,
  );
  const token = register.accessToken;
  const q = <T>(query: string, variables?: Record<string, unknown>) => api.ok<T>(query, variables, token);

  const intro = await q<{ createTemplate: { id: string } }>(
    `mutation ($i: CreateTemplateInput!) { createTemplate(input: $i) { id } }`,
    { i: { name: 'Intro', subject: 'Quick question, {{firstName}}', body: '<p>Hi {{firstName}}, have a look at <a href="https://acme.test/pricing">our pricing</a>.</p>', category: 'COLD_OUTREACH' } },
  );
  const nudge = await q<{ createTemplate: { id: string } }>(
    `mutation ($i: CreateTemplateInput!) { createTemplate(input: $i) { id } }`,
    { i: { name: 'Nudge', subject: 'Re: Quick question, {{firstName}}', body: 'Just checking this reached you, {{firstName | default: "there"}}.', category: 'FOLLOW_UP' } },
  );
  const { createSequence } = await q<{ createSequence: { id: string } }>(
    `mutation ($i: CreateSequenceInput!) { createSequence(input: $i) { id } }`,
    {
      i: {
        name: 'Two steps',
        steps: [
          { templateId: intro.createTemplate.id, delay: 'PT0S', condition: 'ALWAYS' },
          { templateId: nudge.createTemplate.id, delay: 'PT2S', condition: 'IF_NOT_OPENED' },
        ],
      },
    },
  );
  const { createCampaign } = await q<{ createCampaign: { id: string; status: string } }>(`mutation ($s: ID!) { createCampaign(input: { name: "Q4 outreach", sequenceId: $s }) { id status } }`, {
    s: createSequence.id,
  });
  const campaignId = createCampaign.id;
  expect(createCampaign.status).toBe('DRAFT');

  const imported = await q<{ importLeads: { created: number; duplicates: number; invalid: unknown[] } }>(
    `mutation ($leads: [ImportLeadInput!]!) { importLeads(input: { leads: $leads }) { created duplicates invalid { row reason } } }`,
    {
      leads: [
        { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace', company: 'Engines' },
        { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper', company: 'Navy' },
        { email: 'linus@example.com', firstName: 'Linus', lastName: 'Torvalds', company: 'Kernel' },
      ],
    },
  );
  expect(imported.importLeads).toEqual({ created: 3, duplicates: 0, invalid: [] });
  const { leads } = await q<{ leads: { totalCount: number; nodes: { id: string; email: string }[] } }>(`{ leads(first: 10) { totalCount nodes { id email } } }`);
  const leadId = (email: string) => leads.nodes.find((l) => l.email === email)?.id as string;
  const { enrollLeads } = await q<{ enrollLeads: { enrolled: number } }>(`mutation ($c: ID!, $l: [ID!]!) { enrollLeads(input: { campaignId: $c, leadIds: $l }) { enrolled } }`, {
    c: campaignId,
    l: leads.nodes.map((l) => l.id),
  });
  expect(enrollLeads.enrolled).toBe(3);
  const launched = await q<{ launchCampaign: { status: string } }>(`mutation ($c: ID!) { launchCampaign(id: $c) { status } }`, { c: campaignId });
  expect(launched.launchCampaign.status).toBe('ACTIVE');

  // Step 1 reaches the outbox for each lead. Ada opens hers at once and Linus replies to his,
  // before step 2 falls due two seconds after each send.
  const firstRound = await waitFor(() => {
    const sent = outbox(outboxDir);
    return sent.length >= 3 ? sent : null;
  }, { timeoutMs: 20_000, message: 'step 1 did not reach the outbox for every lead' });
  const to = (name: string) => firstRound.find((m) => m.to.includes(name)) as Sent;
  const ada = to('ada@example.com');
  const pixel = /src="([^"]*\/t\/o\/[^"]+\.gif)"/.exec(ada.html)?.[1];
  expect(pixel).toBeDefined();
  const opened = await fetch(pixel as string, { headers: { 'user-agent': READER_AGENT } });
  expect(opened.status).toBe(200);
  expect(opened.headers.get('content-type')).toMatch(/image\/gif/);
  const linus = to('linus@example.com');
  await q(`mutation ($e: ID!, $at: DateTime!) { recordReply(input: { emailId: $e, receivedAt: $at, snippet: "Not now, thanks" }) { id } }`, {
    e: linus.emailId,
    at: new Date().toISOString(),
  });

  // Every step-1 email carries one-click unsubscribe headers and tracked links.
  for (const message of firstRound) {
    expect(message.headers.get('list-unsubscribe')).toMatch(/^<https?:\/\/.+\/u\/[A-Za-z0-9_-]+>/);
    expect(message.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(message.html).toMatch(/href="[^"]*\/t\/c\/[A-Za-z0-9_-]+"/);
    expect(message.html).not.toContain('href="https://acme.test/pricing"');
  }

  // After the delay: Grace gets step 2 (threaded under step 1); Ada's is skipped (she opened);
  // Linus's enrollment stopped when he replied.
  type Enrollment = { status: string; stopReason: string | null; emails: { id: string }[] };
  const enrollmentOf = async (email: string) =>
    (await q<{ lead: { enrollments: Enrollment[] } }>(`query ($l: ID!) { lead(id: $l) { enrollments { status stopReason emails { id } } } }`, { l: leadId(email) })).lead.enrollments[0] as Enrollment;
  await waitFor(async () => (await enrollmentOf('grace@example.com')).status === 'COMPLETED' && (await enrollmentOf('ada@example.com')).status === 'COMPLETED', {
    timeoutMs: 20_000,
    message: 'step 2 did not run',
  });
  const second = outbox(outboxDir).filter((m) => !firstRound.some((f) => f.emailId === m.emailId));
  expect(second.map((m) => m.to)).toEqual([expect.stringContaining('grace@example.com')]);
  expect(second[0]?.headers.get('in-reply-to')).toBe(to('grace@example.com').headers.get('message-id'));
  expect(await enrollmentOf('ada@example.com')).toMatchObject({ status: 'COMPLETED', emails: [expect.anything()] });
  expect(await enrollmentOf('grace@example.com')).toMatchObject({ status: 'COMPLETED', emails: [expect.anything(), expect.anything()] });
  expect(await enrollmentOf('linus@example.com')).toMatchObject({ status: 'STOPPED', stopReason: 'REPLIED', emails: [expect.anything()] });

  // The campaign completes once every enrollment has finished; counters match exactly.
  type Campaign = { status: string; counters: Record<string, number>; rates: Record<string, number> };
  const campaign = await waitFor(
    async () => {
      const c = (await q<{ campaign: Campaign }>(`query ($c: ID!) { campaign(id: $c) { status counters { enrolled active completed stopped emailsSent leadsContacted opened clicked replied bounced unsubscribed failed } rates { openRate replyRate clickRate } } }`, { c: campaignId })).campaign;
      return c.status === 'COMPLETED' ? c : null;
    },
    { timeoutMs: 10_000, message: 'the campaign did not complete' },
  );
  expect(campaign.counters).toEqual({ enrolled: 3, active: 0, completed: 2, stopped: 1, emailsSent: 4, leadsContacted: 3, opened: 2, clicked: 0, replied: 1, bounced: 0, unsubscribed: 0, failed: 0 });
  expect(campaign.rates.openRate).toBeCloseTo(2 / 3);
  expect(campaign.rates.replyRate).toBeCloseTo(1 / 3);

  const { dashboard } = await q<{ dashboard: { totals: Record<string, number>; days: { day: string; emailsSent: number }[] } }>(
    `query ($from: String!, $to: String!, $c: ID) { dashboard(from: $from, to: $to, campaignId: $c) { totals { enrolled emailsSent leadsContacted opened clicked replied bounced unsubscribed } days { day emailsSent } } }`,
    { from: day(-1), to: day(1), c: campaignId },
  );
  expect(dashboard.totals).toEqual({ enrolled: 3, emailsSent: 4, leadsContacted: 3, opened: 2, clicked: 0, replied: 1, bounced: 0, unsubscribed: 0 });
  expect(dashboard.days).toHaveLength(3);
  expect(dashboard.days.reduce((sum, d) => sum + d.emailsSent, 0)).toBe(4);

  // A second workspace sees none of it.
  const other = (await api.ok<{ register: { accessToken: string } }>(
    `mutation { register(input: { email: "bob@other.test", password: "correct horse battery", name: "Bob", workspaceName: "Other" }) { accessToken } }`,
  )).register.accessToken;
  expect((await api.ok<{ campaigns: { totalCount: number } }>(`{ campaigns { totalCount } }`, {}, other)).campaigns.totalCount).toBe(0);
  expect((await api.ok<{ leads: { totalCount: number } }>(`{ leads { totalCount } }`, {}, other)).leads.totalCount).toBe(0);
  expect(await api.fails(`query ($c: ID!) { campaign(id: $c) { id } }`, { c: campaignId }, other)).toBe('NOT_FOUND');
  expect(await api.fails(`query ($l: ID!) { lead(id: $l) { id } }`, { l: leadId('ada@example.com') }, other)).toBe('NOT_FOUND');
  expect(await api.fails(`query ($e: ID!) { email(id: $e) { id } }`, { e: ada.emailId }, other)).toBe('NOT_FOUND');
  expect(await api.fails(`mutation ($c: ID!) { pauseCampaign(id: $c) { id } }`, { c: campaignId }, other)).toBe('NOT_FOUND');

  // Bad inputs get clear errors and change nothing.
  const snapshot = async () =>
    JSON.stringify(
      await q(`query ($c: ID!, $e: ID!) { leads { totalCount } campaigns { totalCount } campaign(id: $c) { status counters { enrolled opened } } email(id: $e) { openCount } }`, {
        c: campaignId,
        e: ada.emailId,
      }),
    );
  const before = await snapshot();
  expect(await api.fails(`mutation { createLead(input: { email: "not-an-email" }) { id } }`, {}, token)).toBe('BAD_USER_INPUT');
  expect(await api.fails(`mutation ($c: ID!) { enrollLead(input: { campaignId: $c, leadId: "00000000-0000-4000-8000-000000000000" }) { id } }`, { c: campaignId }, token)).toBe('NOT_FOUND');
  expect(await api.fails(`mutation ($c: ID!, $l: ID!) { enrollLead(input: { campaignId: $c, leadId: $l }) { id } }`, { c: campaignId, l: leadId('ada@example.com') }, token)).toBe('CONFLICT');
  const archived = await q<{ createCampaign: { id: string } }>(`mutation ($s: ID!) { createCampaign(input: { name: "Old", sequenceId: $s }) { id } }`, { s: createSequence.id });
  await q(`mutation ($c: ID!) { archiveCampaign(id: $c) { id } }`, { c: archived.createCampaign.id });
  const afterArchive = await snapshot();
  expect(await api.fails(`mutation ($c: ID!) { launchCampaign(id: $c) { id } }`, { c: archived.createCampaign.id }, token)).toBe('CONFLICT');
  const forged = await fetch(`${api.baseUrl}/t/o/${'A'.repeat(46)}.gif`, { headers: { 'user-agent': READER_AGENT } });
  expect(forged.status).toBe(404);
  const altered = pixel?.replace(/\/t\/o\/(.)/, (_m, c: string) => `/t/o/${c === 'A' ? 'B' : 'A'}`) as string;
  expect((await fetch(altered, { headers: { 'user-agent': READER_AGENT } })).status).toBe(404);
  expect(await api.fails(`{ campaigns { totalCount } }`)).toBe('UNAUTHENTICATED');
  expect(await snapshot()).toBe(afterArchive);
  // Only the archived campaign was added between the two snapshots.
  expect(JSON.parse(afterArchive).campaigns.totalCount).toBe(JSON.parse(before).campaigns.totalCount + 1);
}
