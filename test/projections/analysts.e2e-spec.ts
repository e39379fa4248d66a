import { randomUUID } from 'node:crypto';
import { EnrollmentUseCases } from '@app/application';
import { waitFor } from '@app/testing';
import { projections as registered } from '../../apps/projectors/src/index';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { Session, campaignFixture, register, tokenWithRole } from '../support/api-client';

const app = useApiApp();
let api: ApiTestApp;
let rep: Session;
let other: Session;
let rates: string;
let berlinCampaign: string;

type Rate = { weekday: string; hour: number; sent: number; replied: number; replyRate: number };
type Status = { name: string; version: number; schema: string | null; purpose: string | null; state: string; checkpoint: string | null; eventsApplied: number; eventsBehind: number | null; lagSeconds: number; until: string | null; parked: number; lastError: string | null; updatedAt: string | null };

const REPLY_RATES = `query ($campaignId: ID) { replyRatesBySendTime(campaignId: $campaignId) { weekday hour sent replied replyRate } }`;
const PROJECTIONS = `query { projections { name version schema purpose state checkpoint eventsApplied eventsBehind lagSeconds until parked lastError updatedAt } }`;

async function launchedCampaign(name: string): Promise<string> {
  const { campaignId } = await campaignFixture(api, rep, { name });
  await api.ok(`mutation ($id: ID!) { launchCampaign(id: $id) { id } }`, { id: campaignId }, rep.token);
  return campaignId;
}

/**
 * A lead in `timezone` (none: UTC) sent the campaign's one email at `sentAt` (UTC), answered
 * by a person, by an auto-responder, or not at all.
 */
async function sentTo(campaignId: string, timezone: string | null, sentAt: string, reply: 'HUMAN' | 'AUTO_REPLY' | null, movedTo?: string): Promise<void> {
  const { createLead } = await api.ok<{ createLead: { id: string } }>(
    `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id } }`,
    { input: { email: `rates-${randomUUID().slice(0, 8)}@example.com`, firstName: 'Ada', ...(timezone ? { timezone } : {}) } },
    rep.token,
  );
  // Moved before the send: the slot is taken in the zone the lead had when the email went.
  if (movedTo) await api.ok(`mutation ($input: UpdateLeadInput!) { updateLead(input: $input) { id } }`, { input: { id: createLead.id, timezone: movedTo } }, rep.token);
  const { enrollLead } = await api.ok<{ enrollLead: { id: string } }>(`mutation ($input: EnrollLeadInput!) { enrollLead(input: $input) { id } }`, { input: { campaignId, leadId: createLead.id } }, rep.token);
  const { sendStep } = await api.ok<{ sendStep: { emails: { id: string }[] } }>(`mutation ($input: SendStepInput!) { sendStep(input: $input) { emails { id } } }`, { input: { enrollmentId: enrollLead.id } }, rep.token);
  const emailId = sendStep.emails[0]?.id as string;
  // The template greets {{firstName}}: without one the step would be skipped, not sent.
  if (!emailId) throw new Error(`no email queued for the lead in ${timezone ?? 'UTC'}`);
  // The delivery worker's part, at a chosen moment.
  await api.app.get(EnrollmentUseCases).recordSent({ workspaceId: rep.workspaceId, enrollmentId: enrollLead.id, emailId, transport: 'test', providerMessageId: `test-${emailId}`, sentAt });
  if (reply) {
    const receivedAt = new Date(Date.parse(sentAt) + 3 * 3_600_000).toISOString();
    await api.ok(`mutation ($input: RecordReplyInput!) { recordReply(input: $input) { id } }`, { input: { emailId, kind: reply, receivedAt } }, rep.token);
  }
}

const replyRates = async (campaignId?: string, token = rep.token) => (await api.ok<{ replyRatesBySendTime: Rate[] }>(REPLY_RATES, campaignId ? { campaignId } : {}, token)).replyRatesBySendTime;

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'analyst');
  other = await register(api, 'other');
  rates = await launchedCampaign('Rates');
  berlinCampaign = await launchedCampaign('Berlin');
  // Monday 3 March 2025, 14:00 UTC: 09:00 in New York, 23:00 in Tokyo, 14:00 for a lead
  // without a zone, 01:00 on Tuesday in Sydney.
  const monday = '2025-03-03T14:00:00.000Z';
  await sentTo(rates, 'America/New_York', monday, 'HUMAN');
  await sentTo(rates, 'America/New_York', '2025-03-03T14:45:00.000Z', null);
  await sentTo(rates, 'Asia/Tokyo', monday, null);
  await sentTo(rates, null, monday, 'AUTO_REPLY');
  await sentTo(rates, 'Europe/Paris', monday, 'HUMAN', 'Australia/Sydney');
  // 08:00 UTC is 09:00 in Berlin: the same slot as New York's, in another campaign.
  await sentTo(berlinCampaign, 'Europe/Berlin', '2025-03-03T08:00:00.000Z', 'HUMAN');
}, 60_000);

describe('replyRatesBySendTime', () => {
  it("puts each send in the weekday and hour of the lead's own zone, and counts human replies only", async () => {
    const expected: Rate[] = [
      { weekday: 'MON', hour: 9, sent: 2, replied: 1, replyRate: 0.5 },
      { weekday: 'MON', hour: 14, sent: 1, replied: 0, replyRate: 0 },
      { weekday: 'MON', hour: 23, sent: 1, replied: 0, replyRate: 0 },
      { weekday: 'TUE', hour: 1, sent: 1, replied: 1, replyRate: 1 },
    ];
    const found = await waitFor(async () => {
      const rows = await replyRates(rates);
      return JSON.stringify(rows) === JSON.stringify(expected) ? rows : null;
    }, { message: 'reply rates never showed the sends' }).catch(async () => replyRates(rates));
    expect(found).toEqual(expected);
  });

  it('adds up every campaign of the workspace when no campaign is given, and shows another workspace nothing', async () => {
    const expected: Rate[] = [
      { weekday: 'MON', hour: 9, sent: 3, replied: 2, replyRate: 0.6667 },
      { weekday: 'MON', hour: 14, sent: 1, replied: 0, replyRate: 0 },
      { weekday: 'MON', hour: 23, sent: 1, replied: 0, replyRate: 0 },
      { weekday: 'TUE', hour: 1, sent: 1, replied: 1, replyRate: 1 },
    ];
    const found = await waitFor(async () => {
      const rows = await replyRates();
      return JSON.stringify(rows) === JSON.stringify(expected) ? rows : null;
    }, { message: 'reply rates never added the campaigns up' }).catch(async () => replyRates());
    expect(found).toEqual(expected);
    expect(await replyRates(berlinCampaign)).toEqual([{ weekday: 'MON', hour: 9, sent: 1, replied: 1, replyRate: 1 }]);
    expect(await replyRates(undefined, other.token)).toEqual([]);
    // Any role of the workspace may read it: it holds no personal data.
    expect(await replyRates(rates, tokenWithRole(api, rep, 'AUDITOR'))).toHaveLength(4);
  });

  it("answers NOT_FOUND for another workspace's campaign and BAD_USER_INPUT for a malformed id", async () => {
    expect((await api.fails(REPLY_RATES, { campaignId: rates }, other.token)).extensions).toMatchObject({ code: 'NOT_FOUND' });
    const bad = await api.fails(REPLY_RATES, { campaignId: 'rates' }, rep.token);
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(bad.message).toMatch(/campaignId must be a UUID/);
    expect((await api.fails(REPLY_RATES, {})).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('projections', () => {
  it('shows every registered read model: name, version, schema, checkpoint, events behind, lag and state', async () => {
    const rows = await waitFor(async () => {
      const { projections } = await api.ok<{ projections: Status[] }>(PROJECTIONS, {}, rep.token);
      return projections.every((p) => p.state === 'live' && p.eventsBehind === 0) ? projections : null;
    }, { message: 'the read models never caught up' });
    expect(rows.map((r) => [r.name, r.version]).sort()).toEqual(registered.map((p) => [p.name, p.version]).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ purpose: 'live', state: 'live', eventsBehind: 0, lagSeconds: 0, until: null, parked: 0, lastError: null });
      expect(row.schema).toBe(`proj_${row.name}_v${row.version}`);
      expect(row.updatedAt).not.toBeNull();
    }
    const replyRatesRow = rows.find((r) => r.name === 'reply_rates');
    // 6 leads created, one updated, 6 sent, 4 replies (of which 3 by a person): 17 events of its types.
    expect(replyRatesRow?.eventsApplied).toBeGreaterThanOrEqual(17);
    expect(replyRatesRow?.checkpoint).toMatch(/\d/);
    expect((await api.fails(PROJECTIONS, {}, tokenWithRole(api, rep, 'MEMBER'))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    const audited = await api.ok<{ projections: Status[] }>(PROJECTIONS, {}, tokenWithRole(api, rep, 'AUDITOR'));
    expect(audited.projections).toHaveLength(rows.length);
  });
});
