import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntrospectionQuery, buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from 'graphql';
import { SCHEMA_FILE } from '../../apps/api/src/index';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { CAMPAIGN_FIELDS, SEQUENCE_FIELDS, Session, campaignFixture, countEvents, register, tokenWithRole } from '../support/api-client';

const app = useApiApp();
const database = app.database;
let api: ApiTestApp;
let rep: Session;
let other: Session;
let templateId: string;

const CREATE_SEQUENCE = `mutation ($input: CreateSequenceInput!) { createSequence(input: $input) { ${SEQUENCE_FIELDS} } }`;
const CREATE_CAMPAIGN = `mutation ($input: CreateCampaignInput!) { createCampaign(input: $input) { ${CAMPAIGN_FIELDS} sequence { id name } } }`;
const lifecycle = (name: string) => `mutation ($id: ID!) { ${name}(id: $id) { ${CAMPAIGN_FIELDS} } }`;

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'rep');
  other = await register(api, 'rival');
  const { createTemplate } = await api.ok<{ createTemplate: { id: string } }>(
    `mutation { createTemplate(input: { name: "Intro", subject: "Hi {{firstName}}", body: "Hello {{firstName}}", category: COLD_OUTREACH }) { id } }`,
    {},
    rep.token,
  );
  templateId = createTemplate.id;
});

/** Runs `act` and checks the log did not grow: a refused command appends nothing. */
async function appendsNothing<T>(act: () => Promise<T>): Promise<T> {
  const before = await countEvents(database.pool);
  const result = await act();
  expect(await countEvents(database.pool)).toBe(before);
  return result;
}

describe('createSequence', () => {
  it('answers the sequence as the next query sees it: steps with delays, conditions and variants', async () => {
    const { createSequence } = await api.ok<{ createSequence: { id: string; name: string; stepCount: number; steps: unknown[] } }>(
      CREATE_SEQUENCE,
      {
        input: {
          name: 'Two steps',
          steps: [
            { templateId, delay: 'PT0S', condition: 'ALWAYS' },
            { variants: [{ templateId, weight: 3 }, { templateId }], delay: 'PT2S', condition: 'IF_NOT_OPENED' },
          ],
        },
      },
      rep.token,
    );
    expect(createSequence).toMatchObject({
      name: 'Two steps',
      stepCount: 2,
      steps: [
        { index: 0, delay: 'PT0S', condition: 'ALWAYS', variants: [{ key: 'A', templateId, weight: 1 }] },
        {
          index: 1,
          delay: 'PT2S',
          condition: 'IF_NOT_OPENED',
          variants: [
            { key: 'A', templateId, weight: 3 },
            { key: 'B', templateId, weight: 1 },
          ],
        },
      ],
    });
    const { sequence } = await api.ok<{ sequence: { id: string } }>(`query ($id: ID!) { sequence(id: $id) { id } }`, { id: createSequence.id }, rep.token);
    expect(sequence.id).toBe(createSequence.id);
  });

  it.each([
    { what: 'a delay that is not ISO-8601', input: { name: 'x', steps: [{ templateId: 'T', delay: '2 days', condition: 'ALWAYS' }] }, code: 'BAD_USER_INPUT', message: /ISO-8601/ },
    { what: 'a condition on the first step', input: { name: 'x', steps: [{ templateId: 'T', delay: 'PT0S', condition: 'IF_NOT_OPENED' }] }, code: 'BAD_USER_INPUT', message: /must be ALWAYS/ },
    { what: 'no steps', input: { name: 'x', steps: [] }, code: 'BAD_USER_INPUT', message: /at least one step/ },
    { what: 'a step with neither template nor variants', input: { name: 'x', steps: [{ delay: 'PT0S' }] }, code: 'BAD_USER_INPUT', message: /templateId or a list of A\/B variants/ },
    { what: 'a template id that is not a UUID', input: { name: 'x', steps: [{ templateId: 'nope' }] }, code: 'BAD_USER_INPUT', message: /templateId must be a UUID/ },
    { what: 'an unknown template', input: { name: 'x', steps: [{ templateId: '0193f1b6-0000-7000-8000-000000000000' }] }, code: 'NOT_FOUND', message: /Template .* not found/ },
  ])('refuses $what with $code and appends nothing', async ({ input, code, message }) => {
    const withTemplate = { ...input, steps: input.steps.map((step) => ('templateId' in step && step.templateId === 'T' ? { ...step, templateId } : step)) };
    const error = await appendsNothing(() => api.fails(CREATE_SEQUENCE, { input: withTemplate }, rep.token));
    expect(error.extensions?.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it("refuses another workspace's template as NOT_FOUND", async () => {
    const error = await appendsNothing(() => api.fails(CREATE_SEQUENCE, { input: { name: 'x', steps: [{ templateId, delay: 'PT0S' }] } }, other.token));
    expect(error.extensions?.code).toBe('NOT_FOUND');
  });

  it('lists the workspace’s sequences only, with a total and cursors', async () => {
    for (const name of ['Page 1', 'Page 2']) await api.ok(CREATE_SEQUENCE, { input: { name, steps: [{ templateId }] } }, rep.token);
    type Page = { sequences: { totalCount: number; nodes: { name: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = await api.ok<Page>(`query { sequences(first: 2) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }`, {}, rep.token);
    expect(first.sequences.totalCount).toBe(3);
    expect(first.sequences.nodes.map((s) => s.name)).toEqual(['Two steps', 'Page 1']);
    expect(first.sequences.pageInfo.hasNextPage).toBe(true);
    const second = await api.ok<Page>(`query ($after: String) { sequences(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage } } }`, { after: first.sequences.pageInfo.endCursor }, rep.token);
    expect(second.sequences.nodes.map((s) => s.name)).toEqual(['Page 2']);
    expect(second.sequences.pageInfo.hasNextPage).toBe(false);
    const theirs = await api.ok<Page>(`query { sequences { totalCount } }`, {}, other.token);
    expect(theirs.sequences.totalCount).toBe(0);
  });
});

describe('createCampaign and its lifecycle', () => {
  let sequenceId: string;

  beforeAll(async () => {
    const { createSequence } = await api.ok<{ createSequence: { id: string } }>(CREATE_SEQUENCE, { input: { name: 'For campaigns', steps: [{ templateId }] } }, rep.token);
    sequenceId = createSequence.id;
  });

  it('creates a draft that stops on reply by default, with zero counters and rates, and its sequence', async () => {
    const { createCampaign } = await api.ok<{ createCampaign: Record<string, unknown> }>(CREATE_CAMPAIGN, { input: { name: 'Q3', sequenceId } }, rep.token);
    expect(createCampaign).toMatchObject({
      name: 'Q3',
      status: 'DRAFT',
      stopOnReply: true,
      sequenceId,
      launchedAt: null,
      counters: { enrolled: 0, active: 0, emailsSent: 0, leadsContacted: 0, opened: 0 },
      rates: { openRate: 0, clickRate: 0, replyRate: 0, bounceRate: 0, unsubscribeRate: 0 },
      sequence: { id: sequenceId, name: 'For campaigns' },
    });
  });

  it('goes draft -> active -> paused -> active -> archived, answering each state at once', async () => {
    const { createCampaign } = await api.ok<{ createCampaign: { id: string } }>(CREATE_CAMPAIGN, { input: { name: 'Lifecycle', sequenceId, stopOnReply: false } }, rep.token);
    const id = createCampaign.id;
    const launched = await api.ok<{ launchCampaign: { status: string; launchedAt: string | null; stopOnReply: boolean } }>(lifecycle('launchCampaign'), { id }, rep.token);
    expect(launched.launchCampaign).toMatchObject({ status: 'ACTIVE', stopOnReply: false });
    expect(launched.launchCampaign.launchedAt).not.toBeNull();
    expect((await api.ok<{ pauseCampaign: { status: string } }>(lifecycle('pauseCampaign'), { id }, rep.token)).pauseCampaign.status).toBe('PAUSED');
    expect((await api.ok<{ resumeCampaign: { status: string } }>(lifecycle('resumeCampaign'), { id }, rep.token)).resumeCampaign.status).toBe('ACTIVE');
    expect((await api.ok<{ archiveCampaign: { status: string } }>(lifecycle('archiveCampaign'), { id }, rep.token)).archiveCampaign.status).toBe('ARCHIVED');

    const error = await appendsNothing(() => api.fails(lifecycle('launchCampaign'), { id }, rep.token));
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', reason: 'CAMPAIGN.ARCHIVED' });
    expect(error.message).toMatch(/archived; create a new campaign/);
    const { campaigns } = await api.ok<{ campaigns: { totalCount: number } }>(`query { campaigns(status: ARCHIVED) { totalCount } }`, {}, rep.token);
    expect(campaigns.totalCount).toBe(1);
  });

  it('refuses to pause a draft (CONFLICT), an unknown sequence (NOT_FOUND) and a blank name (BAD_USER_INPUT)', async () => {
    const { createCampaign } = await api.ok<{ createCampaign: { id: string } }>(CREATE_CAMPAIGN, { input: { name: 'Draft', sequenceId } }, rep.token);
    expect((await appendsNothing(() => api.fails(lifecycle('pauseCampaign'), { id: createCampaign.id }, rep.token))).extensions?.code).toBe('CONFLICT');
    const unknown = await appendsNothing(() => api.fails(CREATE_CAMPAIGN, { input: { name: 'x', sequenceId: '0193f1b6-0000-7000-8000-000000000001' } }, rep.token));
    expect(unknown.extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'SEQUENCE.NOT_FOUND' });
    expect((await appendsNothing(() => api.fails(CREATE_CAMPAIGN, { input: { name: '', sequenceId } }, rep.token))).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("answers NOT_FOUND for another workspace's campaign and sequence, in queries and mutations", async () => {
    const ids = await campaignFixture(api, rep);
    expect((await appendsNothing(() => api.fails(lifecycle('launchCampaign'), { id: ids.campaignId }, other.token))).extensions?.code).toBe('NOT_FOUND');
    expect((await api.fails(`query ($id: ID!) { campaign(id: $id) { id } }`, { id: ids.campaignId }, other.token)).extensions?.code).toBe('NOT_FOUND');
    expect((await api.fails(`query ($id: ID!) { sequence(id: $id) { id } }`, { id: ids.sequenceId }, other.token)).extensions?.code).toBe('NOT_FOUND');
    expect((await appendsNothing(() => api.fails(CREATE_CAMPAIGN, { input: { name: 'x', sequenceId: ids.sequenceId } }, other.token))).extensions?.code).toBe('NOT_FOUND');
    expect((await api.fails(`query { campaign(id: "not-a-uuid") { id } }`, {}, rep.token)).extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('who may call', () => {
  it('answers UNAUTHENTICATED without a token, for queries and mutations', async () => {
    expect((await api.fails(`query { campaigns { totalCount } }`)).extensions?.code).toBe('UNAUTHENTICATED');
    const error = await appendsNothing(() => api.fails(CREATE_SEQUENCE, { input: { name: 'x', steps: [{ templateId }] } }));
    expect(error.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets an auditor read but answers FORBIDDEN to its mutations', async () => {
    const auditor = tokenWithRole(api, rep, 'AUDITOR');
    const { campaigns } = await api.ok<{ campaigns: { totalCount: number } }>(`query { campaigns { totalCount } }`, {}, auditor);
    expect(campaigns.totalCount).toBeGreaterThan(0);
    const error = await appendsNothing(() => api.fails(CREATE_SEQUENCE, { input: { name: 'x', steps: [{ templateId }] } }, auditor));
    expect(error.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the served schema', () => {
  it('is the committed apps/api/schema.graphql', async () => {
    const { __schema } = await api.ok<IntrospectionQuery>(getIntrospectionQuery(), {}, rep.token);
    const served = printSchema(lexicographicSortSchema(buildClientSchema({ __schema })));
    const committed = readFileSync(join(__dirname, '..', '..', SCHEMA_FILE), 'utf8').replace(/^#.*\n\n/, '');
    expect(`${served}\n`).toBe(committed);
  });
});
