import { stableIds } from '@app/application';
import { streams } from '@app/events';
import { mailboxKeys, openMailboxSecret } from '@app/mail';
import { PLATFORM_CONFIG, PlatformConfig } from '@app/platform';
import { GoogleFake, MicrosoftFake, SmtpFake } from '@app/testing';
import { ApiSettings } from '../../apps/api/src/index';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { Session, campaignFixture, createLead, register, streamEvents, tokenWithRole } from '../support/api-client';

const overrides: Partial<ApiSettings> = {};
let google: GoogleFake;
let microsoft: MicrosoftFake;
let smtp: SmtpFake;
// Registered before the app's hooks: the fakes exist (and their URLs are in the settings) when it boots.
beforeAll(async () => {
  google = await GoogleFake.start();
  microsoft = await MicrosoftFake.start();
  smtp = await SmtpFake.start();
  overrides.mailboxProviders = { google: google.settings(), microsoft: microsoft.settings(), returnUrl: null };
});
afterAll(async () => {
  await Promise.all([google?.close(), microsoft?.close(), smtp?.close()]);
});
const app = useApiApp(overrides);
let api: ApiTestApp;
let rep: Session;
let rival: Session;

const MAILBOX = 'id provider address displayName status disconnectReason limits { perDay perMinute minSpacingSeconds jitterSeconds rampUp { startPerDay increasePerDay } } dailyAllowance sentLast24Hours waitingEmails';
const CONNECT = `mutation ($input: ConnectMailboxInput!) { connectMailbox(input: $input) { authorizeUrl mailbox { ${MAILBOX} } } }`;
type Mailbox = {
  id: string;
  provider: string;
  address: string;
  displayName: string | null;
  status: string;
  disconnectReason: string | null;
  limits: { perDay: number; perMinute: number; minSpacingSeconds: number; jitterSeconds: number; rampUp: { startPerDay: number; increasePerDay: number } | null };
  dailyAllowance: number;
  sentLast24Hours: number;
  waitingEmails: number;
};

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'rep');
  rival = await register(api, 'rival');
});

/** Plays the browser: opens the consent page, follows the provider's redirect to our callback. */
async function consent(authorizeUrl: string): Promise<{ status: number; html: string }> {
  const provider = await fetch(authorizeUrl, { redirect: 'manual' });
  const back = new URL(provider.headers.get('location') ?? '');
  const callback = await fetch(`${api.url}${back.pathname}${back.search}`, { redirect: 'manual' });
  return { status: callback.status, html: await callback.text() };
}

async function mailboxes(session: Session = rep): Promise<Mailbox[]> {
  return (await api.ok<{ mailboxes: Mailbox[] }>(`{ mailboxes { ${MAILBOX} } }`, {}, session.token)).mailboxes;
}

async function authorizeUrl(provider: 'GMAIL' | 'OUTLOOK', input: Record<string, unknown> = {}, session: Session = rep): Promise<string> {
  const { connectMailbox } = await api.ok<{ connectMailbox: { authorizeUrl: string; mailbox: null } }>(CONNECT, { input: { provider, ...input } }, session.token);
  expect(connectMailbox.mailbox).toBeNull();
  return connectMailbox.authorizeUrl;
}

async function sealedSecret(mailboxId: string) {
  const { rows } = await app.database.pool.query<{ sealed: Buffer }>('select sealed from mailbox_credentials where mailbox_id = $1', [mailboxId]);
  const row = rows[0];
  if (!row) return null;
  const key = mailboxKeys(api.app.get<PlatformConfig>(PLATFORM_CONFIG).piiMasterKey).sealing;
  return { raw: row.sealed, secret: openMailboxSecret(key, mailboxId, row.sealed) };
}

describe('connecting Gmail', () => {
  it('answers an authorize URL; the callback connects the account that granted access, its tokens sealed and never in the log', async () => {
    const url = new URL(await authorizeUrl('GMAIL', { displayName: 'Grace Hopper', limits: { perDay: 300 } }));
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ access_type: 'offline', prompt: 'consent', redirect_uri: 'http://api.test/oauth/google/callback', code_challenge_method: 'S256' });

    google.consentAs('grace@gmail.test');
    const callback = await consent(url.toString());
    expect(callback).toMatchObject({ status: 200, html: expect.stringContaining('grace@gmail.test is connected') });

    const gmail = (await mailboxes()).find((m) => m.address === 'grace@gmail.test');
    expect(gmail).toMatchObject({ provider: 'GMAIL', status: 'CONNECTED', displayName: 'Grace Hopper', limits: { perDay: 300, perMinute: 20, rampUp: { startPerDay: 20, increasePerDay: 10 } }, dailyAllowance: 20 });
    expect(gmail?.id).toBe(stableIds.mailbox(rep.workspaceId, 'grace@gmail.test'));

    const stored = await sealedSecret(gmail?.id ?? '');
    expect(stored?.secret).toMatchObject({ kind: 'oauth', refreshToken: expect.stringMatching(/^1\/\/refresh-/), accessToken: expect.any(String) });
    const refreshToken = stored?.secret.kind === 'oauth' ? stored.secret.refreshToken : 'none';
    expect(stored?.raw.toString('latin1')).not.toContain(refreshToken);
    const events = await streamEvents(api, streams.mailbox(gmail?.id ?? ''));
    expect(events.map((e) => e.type)).toEqual(['MailboxConnected']);
    expect(JSON.stringify(events)).not.toContain(refreshToken);
    expect(events[0]?.metadata.actorId).toBe(rep.userId);
  });

  it('refuses a callback whose state was altered, or that was declined, without connecting anything', async () => {
    const url = await authorizeUrl('GMAIL');
    const before = (await mailboxes()).length;
    const provider = await fetch(url, { redirect: 'manual' });
    const back = new URL(provider.headers.get('location') ?? '');
    back.searchParams.set('state', `${back.searchParams.get('state')}x`);
    const tampered = await fetch(`${api.url}${back.pathname}${back.search}`);
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toContain('invalid or has expired');
    const declined = await fetch(`${api.url}/oauth/google/callback?error=access_denied&state=whatever`);
    expect(declined.status).toBe(400);
    expect(await declined.text()).toContain('Access was not granted');
    expect((await mailboxes()).length).toBe(before);
  });

  it('is refused to an auditor', async () => {
    const error = await api.fails(CONNECT, { input: { provider: 'GMAIL' } }, tokenWithRole(api, rep, 'AUDITOR'));
    expect(error.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('connecting Outlook', () => {
  it('connects through the Microsoft identity platform and reads the address from Graph /me', async () => {
    microsoft.consentAs('grace@outlook.test');
    const callback = await consent(await authorizeUrl('OUTLOOK'));
    expect(callback.status).toBe(200);
    const outlook = (await mailboxes()).find((m) => m.address === 'grace@outlook.test');
    expect(outlook).toMatchObject({ provider: 'OUTLOOK', status: 'CONNECTED', displayName: 'grace', limits: { perDay: 1000, perMinute: 30 } });
    expect((await sealedSecret(outlook?.id ?? ''))?.secret).toMatchObject({ kind: 'oauth', refreshToken: expect.stringMatching(/^M\.R3_/) });
  });
});

describe('connecting SMTP', () => {
  it('logs in to the server first and connects the mailbox with its password sealed', async () => {
    const { connectMailbox } = await api.ok<{ connectMailbox: { authorizeUrl: null; mailbox: Mailbox } }>(CONNECT, { input: { provider: 'SMTP', displayName: 'Grace', smtp: smtp.settings() } }, rep.token);
    expect(connectMailbox).toMatchObject({ authorizeUrl: null, mailbox: { provider: 'SMTP', address: smtp.username, status: 'CONNECTED' } });
    expect((await sealedSecret(connectMailbox.mailbox.id))?.secret).toEqual({ kind: 'smtp', ...smtp.settings() });
  });

  it('says why when the login fails, and stores nothing', async () => {
    const error = await api.fails(CONNECT, { input: { provider: 'SMTP', address: 'bad@smtp.test', smtp: { ...smtp.settings(), password: 'wrong' } } }, rep.token);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'MAILBOX.SMTP_LOGIN' });
    expect(error.message).toMatch(/Could not log in to 127\.0\.0\.1:\d+: .*535/);
    expect(await sealedSecret(stableIds.mailbox(rep.workspaceId, 'bad@smtp.test'))).toBeNull();
  });
});

describe('a connected mailbox', () => {
  let id: string;
  beforeAll(async () => {
    const { connectMailbox } = await api.ok<{ connectMailbox: { mailbox: Mailbox } }>(CONNECT, { input: { provider: 'OUTBOX', address: 'Outbox@Acme.test' } }, rep.token);
    id = connectMailbox.mailbox.id;
  });

  it('has its limits changed field by field', async () => {
    const { setMailboxLimits } = await api.ok<{ setMailboxLimits: Mailbox }>(
      `mutation ($id: ID!, $limits: MailboxLimitsInput!) { setMailboxLimits(id: $id, limits: $limits) { ${MAILBOX} } }`,
      { id, limits: { perDay: 50, rampUp: { startPerDay: 5, increasePerDay: 5 } } },
      rep.token,
    );
    expect(setMailboxLimits).toMatchObject({ address: 'outbox@acme.test', limits: { perDay: 50, perMinute: 10_000, rampUp: { startPerDay: 5, increasePerDay: 5 } }, dailyAllowance: 5 });
  });

  it('is another workspace’s business only in its own workspace', async () => {
    expect((await mailboxes(rival)).map((m) => m.id)).not.toContain(id);
    const error = await api.fails(`mutation ($id: ID!) { disconnectMailbox(id: $id) { id } }`, { id }, rival.token);
    expect(error.extensions?.code).toBe('NOT_FOUND');
  });

  it('is disconnected by a member (its credentials forgotten, a Google grant revoked) and connected again', async () => {
    const gmail = (await mailboxes()).find((m) => m.address === 'grace@gmail.test') as Mailbox;
    const { disconnectMailbox } = await api.ok<{ disconnectMailbox: Mailbox }>(`mutation ($id: ID!) { disconnectMailbox(id: $id) { ${MAILBOX} } }`, { id: gmail.id }, rep.token);
    expect(disconnectMailbox).toMatchObject({ status: 'DISCONNECTED', disconnectReason: 'USER' });
    expect(await sealedSecret(gmail.id)).toBeNull();
    expect(google.requests.filter((r) => r.path === '/revoke')).toHaveLength(1);

    google.consentAs('grace@gmail.test');
    expect((await consent(await authorizeUrl('GMAIL'))).status).toBe(200);
    expect((await mailboxes()).find((m) => m.id === gmail.id)).toMatchObject({ status: 'CONNECTED', disconnectReason: null });
    expect((await streamEvents(api, streams.mailbox(gmail.id))).map((e) => e.type)).toEqual(['MailboxConnected', 'MailboxDisconnected', 'MailboxReconnected']);
  });
});

describe('a campaign’s sending', () => {
  it('names its mailboxes, send window and time zone, and an occasion for a draft campaign', async () => {
    const { campaignId } = await campaignFixture(api, rep);
    const ids = (await mailboxes()).filter((m) => m.provider !== 'SMTP').map((m) => m.id);
    const { configureCampaignSending } = await api.ok<{ configureCampaignSending: { mailboxes: { id: string }[]; sendWindow: unknown; timezone: string } }>(
      `mutation ($input: ConfigureCampaignSendingInput!) { configureCampaignSending(input: $input) { campaignId mailboxes { id } sendWindow { days start end } timezone } }`,
      { input: { campaignId, mailboxIds: ids, sendWindow: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '17:30' }, timezone: 'Europe/Paris' } },
      rep.token,
    );
    expect(configureCampaignSending).toEqual({ campaignId, mailboxes: ids.map((id) => ({ id })), sendWindow: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '17:30' }, timezone: 'Europe/Paris' });

    const { setCampaignOccasion } = await api.ok<{ setCampaignOccasion: { occasion: unknown } }>(
      `mutation ($input: SetCampaignOccasionInput!) { setCampaignOccasion(input: $input) { occasion { kind customLabel sendAtLocalTime } } }`,
      { input: { campaignId, occasion: 'BIRTHDAY', sendAtLocalTime: '09:00' } },
      rep.token,
    );
    expect(setCampaignOccasion.occasion).toEqual({ kind: 'BIRTHDAY', customLabel: null, sendAtLocalTime: '09:00' });
  });

  it('refuses another workspace’s mailbox, a zone that does not exist and a window that ends before it starts', async () => {
    const { campaignId } = await campaignFixture(api, rep);
    const rivalOutbox = (await api.ok<{ connectMailbox: { mailbox: Mailbox } }>(CONNECT, { input: { provider: 'OUTBOX', address: 'rival@acme.test' } }, rival.token)).connectMailbox.mailbox;
    const configure = (input: Record<string, unknown>) =>
      api.fails(`mutation ($input: ConfigureCampaignSendingInput!) { configureCampaignSending(input: $input) { campaignId } }`, { input: { campaignId, mailboxIds: [], ...input } }, rep.token);
    expect((await configure({ mailboxIds: [rivalOutbox.id] })).extensions?.code).toBe('NOT_FOUND');
    expect(await configure({ timezone: 'Mars/Olympus' })).toMatchObject({ message: expect.stringContaining('not an IANA time zone'), extensions: { code: 'BAD_USER_INPUT' } });
    expect((await configure({ sendWindow: { days: ['MON'], start: '17:00', end: '09:00' } })).message).toContain('must start before it ends');
  });
});

describe('a lead’s important dates', () => {
  it('are set, listed on the lead and removed', async () => {
    const leadId = await createLead(api, rep, `dated-${Date.now()}@example.com`);
    const SET = `mutation ($input: SetLeadImportantDateInput!) { setLeadImportantDate(input: $input) { dateId leadId kind label date recurrence } }`;
    const { setLeadImportantDate: birthday } = await api.ok<{ setLeadImportantDate: { dateId: string } }>(SET, { input: { leadId, kind: 'BIRTHDAY', date: '--02-29' } }, rep.token);
    expect(birthday).toMatchObject({ leadId, kind: 'BIRTHDAY', label: null, date: '--02-29', recurrence: 'YEARLY' });
    await api.ok(SET, { input: { leadId, kind: 'CUSTOM', label: 'Contract renewal', date: '2026-06-01', recurrence: 'ONCE' } }, rep.token);
    const { lead } = await api.ok<{ lead: { importantDates: { kind: string; date: string }[] } }>(`query ($id: ID!) { lead(id: $id) { importantDates { kind label date recurrence } } }`, { id: leadId }, rep.token);
    expect(lead.importantDates).toEqual([
      { kind: 'BIRTHDAY', label: null, date: '--02-29', recurrence: 'YEARLY' },
      { kind: 'CUSTOM', label: 'Contract renewal', date: '2026-06-01', recurrence: 'ONCE' },
    ]);
    const { removeLeadImportantDate } = await api.ok<{ removeLeadImportantDate: { kind: string }[] }>(
      `mutation ($leadId: ID!, $dateId: ID!) { removeLeadImportantDate(leadId: $leadId, dateId: $dateId) { kind } }`,
      { leadId, dateId: birthday.dateId },
      rep.token,
    );
    expect(removeLeadImportantDate).toEqual([{ kind: 'CUSTOM' }]);
  });

  it('refuses a date that is not one, and a custom date without a label', async () => {
    const leadId = await createLead(api, rep, `undated-${Date.now()}@example.com`);
    const SET = `mutation ($input: SetLeadImportantDateInput!) { setLeadImportantDate(input: $input) { dateId } }`;
    expect((await api.fails(SET, { input: { leadId, kind: 'BIRTHDAY', date: '1990-02-30' } }, rep.token)).message).toContain('not a calendar date');
    expect((await api.fails(SET, { input: { leadId, kind: 'CUSTOM', date: '--06-01' } }, rep.token)).message).toContain('needs a label');
  });
});
