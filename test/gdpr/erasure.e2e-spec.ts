import { randomUUID } from 'node:crypto';
import { streams } from '@app/events';
import { ErasureWatcher, EventStore } from '@app/event-store';
import { EVENT_STORE, KYSELY } from '@app/platform';
import { LockConnection, ProjectionOperations, projectionStatuses } from '@app/projections';
import { DB } from '@app/read-store';
import { readModelChecksums, recordingLogger, waitFor } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { projections } from '../../apps/projectors/src/index';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { CAMPAIGN_FIELDS, EMAIL_FIELDS, LEAD_FIELDS, Session, campaignFixture, countEvents, markSent, register, streamEvents, tokenWithRole } from '../support/api-client';

const app = useApiApp();
let api: ApiTestApp;
let rep: Session;
let other: Session;
let campaignId: string;
let leadId: string;
let enrollmentId: string;
let emailId: string;

// Strings found nowhere else, so a search of the whole database for them means something.
const tag = randomUUID().slice(0, 8);
const person = {
  email: `grace.${tag}@navy.example`,
  firstName: `Gracelyn${tag}`,
  lastName: `Hopperstein${tag}`,
  customValue: `cobol-fan-${tag}`,
  ip: '198.51.100.213',
  userAgent: `ErasureTestBrowser/${tag} (X11; Linux x86_64)`,
  snippet: `Call me on my private line, ref ${tag}`,
  occasion: `Commissioning day ${tag}`,
  date: '1906-12-09',
};
const personalStrings = [person.email, person.firstName, person.lastName, person.customValue, person.ip, person.userAgent, person.snippet, person.occasion];

const EXPORT = `query ($leadId: ID!) { exportLeadData(leadId: $leadId) { leadId exportedAt erased json } }`;
const ERASE = `mutation ($leadId: ID!) { eraseLead(leadId: $leadId) { leadId erasedAt alreadyErased enrollmentsStopped } }`;
const EVENT_LOG = `query ($filter: EventLogFilterInput, $withPersonalData: Boolean) {
  eventLog(filter: $filter, first: 200, withPersonalData: $withPersonalData) { totalCount nodes { type streamId data personalDataWithheld } } }`;
const DASHBOARD = `query ($from: String!, $to: String!, $campaignId: ID) { dashboard(from: $from, to: $to, campaignId: $campaignId) {
  totals { enrolled emailsSent leadsContacted opened clicked replied bounced unsubscribed } rates { openRate clickRate replyRate bounceRate unsubscribeRate } days { day enrolled emailsSent opened replied } } }`;

type Export = { leadId: string; exportedAt: string; erased: boolean; json: string };

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const store = () => api.app.get<EventStore>(EVENT_STORE);
const readModels = () => api.app.get<Kysely<DB>>(KYSELY) as unknown as Kysely<unknown>;

/**
 * Every row of every table of every schema but the system ones (read models of every version,
 * the event store, keys, checkpoints, parked events), as text: what a person with the
 * database in hand could read.
 */
async function wholeDatabaseAsText(): Promise<string> {
  const { rows: tables } = await app.database.pool.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg_toast%'`,
  );
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await app.database.pool.query<{ text: string | null }>(`select string_agg(t::text, E'\\n') as text from "${table.schema}"."${table.name}" t`);
    parts.push(`== ${table.schema}.${table.name}\n${rows[0]?.text ?? ''}`);
  }
  return parts.join('\n');
}

/** The personal strings found in `text`, each with where it was found (the table, for a dump). */
function personalDataIn(text: string): string[] {
  const lower = text.toLowerCase();
  return personalStrings.flatMap((s) => {
    const at = lower.indexOf(s.toLowerCase());
    if (at < 0) return [];
    const section = text.lastIndexOf('\n== ', at);
    return [`${s} (in ${section >= 0 ? text.slice(section + 4, text.indexOf('\n', section + 4)) : 'the text'})`];
  });
}

/** Until every live read model has applied every event of its types in the log. */
async function readModelsCaughtUp(): Promise<void> {
  await waitFor(
    async () => {
      const rows = await projectionStatuses(readModels(), store(), projections, new Date());
      return rows.every((r) => r.state !== 'live' || r.eventsBehind === 0) && rows.every((r) => r.state !== 'missing' && r.state !== 'building');
    },
    { message: 'the read models never caught up with the log' },
  );
}

async function counters(): Promise<unknown> {
  const { campaign } = await api.ok<{ campaign: unknown }>(`query ($id: ID!) { campaign(id: $id) { ${CAMPAIGN_FIELDS} } }`, { id: campaignId }, rep.token);
  const { dashboard } = await api.ok<{ dashboard: unknown }>(DASHBOARD, { from: day(-2), to: day(1), campaignId }, rep.token);
  const workspace = await api.ok<{ dashboard: unknown }>(DASHBOARD, { from: day(-2), to: day(1) }, rep.token);
  return { campaign, dashboard, workspace: workspace.dashboard };
}

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'rep');
  other = await register(api, 'other');
  ({ campaignId } = await campaignFixture(api, rep));
  await api.ok(`mutation ($id: ID!) { launchCampaign(id: $id) { id } }`, { id: campaignId }, rep.token);

  // The whole story of one lead: created with a profile, an important date, enrolled, sent,
  // opened (IP, user agent), clicked, replied.
  const { createLead } = await api.ok<{ createLead: { id: string } }>(
    `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id } }`,
    { input: { email: person.email, firstName: person.firstName, lastName: person.lastName, company: 'Navy', timezone: 'America/New_York', customFields: [{ key: 'hobby', value: person.customValue }] } },
    rep.token,
  );
  leadId = createLead.id;
  await api.ok(`mutation ($input: SetLeadImportantDateInput!) { setLeadImportantDate(input: $input) { dateId } }`, { input: { leadId, kind: 'CUSTOM', label: person.occasion, date: person.date } }, rep.token);
  const { enrollLead } = await api.ok<{ enrollLead: { id: string } }>(`mutation ($input: EnrollLeadInput!) { enrollLead(input: $input) { id } }`, { input: { campaignId, leadId } }, rep.token);
  enrollmentId = enrollLead.id;
  const { sendStep } = await api.ok<{ sendStep: { emails: { id: string }[] } }>(`mutation ($input: SendStepInput!) { sendStep(input: $input) { emails { id } } }`, { input: { enrollmentId } }, rep.token);
  emailId = sendStep.emails[0]?.id as string;
  await markSent(api, { workspaceId: rep.workspaceId, enrollmentId, emailId });
  await waitFor(async () => (await api.ok<{ email: { status: string } }>(`query ($id: ID!) { email(id: $id) { status } }`, { id: emailId }, rep.token)).email.status === 'SENT');
  await api.ok(`mutation ($input: RecordOpenInput!) { recordOpen(input: $input) { id } }`, { input: { emailId, ip: person.ip, userAgent: person.userAgent } }, rep.token);
  // An open through the tracking pixel too, as a mail client makes it.
  const { email } = await api.ok<{ email: { trackingUrls: { pixel: string } } }>(`query ($id: ID!) { email(id: $id) { trackingUrls { pixel } } }`, { id: emailId }, rep.token);
  expect((await fetch(email.trackingUrls.pixel.replace(api.settings.publicUrl, api.url), { headers: { 'user-agent': person.userAgent } })).status).toBe(200);
  await api.ok(`mutation ($input: RecordClickInput!) { recordClick(input: $input) { id } }`, { input: { emailId, url: 'https://example.com/demo' } }, rep.token);
  await api.ok(`mutation ($input: RecordReplyInput!) { recordReply(input: $input) { id } }`, { input: { emailId, snippet: person.snippet } }, rep.token);
  await readModelsCaughtUp();
}, 60_000);

describe('exportLeadData before erasure', () => {
  it('returns everything held about the lead, decrypted, as JSON, and records the export', async () => {
    const { exportLeadData } = await api.ok<{ exportLeadData: Export }>(EXPORT, { leadId }, rep.token);
    expect(exportLeadData).toMatchObject({ leadId, erased: false });
    const data = JSON.parse(exportLeadData.json);
    expect(data).toMatchObject({
      leadId,
      workspaceId: rep.workspaceId,
      erased: false,
      status: 'contactable',
      profile: { email: person.email, firstName: person.firstName, lastName: person.lastName, company: 'Navy', timezone: 'America/New_York', customFields: { hobby: person.customValue } },
      // One step, sent, then the reply: the enrollment had completed.
      enrollments: [{ enrollmentId, campaignId, status: 'completed', stopReason: null }],
      replies: [{ emailId, kind: 'HUMAN', snippet: person.snippet }],
    });
    expect(data.importantDates).toEqual([expect.objectContaining({ label: person.occasion, date: person.date })]);
    expect(data.emails).toHaveLength(1);
    expect(data.emails[0]).toMatchObject({ emailId, enrollmentId, to: person.email, subject: `Hello ${person.firstName}` });
    expect(data.emails[0].sentAt).not.toBeNull();
    expect(data.emails[0].bodyHtml).toContain(person.firstName);
    expect(data.emails[0].clicks).toEqual([expect.objectContaining({ url: 'https://example.com/demo' })]);
    expect(data.trackingHits).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'open', emailId, ip: person.ip, userAgent: person.userAgent, machine: false }),
        expect.objectContaining({ kind: 'open', emailId, userAgent: person.userAgent }),
        expect.objectContaining({ kind: 'click', emailId, url: 'https://example.com/demo' }),
      ]),
    );
    const types = data.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['LeadCreated', 'LeadImportantDateSet', 'LeadEnrolled', 'EmailQueued', 'EmailSent', 'EmailOpened', 'LinkClicked', 'ReplyReceived']));
    expect(data.events.find((e: { type: string }) => e.type === 'LeadCreated').data).toMatchObject({ email: person.email });
    const recorded = (await streamEvents(api, streams.lead(leadId))).filter((e) => e.type === 'LeadDataExported');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.metadata.actorId).toBe(rep.userId);
  });

  it('is for owners and admins only; another workspace gets NOT_FOUND; a bad id BAD_USER_INPUT', async () => {
    for (const role of ['MEMBER', 'AUDITOR'] as const) {
      expect((await api.fails(EXPORT, { leadId }, tokenWithRole(api, rep, role))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
    const admin = await api.ok<{ exportLeadData: Export }>(EXPORT, { leadId }, tokenWithRole(api, rep, 'ADMIN'));
    expect(admin.exportLeadData.leadId).toBe(leadId);
    const before = await countEvents(app.database.pool);
    expect((await api.fails(EXPORT, { leadId }, other.token)).extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect((await api.fails(EXPORT, { leadId: randomUUID() }, rep.token)).extensions).toMatchObject({ code: 'NOT_FOUND' });
    const bad = await api.fails(EXPORT, { leadId: 'lead-42' }, rep.token);
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(bad.message).toMatch(/leadId must be a UUID/);
    expect((await api.fails(EXPORT, { leadId })).extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await countEvents(app.database.pool)).toBe(before);
  });
});

describe('eraseLead', () => {
  let countersBefore: unknown;

  it('refuses other roles, other workspaces and bad ids, and changes nothing', async () => {
    const before = await countEvents(app.database.pool);
    for (const role of ['MEMBER', 'AUDITOR'] as const) {
      expect((await api.fails(ERASE, { leadId }, tokenWithRole(api, rep, role))).extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect((await api.fails(ERASE, { leadId }, other.token)).extensions).toMatchObject({ code: 'NOT_FOUND' });
    const unknown = await api.fails(ERASE, { leadId: randomUUID() }, rep.token);
    expect(unknown.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect(unknown.message).toMatch(/Lead/);
    const bad = await api.fails(ERASE, { leadId: 'not-a-uuid' }, rep.token);
    expect(bad.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(bad.message).toMatch(/leadId must be a UUID/);
    expect(await countEvents(app.database.pool)).toBe(before);
    const { rows } = await app.database.pool.query('select 1 from personal_data_keys where subject_id = $1 and wrapped_key is not null', [leadId]);
    expect(rows).toHaveLength(1);
  });

  it('deletes the data key, appends LeadErased, and leaves counters alone', async () => {
    countersBefore = await counters();
    // The search below would find them: read models hold them in plain text until erasure.
    const found = personalDataIn(await wholeDatabaseAsText()).join('\n');
    for (const s of [person.email, person.firstName, person.lastName, person.occasion]) expect(found).toContain(s);
    const { eraseLead } = await api.ok<{ eraseLead: { leadId: string; alreadyErased: boolean; enrollmentsStopped: number } }>(ERASE, { leadId }, rep.token);
    // Its one enrollment had already stopped on the reply.
    expect(eraseLead).toMatchObject({ leadId, alreadyErased: false, enrollmentsStopped: 0 });
    const events = await streamEvents(api, streams.lead(leadId));
    expect(events.filter((e) => e.type === 'LeadErased')).toHaveLength(1);
    expect(events.at(-1)?.metadata.actorId).toBe(rep.userId);
    const { rows } = await app.database.pool.query<{ wrappedKey: Buffer | null; erasedAt: Date | null }>('select wrapped_key as "wrappedKey", erased_at as "erasedAt" from personal_data_keys where subject_id = $1', [leadId]);
    expect(rows).toEqual([{ wrappedKey: null, erasedAt: expect.any(Date) }]);
    // The process runs an erasure watcher (every process does), and it saw this erasure.
    await waitFor(() => api.app.get(ErasureWatcher).applied >= 1, { message: "the API process's erasure watcher never saw LeadErased" });
    await readModelsCaughtUp();
    expect(await counters()).toEqual(countersBefore);
  });

  it('is harmless a second time', async () => {
    const before = await countEvents(app.database.pool);
    const { eraseLead } = await api.ok<{ eraseLead: { alreadyErased: boolean; enrollmentsStopped: number } }>(ERASE, { leadId }, rep.token);
    expect(eraseLead).toMatchObject({ alreadyErased: true, enrollmentsStopped: 0 });
    expect(await countEvents(app.database.pool)).toBe(before);
    expect((await streamEvents(api, streams.lead(leadId))).filter((e) => e.type === 'LeadErased')).toHaveLength(1);
  });

  it('leaves no personal data in any read model, or anywhere else in the database', async () => {
    await readModelsCaughtUp();
    expect(personalDataIn(await wholeDatabaseAsText())).toEqual([]);
  });

  it('leaves none in what the API answers: the lead, its email, its export, event reads, the event log and its NDJSON export', async () => {
    const { lead } = await api.ok<{ lead: { status: string } }>(`query ($id: ID!) { lead(id: $id) { ${LEAD_FIELDS} importantDates { dateId label date } } }`, { id: leadId }, rep.token);
    expect(lead).toMatchObject({ id: leadId, status: 'ERASED', firstName: null, lastName: null, customFields: [] });
    const { email } = await api.ok<{ email: { status: string; repliedAt: string | null } }>(`query ($id: ID!) { email(id: $id) { ${EMAIL_FIELDS} } }`, { id: emailId }, rep.token);
    // What happened to the email still counts; who it went to and what it said are gone.
    expect(email).toMatchObject({ id: emailId, openCount: 2, clickCount: 1 });
    expect(email.repliedAt).not.toBeNull();
    const { exportLeadData } = await api.ok<{ exportLeadData: Export }>(EXPORT, { leadId }, rep.token);
    expect(exportLeadData.erased).toBe(true);
    const exported = JSON.parse(exportLeadData.json);
    expect(exported).toMatchObject({ erased: true, status: 'erased', replies: [{ emailId, kind: 'HUMAN' }] });
    const read = [...(await streamEvents(api, streams.lead(leadId))), ...(await streamEvents(api, streams.enrollment(enrollmentId)))];
    expect(read.filter((e) => e.personalDataErased).map((e) => e.type)).toEqual(expect.arrayContaining(['LeadCreated', 'EmailQueued', 'EmailOpened', 'ReplyReceived']));
    const logs = [];
    for (const streamId of [streams.lead(leadId), streams.enrollment(enrollmentId)]) {
      logs.push(await api.ok(EVENT_LOG, { filter: { streamId }, withPersonalData: true }, rep.token));
    }
    const ndjson = await (await fetch(`${api.url}/audit/export?withPersonalData=true`, { headers: { authorization: `Bearer ${rep.token}` } })).text();
    expect(ndjson).toContain(`"streamId":"${streams.lead(leadId)}"`);
    expect(ndjson).toContain('"type":"LeadErased"');
    expect(personalDataIn(JSON.stringify({ lead, email, exportLeadData, read, logs, ndjson }))).toEqual([]);
  });

  it('keeps every hash chain valid', async () => {
    const { verifyEventLog } = await api.ok<{ verifyEventLog: { ok: boolean; firstBreak: unknown } }>(`query { verifyEventLog { ok streams firstBreak { streamId reason } } }`, {}, rep.token);
    expect(verifyEventLog).toMatchObject({ ok: true, firstBreak: null });
    for (const streamId of [streams.lead(leadId), streams.enrollment(enrollmentId)]) {
      const one = await api.ok<{ verifyEventLog: { ok: boolean } }>(`query ($s: String) { verifyEventLog(streamId: $s) { ok } }`, { s: streamId }, rep.token);
      expect(one.verifyEventLog.ok).toBe(true);
    }
  });

  it('rebuilding every read model after erasure gives the same rows, still without personal data', async () => {
    await readModelsCaughtUp();
    const db = readModels();
    const before = await readModelChecksums(db, projections);
    const locks = new LockConnection(app.database.url);
    try {
      const operations = new ProjectionOperations<DB>({ projections, store: store(), db: api.app.get<Kysely<DB>>(KYSELY), locks, logger: recordingLogger(), batchSize: 50 });
      const report = await operations.rebuild(projections.map((p) => p.name));
      expect(report.completed).toBe(true);
      expect(report.switched.map((s) => s.projection).sort()).toEqual(projections.map((p) => p.name).sort());
    } finally {
      await locks.close();
    }
    expect(await readModelChecksums(db, projections)).toEqual(before);
    expect(personalDataIn(await wholeDatabaseAsText())).toEqual([]);
    expect(await counters()).toEqual(countersBefore);
    // The serving schemas are the rebuilt ones.
    const { rows } = await sql<{ schemaName: string }>`select schema_name as "schemaName" from projection_checkpoints where state = 'live'`.execute(db);
    expect(rows.every((r) => /_r\d+$/.test(r.schemaName))).toBe(true);
  }, 60_000);
});
