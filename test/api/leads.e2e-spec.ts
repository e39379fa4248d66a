import { ApiTestApp, useApiApp } from '../support/api-app';
import { LEAD_FIELDS, Session, campaignFixture, countEvents, createLead, register, tokenWithRole } from '../support/api-client';

const app = useApiApp();
let api: ApiTestApp;
let rep: Session;
let other: Session;

const CREATE_LEAD = `mutation ($input: CreateLeadInput!) { createLead(input: $input) { ${LEAD_FIELDS} } }`;
const UPDATE_LEAD = `mutation ($input: UpdateLeadInput!) { updateLead(input: $input) { ${LEAD_FIELDS} } }`;
const IMPORT_LEADS = `mutation ($input: ImportLeadsInput!) { importLeads(input: $input) { created duplicates invalidCount invalid { row email reason } } }`;
const LEADS = `query ($filter: LeadsFilterInput, $first: Int, $after: String) { leads(filter: $filter, first: $first, after: $after) { totalCount nodes { email status } pageInfo { hasNextPage endCursor } } }`;

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'rep');
  other = await register(api, 'rival');
});

async function appendsNothing<T>(act: () => Promise<T>): Promise<T> {
  const before = await countEvents(app.database.pool);
  const result = await act();
  expect(await countEvents(app.database.pool)).toBe(before);
  return result;
}

async function postCsv(body: string | FormData, headers: Record<string, string>, token: string | null = rep.token): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${api.url}/imports/leads`, { method: 'POST', body, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('createLead', () => {
  it('creates a contactable lead, normalising the email and keeping custom fields as key/value pairs', async () => {
    const { createLead: lead } = await api.ok<{ createLead: Record<string, unknown> }>(
      CREATE_LEAD,
      {
        input: {
          email: '  Grace.Hopper@Navy.example ',
          firstName: 'Grace',
          lastName: 'Hopper',
          company: 'US Navy',
          title: 'Rear Admiral',
          timezone: 'America/New_York',
          customFields: [
            { key: 'industry', value: 'Defense' },
            { key: 'compiler', value: 'A-0' },
          ],
        },
      },
      rep.token,
    );
    expect(lead).toMatchObject({
      email: 'grace.hopper@navy.example',
      firstName: 'Grace',
      timezone: 'America/New_York',
      status: 'CONTACTABLE',
      source: 'MANUAL',
      customFields: [
        { key: 'compiler', value: 'A-0' },
        { key: 'industry', value: 'Defense' },
      ],
    });
  });

  it.each([
    { what: 'an invalid email', input: { email: 'not-an-email' }, code: 'BAD_USER_INPUT', message: /email must be a valid email address/ },
    { what: 'an unknown time zone', input: { email: 'tz@example.com', timezone: 'Mars/Olympus' }, code: 'BAD_USER_INPUT', message: /IANA time zone/ },
    { what: 'a custom field with an unusable key', input: { email: 'cf@example.com', customFields: [{ key: '1st', value: 'x' }] }, code: 'BAD_USER_INPUT', message: /usable field name/ },
    { what: 'a custom field given twice', input: { email: 'cf2@example.com', customFields: [{ key: 'a', value: 'x' }, { key: 'a', value: 'y' }] }, code: 'BAD_USER_INPUT', message: /given twice/ },
    { what: 'an email already in the workspace', input: { email: 'GRACE.hopper@navy.example' }, code: 'CONFLICT', message: /already exists in the workspace/ },
  ])('refuses $what with $code and appends nothing', async ({ input, code, message }) => {
    const error = await appendsNothing(() => api.fails(CREATE_LEAD, { input }, rep.token));
    expect(error.extensions?.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('lets another workspace have a lead with the same email', async () => {
    const { createLead: lead } = await api.ok<{ createLead: { email: string } }>(CREATE_LEAD, { input: { email: 'grace.hopper@navy.example' } }, other.token);
    expect(lead.email).toBe('grace.hopper@navy.example');
  });
});

describe('updateLead', () => {
  it('changes only the fields given, clears with null and replaces custom fields', async () => {
    const id = await createLead(api, rep, 'update.me@example.com', { lastName: 'Old', company: 'Acme', customFields: [{ key: 'a', value: '1' }] });
    const { updateLead } = await api.ok<{ updateLead: Record<string, unknown> }>(UPDATE_LEAD, { input: { id, lastName: 'New', company: null, customFields: [{ key: 'b', value: '2' }] } }, rep.token);
    expect(updateLead).toMatchObject({ firstName: 'Ada', lastName: 'New', company: null, customFields: [{ key: 'b', value: '2' }] });
  });

  it('moves a lead to a free address, and refuses one another lead has (CONFLICT)', async () => {
    const id = await createLead(api, rep, 'mover@example.com');
    await createLead(api, rep, 'taken@example.com');
    const { updateLead } = await api.ok<{ updateLead: { email: string } }>(UPDATE_LEAD, { input: { id, email: 'Moved@Example.com' } }, rep.token);
    expect(updateLead.email).toBe('moved@example.com');
    const error = await appendsNothing(() => api.fails(UPDATE_LEAD, { input: { id, email: 'taken@example.com' } }, rep.token));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LEAD.DUPLICATE_EMAIL' });
    // The address the lead left is taken by it until the read model says otherwise: creating it again collides.
    const again = await appendsNothing(() => api.fails(CREATE_LEAD, { input: { email: 'moved@example.com' } }, rep.token));
    expect(again.extensions?.code).toBe('CONFLICT');
  });

  it("answers NOT_FOUND for an unknown lead and another workspace's lead", async () => {
    const id = await createLead(api, rep, 'mine@example.com');
    expect((await appendsNothing(() => api.fails(UPDATE_LEAD, { input: { id, firstName: 'X' } }, other.token))).extensions?.code).toBe('NOT_FOUND');
    expect((await appendsNothing(() => api.fails(UPDATE_LEAD, { input: { id: '0193f1b6-0000-7000-8000-00000000000a', firstName: 'X' } }, rep.token))).extensions?.code).toBe('NOT_FOUND');
    expect((await api.fails(`query ($id: ID!) { lead(id: $id) { id } }`, { id }, other.token)).extensions?.code).toBe('NOT_FOUND');
  });
});

describe('importLeads', () => {
  it('creates the valid rows, counts duplicates (in the workspace or earlier in the input) and reports invalid rows with reasons', async () => {
    await createLead(api, rep, 'existing@example.com');
    const { importLeads } = await api.ok<{ importLeads: Record<string, unknown> }>(
      IMPORT_LEADS,
      {
        input: {
          leads: [
            { email: 'new1@example.com', firstName: 'New', customFields: [{ key: 'industry', value: 'Retail' }] },
            { email: 'existing@example.com' },
            { email: 'new2@example.com', timezone: 'Europe/Paris' },
            { email: 'NEW1@example.com' },
            { email: 'nope' },
            { email: 'badtz@example.com', timezone: 'Nowhere/City' },
            { email: 'dup-key@example.com', customFields: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] },
          ],
        },
      },
      rep.token,
    );
    expect(importLeads).toEqual({
      created: 2,
      duplicates: 2,
      invalidCount: 3,
      invalid: [
        { row: 5, email: 'nope', reason: 'email: "nope" is not a valid email address' },
        { row: 6, email: 'badtz@example.com', reason: expect.stringMatching(/^timezone: "Nowhere\/City" is not an IANA time zone/) },
        { row: 7, email: 'dup-key@example.com', reason: 'customFields: "k" is given twice' },
      ],
    });
    const { leads } = await api.ok<{ leads: { nodes: { email: string; status: string }[] } }>(LEADS, { filter: { search: 'new' } }, rep.token);
    expect(leads.nodes.map((l) => l.email)).toEqual(expect.arrayContaining(['new1@example.com', 'new2@example.com']));
  });

  it('refuses more than 1000 rows as a whole, pointing to the CSV endpoint', async () => {
    const leads = Array.from({ length: 1001 }, (_, i) => ({ email: `bulk${i}@example.com` }));
    const error = await appendsNothing(() => api.fails(IMPORT_LEADS, { input: { leads } }, rep.token));
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/imports\/leads/);
  });
});

describe('POST /imports/leads', () => {
  const csv = 'email,first_name,last_name,company,Industry\ncsv1@example.com,Ann,Ash,Acme,Retail\ncsv2@example.com,Bob,Birch,Initech,\nexisting@example.com,,,,\nbroken,,,,\ncsv1@example.com,,,,\n';

  it('imports a text/csv body and answers the counts as JSON', async () => {
    const { status, json } = await postCsv(csv, { 'content-type': 'text/csv' });
    expect(status).toBe(200);
    expect(json).toEqual({ created: 2, duplicates: 2, invalidCount: 1, invalid: [{ row: 5, email: 'broken', reason: 'email: "broken" is not a valid email address' }] });
    const { lead } = await api.ok<{ lead: Record<string, unknown> }>(`query ($id: ID!) { lead(id: $id) { ${LEAD_FIELDS} } }`, { id: await leadIdOf('csv1@example.com') }, rep.token);
    expect(lead).toMatchObject({ firstName: 'Ann', lastName: 'Ash', company: 'Acme', source: 'IMPORT', customFields: [{ key: 'Industry', value: 'Retail' }] });
  });

  it('imports the file of a multipart/form-data upload', async () => {
    const form = new FormData();
    form.append('note', 'ignored');
    form.append('file', new Blob(['email,company\nform1@example.com,Globex\nform2@example.com,Hooli\n'], { type: 'text/csv' }), 'leads.csv');
    const { status, json } = await postCsv(form, {});
    expect(status).toBe(200);
    expect(json).toMatchObject({ created: 2, duplicates: 0, invalidCount: 0 });
  });

  it('streams a larger file through concurrent creations, the first of each repeated address winning', async () => {
    const lines = ['email,first_name'];
    for (let i = 0; i < 300; i++) lines.push(`bulk${i}@example.com,First ${i}`);
    for (let i = 0; i < 10; i++) lines.push(`BULK${i * 7}@example.com,Repeat ${i}`);
    for (let i = 0; i < 5; i++) lines.push(`bulk-bad-${i},Bad`);
    const started = Date.now();
    const { status, json } = await postCsv(`${lines.join('\n')}\n`, { 'content-type': 'text/csv; charset=utf-8' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ created: 300, duplicates: 10, invalidCount: 5 });
    expect((json.invalid as { row: number }[]).map((r) => r.row)).toEqual([312, 313, 314, 315, 316]);
    const { lead } = await api.ok<{ lead: { firstName: string } }>(`query ($id: ID!) { lead(id: $id) { firstName } }`, { id: await leadIdOf('bulk7@example.com') }, rep.token);
    expect(lead.firstName).toBe('First 7');
    process.stderr.write(`CSV import of ${lines.length - 1} rows: ${Date.now() - started} ms\n`);
  });

  it('answers 400 for a CSV without an email column, 401 without a token, 403 for an auditor, appending nothing', async () => {
    const before = await countEvents(app.database.pool);
    const noEmail = await postCsv('name\nAda\n', { 'content-type': 'text/csv' });
    expect(noEmail.status).toBe(400);
    expect(noEmail.json).toMatchObject({ error: { code: 'BAD_USER_INPUT', reason: 'IMPORT.NO_EMAIL_COLUMN' } });
    expect((await postCsv(csv, { 'content-type': 'text/csv' }, null)).status).toBe(401);
    expect((await postCsv(csv, { 'content-type': 'text/csv' }, tokenWithRole(api, rep, 'AUDITOR'))).status).toBe(403);
    expect((await postCsv('{"email": "x"}', { 'content-type': 'application/json' })).status).toBe(400);
    expect(await countEvents(app.database.pool)).toBe(before);
  });
});

async function leadIdOf(email: string): Promise<string> {
  const { leads } = await api.ok<{ leads: { nodes: { id: string; email: string }[] } }>(`query ($filter: LeadsFilterInput) { leads(filter: $filter) { nodes { id email } } }`, { filter: { search: email } }, rep.token);
  const found = leads.nodes.find((l) => l.email === email);
  if (!found) throw new Error(`no lead ${email}`);
  return found.id;
}

describe('leads and lead', () => {
  it('filters by status, search and campaign, pages with cursors and counts the total', async () => {
    const ids = await campaignFixture(api, rep);
    const enrolled = await createLead(api, rep, 'enrolled.one@example.com', { company: 'Zeta Corp' });
    await api.ok(`mutation ($input: EnrollLeadInput!) { enrollLead(input: $input) { id } }`, { input: { campaignId: ids.campaignId, leadId: enrolled } }, rep.token);

    const all = await api.ok<{ leads: { totalCount: number } }>(LEADS, {}, rep.token);
    const byCampaign = await api.ok<{ leads: { totalCount: number; nodes: { email: string }[] } }>(LEADS, { filter: { campaignId: ids.campaignId } }, rep.token);
    expect(byCampaign.leads).toMatchObject({ totalCount: 1, nodes: [{ email: 'enrolled.one@example.com' }] });
    const byCompany = await api.ok<{ leads: { nodes: { email: string }[] } }>(LEADS, { filter: { search: 'zeta' } }, rep.token);
    expect(byCompany.leads.nodes.map((l) => l.email)).toEqual(['enrolled.one@example.com']);
    const literal = await api.ok<{ leads: { totalCount: number } }>(LEADS, { filter: { search: '%' } }, rep.token);
    expect(literal.leads.totalCount).toBe(0);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result: { leads: { nodes: { email: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await api.ok(LEADS, { first: 7, after }, rep.token);
      seen.push(...result.leads.nodes.map((l) => l.email));
      if (!result.leads.pageInfo.hasNextPage) break;
      after = result.leads.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(all.leads.totalCount);
    expect(new Set(seen).size).toBe(seen.length);

    const { lead } = await api.ok<{ lead: { enrollments: { campaignId: string; status: string }[] } }>(
      `query ($id: ID!) { lead(id: $id) { enrollments { campaignId status } } }`,
      { id: enrolled },
      rep.token,
    );
    expect(lead.enrollments).toEqual([{ campaignId: ids.campaignId, status: 'WAITING' }]);
    const { leads: theirs } = await api.ok<{ leads: { totalCount: number } }>(LEADS, { filter: { campaignId: ids.campaignId } }, other.token);
    expect(theirs.totalCount).toBe(0);
  });
});

describe('unsubscribe', () => {
  it('marks the lead unsubscribed, and unsubscribing again changes nothing', async () => {
    const id = await createLead(api, rep, 'leave.me@example.com');
    const { unsubscribe } = await api.ok<{ unsubscribe: { status: string; unsubscribedAt: string | null } }>(
      `mutation ($input: UnsubscribeInput!) { unsubscribe(input: $input) { status unsubscribedAt } }`,
      { input: { leadId: id } },
      rep.token,
    );
    expect(unsubscribe.status).toBe('UNSUBSCRIBED');
    expect(unsubscribe.unsubscribedAt).not.toBeNull();
    await appendsNothing(() => api.ok(`mutation ($input: UnsubscribeInput!) { unsubscribe(input: $input) { status } }`, { input: { leadId: id } }, rep.token));
    const { leads } = await api.ok<{ leads: { nodes: { email: string }[] } }>(LEADS, { filter: { status: 'UNSUBSCRIBED' } }, rep.token);
    expect(leads.nodes.map((l) => l.email)).toContain('leave.me@example.com');
  });

  it("answers NOT_FOUND for another workspace's lead", async () => {
    const id = await createLead(api, rep, 'stay@example.com');
    const error = await appendsNothing(() => api.fails(`mutation ($input: UnsubscribeInput!) { unsubscribe(input: $input) { status } }`, { input: { leadId: id } }, other.token));
    expect(error.extensions?.code).toBe('NOT_FOUND');
  });
});
