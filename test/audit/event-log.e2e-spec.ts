import { randomUUID } from 'node:crypto';
import { streams } from '@app/events';
import { waitFor } from '@app/testing';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { createLead, tokenWithRole } from '../support/api-client';

const app = useApiApp();
let api: ApiTestApp;

type Person = { email: string; token: string; userId: string; workspaceId: string };
type Entry = { id: string; type: string; streamId: string; revision: number; actorId: string; correlationId: string; causationId: string | null; position: string; hash: string; prevHash: string; data: string; personalDataWithheld: boolean };
type Page = { eventLog: { totalCount: number; nodes: Entry[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

const PASSWORD = 'correct horse battery';
const EVENT_LOG = `query ($filter: EventLogFilterInput, $first: Int, $after: String, $withPersonalData: Boolean) {
  eventLog(filter: $filter, first: $first, after: $after, withPersonalData: $withPersonalData) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id type streamId revision actorId correlationId causationId position hash prevHash data personalDataWithheld occurredAt }
  } }`;
const MEMBERS = `query { workspaceMembers { userId email name role addedAt } }`;

async function registerPerson(label: string): Promise<Person> {
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const data = await api.ok<{ register: { accessToken: string; user: { id: string }; workspace: { id: string } } }>(
    `mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } workspace { id } } }`,
    { input: { email, password: PASSWORD, name: label, workspaceName: `${label}'s team` } },
  );
  return { email, token: data.register.accessToken, userId: data.register.user.id, workspaceId: data.register.workspace.id };
}

async function loginTo(person: Person, workspaceId: string): Promise<{ token: string; role: string }> {
  const { login } = await api.ok<{ login: { accessToken: string; role: string } }>(`mutation ($input: LoginInput!) { login(input: $input) { accessToken role } }`, {
    input: { email: person.email, password: PASSWORD, workspaceId },
  });
  return { token: login.accessToken, role: login.role };
}

const eventLog = (token: string, variables: Record<string, unknown>) => api.ok<Page>(EVENT_LOG, variables, token);

let owner: Person;
let auditorUser: Person;
let helperUser: Person;
let auditor: string;
let leadId: string;

beforeAll(async () => {
  api = app.api;
  owner = await registerPerson('owner');
  auditorUser = await registerPerson('auditor');
  helperUser = await registerPerson('helper');
  leadId = await createLead(api, { token: owner.token, userId: owner.userId, workspaceId: owner.workspaceId }, 'ada@example.com', { lastName: 'Lovelace' });
});

describe('members and roles', () => {
  it('adds an existing user by email with a role; the log says who granted it', async () => {
    const { addMember } = await api.ok<{ addMember: { userId: string; role: string; email: string } }>(
      `mutation ($input: AddMemberInput!) { addMember(input: $input) { userId email role } }`,
      { input: { email: auditorUser.email.toUpperCase(), role: 'AUDITOR' } },
      owner.token,
    );
    expect(addMember).toEqual({ userId: auditorUser.userId, email: auditorUser.email, role: 'AUDITOR' });
    const login = await loginTo(auditorUser, owner.workspaceId);
    expect(login.role).toBe('AUDITOR');
    auditor = login.token;
    const { workspaceMembers } = await api.ok<{ workspaceMembers: { userId: string; role: string }[] }>(MEMBERS, {}, auditor);
    expect(workspaceMembers.map((m) => [m.userId, m.role])).toEqual([
      [owner.userId, 'OWNER'],
      [auditorUser.userId, 'AUDITOR'],
    ]);
    // The grant is a workspace event whose actor is the owner who made it.
    const granted = await waitFor(async () => (await eventLog(auditor, { filter: { types: ['MemberAdded'], streamId: streams.workspace(owner.workspaceId) } })).eventLog.nodes.find((n) => JSON.parse(n.data).userId === auditorUser.userId));
    expect(granted).toMatchObject({ actorId: owner.userId, streamId: streams.workspace(owner.workspaceId) });
    expect(JSON.parse(granted.data)).toMatchObject({ role: 'AUDITOR' });
  });

  it('changes a role and removes a member, and only owners and admins may', async () => {
    await api.ok(`mutation ($input: AddMemberInput!) { addMember(input: $input) { userId } }`, { input: { email: helperUser.email, role: 'MEMBER' } }, owner.token);
    const member = await loginTo(helperUser, owner.workspaceId);
    const refused = await api.fails(`mutation ($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { role } }`, { input: { userId: owner.userId, role: 'MEMBER' } }, member.token);
    expect(refused.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const { changeMemberRole } = await api.ok<{ changeMemberRole: { role: string } }>(
      `mutation ($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { role } }`,
      { input: { userId: helperUser.userId, role: 'ADMIN' } },
      owner.token,
    );
    expect(changeMemberRole.role).toBe('ADMIN');
    const lastOwner = await api.fails(`mutation ($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { role } }`, { input: { userId: owner.userId, role: 'ADMIN' } }, owner.token);
    expect(lastOwner.extensions).toMatchObject({ code: 'CONFLICT', reason: 'WORKSPACE.LAST_OWNER' });
    const { removeMember } = await api.ok<{ removeMember: { userId: string }[] }>(`mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { userId } }`, { input: { userId: helperUser.userId } }, owner.token);
    expect(removeMember.map((m) => m.userId)).toEqual([owner.userId, auditorUser.userId]);
    const changes = await waitFor(async () => {
      const page = await eventLog(auditor, { filter: { types: ['MemberRoleChanged', 'MemberRemoved'] } });
      return page.eventLog.nodes.length === 2 && page.eventLog.nodes;
    });
    expect(changes.map((c) => [c.type, c.actorId])).toEqual([
      ['MemberRoleChanged', owner.userId],
      ['MemberRemoved', owner.userId],
    ]);
    const unknown = await api.fails(`mutation ($input: AddMemberInput!) { addMember(input: $input) { userId } }`, { input: { email: 'nobody@example.com', role: 'MEMBER' } }, owner.token);
    expect(unknown.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'USER.NOT_FOUND' });
  });

  it('lets an auditor read everything in the workspace and issue no command', async () => {
    const { lead } = await api.ok<{ lead: { email: string } }>(`query ($id: ID!) { lead(id: $id) { email } }`, { id: leadId }, auditor);
    expect(lead.email).toBe('ada@example.com');
    for (const mutation of [
      [`mutation ($input: CreateLeadInput!) { createLead(input: $input) { id } }`, { input: { email: 'no@example.com' } }],
      [`mutation { anchorEventLog { outcome } }`, {}],
      [`mutation ($input: AddMemberInput!) { addMember(input: $input) { userId } }`, { input: { email: helperUser.email, role: 'OWNER' } }],
      [`mutation ($leadId: ID!) { eraseLead(leadId: $leadId) { leadId } }`, { leadId }],
    ] as const) {
      const error = await api.fails(mutation[0], mutation[1], auditor);
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN' });
    }
    // An auditor reads the projections' status too.
    const { projections } = await api.ok<{ projections: { name: string; state: string; eventsBehind: number | null }[] }>(`query { projections { name state eventsBehind lagSeconds } }`, {}, auditor);
    expect(projections.find((p) => p.name === 'event_log')).toMatchObject({ state: 'live' });
  });
});

describe('the event log', () => {
  it('pages through every event of the workspace in log order, with actor, correlation, causation, position and hashes', async () => {
    const all: Entry[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const page: Page = await eventLog(auditor, { first: 3, after });
      total = page.eventLog.totalCount;
      all.push(...page.eventLog.nodes);
      after = page.eventLog.pageInfo.hasNextPage ? page.eventLog.pageInfo.endCursor : null;
    } while (after);
    expect(all.length).toBe(total);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all[0]).toMatchObject({ type: 'UserRegistered', actorId: owner.userId, causationId: null });
    // Only this workspace: the auditor's own registration lives in their own workspace.
    expect(all.every((e) => !e.streamId.includes(auditorUser.workspaceId))).toBe(true);
    const [lead] = all.filter((e) => e.streamId === streams.lead(leadId));
    expect(lead).toMatchObject({ type: 'LeadCreated', revision: 0, prevHash: '0'.repeat(64) });
    expect(lead?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by stream, stream prefix, type, actor and time', async () => {
    const byStream = await eventLog(auditor, { filter: { streamId: streams.lead(leadId) } });
    expect(byStream.eventLog.nodes.map((n) => n.type)).toEqual(['LeadCreated']);
    const byPrefix = await eventLog(auditor, { filter: { streamPrefix: 'workspace-' } });
    expect(byPrefix.eventLog.nodes.every((n) => n.streamId === streams.workspace(owner.workspaceId))).toBe(true);
    const byActor = await eventLog(auditor, { filter: { actorId: owner.userId, types: ['LeadCreated'] } });
    expect(byActor.eventLog.nodes).toHaveLength(1);
    const future = await eventLog(auditor, { filter: { from: '2999-01-01T00:00:00Z' } });
    expect(future.eventLog.totalCount).toBe(0);
    const past = await eventLog(auditor, { filter: { to: '2000-01-01T00:00:00Z' } });
    expect(past.eventLog.totalCount).toBe(0);
  });

  it("keeps leads' personal fields sealed unless asked, and says so", async () => {
    const sealed = await eventLog(auditor, { filter: { streamId: streams.lead(leadId) } });
    expect(sealed.eventLog.nodes[0]).toMatchObject({ personalDataWithheld: true });
    expect(JSON.parse(sealed.eventLog.nodes[0]?.data ?? '{}')).toMatchObject({ email: '[erased]', lastName: '[erased]', leadId });
    const opened = await eventLog(auditor, { filter: { streamId: streams.lead(leadId) }, withPersonalData: true });
    expect(JSON.parse(opened.eventLog.nodes[0]?.data ?? '{}')).toMatchObject({ email: 'ada@example.com', lastName: 'Lovelace' });
  });

  it('records every read as an EventLogRead on the audit stream: who, how, with which filter, how many results', async () => {
    await eventLog(auditor, { filter: { types: ['LeadCreated'], actorId: owner.userId } });
    const reads = await waitFor(async () => {
      const page = await eventLog(owner.token, { filter: { streamId: streams.audit(owner.workspaceId), types: ['EventLogRead'] }, first: 200 });
      const found = page.eventLog.nodes.map((n) => ({ ...n, parsed: JSON.parse(n.data) })).filter((n) => n.parsed.filter.actorId === owner.userId && n.parsed.filter.types === 'LeadCreated');
      return found.length ? found : null;
    });
    expect(reads[0]?.parsed).toMatchObject({ readerId: auditorUser.userId, channel: 'QUERY', results: 1, workspaceId: owner.workspaceId });
    expect(reads[0]?.actorId).toBe(auditorUser.userId);
  });

  it('is for owners, admins and auditors only', async () => {
    const member = tokenWithRole(api, { token: owner.token, userId: owner.userId, workspaceId: owner.workspaceId }, 'MEMBER');
    expect((await api.fails(EVENT_LOG, {}, member)).extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await api.fails(`query { verifyEventLog { ok } }`, {}, member)).extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await api.fails(`query { projections { name } }`, {}, member)).extensions).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('the NDJSON export', () => {
  const exportLog = (token: string, query = '') => fetch(`${api.url}/audit/export${query}`, { headers: { authorization: `Bearer ${token}` } });

  it('streams the workspace log as one JSON event per line, filtered, and records the export', async () => {
    const response = await exportLog(auditor, '?types=MemberAdded,LeadCreated&from=2000-01-01T00:00:00Z');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; streamId: string; metadata: { hash: string; actorId: string }; data: { email?: string } });
    expect(lines.map((l) => l.type)).toEqual(['MemberAdded', 'LeadCreated', 'MemberAdded', 'MemberAdded']);
    expect(lines[1]?.metadata.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[1]?.data.email).toBe('[erased]');
    const exported = await waitFor(async () =>
      (await eventLog(owner.token, { filter: { types: ['EventLogRead'] }, first: 200 })).eventLog.nodes.map((n) => JSON.parse(n.data)).find((d) => d.channel === 'EXPORT'),
    );
    expect(exported).toMatchObject({ readerId: auditorUser.userId, results: 4, filter: { types: 'MemberAdded,LeadCreated', from: '2000-01-01T00:00:00.000Z' } });
  });

  it('refuses members, bad filters and missing tokens', async () => {
    const member = tokenWithRole(api, { token: owner.token, userId: owner.userId, workspaceId: owner.workspaceId }, 'MEMBER');
    expect((await exportLog(member)).status).toBe(403);
    expect((await exportLog(auditor, '?from=yesterday')).status).toBe(400);
    expect((await fetch(`${api.url}/audit/export`)).status).toBe(401);
  });
});

describe('verification and anchors', () => {
  it('verifies the workspace and one stream, anchors on demand (owners and admins), and never shows another workspace', async () => {
    await waitFor(async () => (await eventLog(owner.token, { filter: { streamId: streams.lead(leadId) } })).eventLog.totalCount === 1);
    const { anchorEventLog } = await api.ok<{ anchorEventLog: { outcome: string; merkleRoot: string; streams: number } }>(`mutation { anchorEventLog { outcome anchorId merkleRoot streams events detail } }`, {}, owner.token);
    expect(anchorEventLog).toMatchObject({ outcome: 'ANCHORED' });
    expect(anchorEventLog.streams).toBeGreaterThan(2);
    const { verifyEventLog } = await api.ok<{ verifyEventLog: { ok: boolean; streams: number; firstBreak: unknown; anchor: { merkleRoot: string; rootMatches: boolean } } }>(
      `query { verifyEventLog { ok streams events firstBreak { streamId revision eventId reason detail } anchor { anchorId merkleRoot rootMatches streams } verifiedAt } }`,
      {},
      auditor,
    );
    expect(verifyEventLog).toMatchObject({ ok: true, firstBreak: null, anchor: { merkleRoot: anchorEventLog.merkleRoot, rootMatches: true } });
    const one = await api.ok<{ verifyEventLog: { ok: boolean; streams: number } }>(`query ($s: String) { verifyEventLog(streamId: $s) { ok streams } }`, { s: streams.lead(leadId) }, auditor);
    expect(one.verifyEventLog).toEqual({ ok: true, streams: 1 });
    const foreign = await api.fails(`query ($s: String) { verifyEventLog(streamId: $s) { ok } }`, { s: streams.workspace(auditorUser.workspaceId) }, auditor);
    expect(foreign.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const recorded = await waitFor(async () =>
      (await eventLog(owner.token, { filter: { types: ['EventLogRead'] }, first: 200 })).eventLog.nodes.map((n) => JSON.parse(n.data)).find((d) => d.channel === 'VERIFY'),
    );
    expect(recorded).toMatchObject({ readerId: auditorUser.userId, filter: { streamId: 'all' } });
  });
});
