import { OpenAiFake, chatCompletion, openAiError, useTestDatabase, waitFor } from '@app/testing';
import { ApiTestApp, startApiApp } from '../support/api-app';
import { Session, countEvents, createLead, register, tokenWithRole } from '../support/api-client';
import {
  ADJUST_TONE,
  AI_USAGE,
  Answer,
  CHECK_GRAMMAR,
  GENERATE_EMAIL,
  ICEBREAKER,
  IMPROVE_EMAIL,
  SAVE_DRAFT,
  SET_AI_LIMITS,
  SUBJECT_LINES,
  Totals,
  UPDATE_PROFILE,
  aiEvents,
  answerFor,
  onlineSettings,
  thisMonth,
  tokenAs,
} from './ai-test-kit';

/** The API and projectors on this file's database, with OpenAI pointed at a local fake. */
const fake = new OpenAiFake();
let booted: ApiTestApp | undefined;
afterAll(async () => {
  await booted?.close();
  await fake.close();
});
const database = useTestDatabase();
beforeAll(async () => {
  await fake.start();
  booted = await startApiApp(database, { ai: onlineSettings(fake.baseURL) });
});

let api: ApiTestApp;
let rep: Session;
let leadId: string;
const RESEARCH = 'Opened a second depot in Leipzig in October; hiring 40 drivers.';

beforeAll(async () => {
  if (!booted) throw new Error('the app did not boot');
  api = booted;
  rep = await register(api, 'rep');
  await api.ok(UPDATE_PROFILE, { input: { companyName: 'Acme Routing', productDescription: 'Acme Routing re-plans delivery routes for van fleets every morning.' } }, rep.token);
  leadId = await createLead(api, rep, 'ada@initech.example', { lastName: 'Lovelace', company: 'Initech', title: 'Head of Operations', customFields: [{ key: 'researchNotes', value: RESEARCH }] });
});

beforeEach(() => {
  fake.reset();
  fake.fallback = (request) => answerFor(request);
});

/** The database's raw rows of the AI stream: what is stored, not what is decoded. */
async function storedAiRows(workspaceId: string): Promise<string[]> {
  const { rows } = await database.pool.query<{ data: unknown }>('select data from es_events where stream_id = $1 order by revision', [`ai-${workspaceId}-${thisMonth()}`]);
  return rows.map((r) => JSON.stringify(r.data));
}

describe('generateEmail through OpenAI', () => {
  let draft: { subject: string; body: string; variables: string[] } & Answer;

  it('drafts a template grounded in the lead and the product, and records the generation', async () => {
    fake.fallback = (request) => answerFor(request, { promptTokens: 700, completionTokens: 150 });
    const { generateEmail } = await api.ok<{ generateEmail: typeof draft }>(GENERATE_EMAIL, { input: { leadId, goal: 'book a 20-minute demo', tone: 'FRIENDLY', length: 'SHORT' } }, rep.token);
    draft = generateEmail;
    expect(generateEmail).toMatchObject({
      subject: 'A routing idea for {{ company | default: "your team" }}',
      body: expect.stringMatching(/^Hi \{\{ firstName \| default: "there" \}\},\n\nCongrats on the new depot/),
      variables: ['company', 'firstName', 'senderName'],
      personalization: ['research note: new depot'],
      offline: false,
      cached: false,
      model: 'gpt-4o-mini-2024-07-18',
      promptVersion: 'generate-email@1',
      usage: { promptTokens: 700, completionTokens: 150, totalTokens: 850 },
      warnings: [],
    });

    const [sent] = fake.completions();
    const prompt = sent?.messages.map((m) => m.content).join('\n') ?? '';
    expect(prompt).toContain(RESEARCH);
    expect(prompt).toContain('Acme Routing re-plans delivery routes');
    expect(prompt).toContain('"title": "Head of Operations"');
    expect(prompt).not.toContain('ada@initech.example');

    const [event] = await aiEvents(api, rep.workspaceId);
    expect(event?.data).toMatchObject({
      draftId: generateEmail.draftId,
      workspaceId: rep.workspaceId,
      requestedBy: rep.userId,
      kind: 'GENERATE_EMAIL',
      leadId,
      model: 'gpt-4o-mini-2024-07-18',
      promptVersion: 'generate-email@1',
      offline: false,
      cached: false,
      totalTokens: 850,
    });
    expect(event?.metadata).toMatchObject({ tenantId: rep.workspaceId, actorId: rep.userId });
    expect(JSON.parse((event?.data as { response: string }).response)).toMatchObject({ result: { subject: generateEmail.subject } });
  });

  it("stores the request and answer about the lead sealed with the lead's key", async () => {
    const [stored] = await storedAiRows(rep.workspaceId);
    expect(stored).toContain('"$personal"');
    expect(stored).not.toContain('Leipzig');
    expect(stored).not.toContain('routing idea');
  });

  it('answers an identical request from the cache: no call, no tokens, recorded as cached', async () => {
    const before = (await aiEvents(api, rep.workspaceId)).length;
    const { generateEmail } = await api.ok<{ generateEmail: typeof draft }>(GENERATE_EMAIL, { input: { leadId, goal: 'book a 20-minute demo', tone: 'FRIENDLY', length: 'SHORT' } }, rep.token);
    expect(generateEmail).toMatchObject({ subject: draft.subject, body: draft.body, cached: true, offline: false, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } });
    expect(generateEmail.draftId).not.toBe(draft.draftId);
    expect(fake.completions()).toHaveLength(0);
    const events = await aiEvents(api, rep.workspaceId);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)?.data).toMatchObject({ cached: true, totalTokens: 0, draftId: generateEmail.draftId });
  });

  it('asks again when anything in the request differs', async () => {
    const { generateEmail } = await api.ok<{ generateEmail: Answer }>(GENERATE_EMAIL, { input: { leadId, goal: 'book a 20-minute demo', tone: 'FORMAL', length: 'SHORT' } }, rep.token);
    expect(generateEmail.cached).toBe(false);
    expect(fake.completions()).toHaveLength(1);
  });

  it('saves the accepted draft as a real template through the template command', async () => {
    const { saveDraftAsTemplate } = await api.ok<{ saveDraftAsTemplate: Record<string, unknown> }>(SAVE_DRAFT, { input: { name: 'AI intro', subject: draft.subject, body: draft.body } }, rep.token);
    expect(saveDraftAsTemplate).toMatchObject({ name: 'AI intro', subject: draft.subject, body: draft.body, category: 'COLD_OUTREACH', variables: ['company', 'firstName', 'senderName'], revision: 0 });
    const { template } = await api.ok<{ template: { id: string } }>(`query ($id: ID!) { template(id: $id) { id } }`, { id: saveDraftAsTemplate.id }, rep.token);
    expect(template.id).toBe(saveDraftAsTemplate.id);
  });

  it('refuses to save a draft with an unknown variable, naming it, and appends nothing', async () => {
    const before = await countEvents(database.pool);
    const error = await api.fails(SAVE_DRAFT, { input: { name: 'Broken', subject: 'Hi', body: 'Hi {{ favouriteColour }}' } }, rep.token);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TEMPLATE.UNKNOWN_VARIABLE' });
    expect(error.message).toContain('{{favouriteColour}}');
    expect(await countEvents(database.pool)).toBe(before);
  });
});

describe('who may generate, and for which lead', () => {
  it("answers NOT_FOUND for another workspace's lead, calls nothing and records nothing", async () => {
    const rival = await register(api, 'rival');
    const before = await countEvents(database.pool);
    const error = await api.fails(GENERATE_EMAIL, { input: { leadId, goal: 'steal a lead' } }, rival.token);
    expect(error.extensions?.code).toBe('NOT_FOUND');
    const icebreaker = await api.fails(ICEBREAKER, { input: { leadId } }, rival.token);
    expect(icebreaker.extensions?.code).toBe('NOT_FOUND');
    expect(fake.completions()).toHaveLength(0);
    expect(await countEvents(database.pool)).toBe(before);
  });

  it('refuses auditors: they read, they do not generate', async () => {
    const error = await api.fails(CHECK_GRAMMAR, { input: { text: 'Helo' } }, tokenWithRole(api, rep, 'AUDITOR'));
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(fake.completions()).toHaveLength(0);
  });

  it('refuses a language that is not a language tag before spending anything', async () => {
    const error = await api.fails(GENERATE_EMAIL, { input: { goal: 'demo', language: 'klingon please' } }, rep.token);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AI.INVALID_REQUEST' });
    expect(fake.completions()).toHaveLength(0);
  });
});

describe('every operation through OpenAI', () => {
  it('improves, adjusts the tone, suggests subject lines, proofreads and breaks the ice, each recorded with its kind', async () => {
    const team = await register(api, 'ops');
    const lead = await createLead(api, team, 'grace@globex.example', { company: 'Globex' });
    const { improveEmail } = await api.ok<{ improveEmail: { subject: string; changes: string[] } & Answer }>(IMPROVE_EMAIL, { input: { subject: 're: hi', body: 'Hi {{firstName}}, long text', instructions: 'shorter' } }, team.token);
    expect(improveEmail).toMatchObject({ subject: 'Routes, re-planned daily', changes: ['shortened the opening'], offline: false, promptVersion: 'improve-email@1' });
    const { adjustTone } = await api.ok<{ adjustTone: { body: string } & Answer }>(ADJUST_TONE, { input: { body: 'Hey {{firstName}}!', tone: 'FORMAL' } }, team.token);
    expect(adjustTone.body).toBe('Dear {{ firstName | default: "there" }},\n\nA more formal note.\n\n{{senderName}}');
    const { generateSubjectLines } = await api.ok<{ generateSubjectLines: { subjectLines: string[] } }>(SUBJECT_LINES, { input: { body: 'Hi {{firstName}}', count: 2 } }, team.token);
    expect(generateSubjectLines.subjectLines).toEqual(['Routes, re-planned daily', 'Fewer miles at {{ company | default: "your team" }}']);
    const { checkGrammar } = await api.ok<{ checkGrammar: { corrections: unknown[]; correctedText: string } }>(CHECK_GRAMMAR, { input: { text: 'All good here.' } }, team.token);
    expect(checkGrammar).toEqual({ ...checkGrammar, corrections: [], correctedText: 'All good here.' });
    const { generateIcebreaker } = await api.ok<{ generateIcebreaker: { icebreaker: string } }>(ICEBREAKER, { input: { leadId: lead } }, team.token);
    expect(generateIcebreaker.icebreaker).toBe('Congrats on the new depot in Leipzig, {{ firstName | default: "there" }}.');

    expect(fake.completions().map((r) => r.schemaName)).toEqual(['improved_email', 'tone_adjusted_email', 'subject_lines', 'grammar_corrections', 'icebreaker']);
    const kinds = (await aiEvents(api, team.workspaceId)).map((e) => (e.data as { kind: string }).kind);
    expect(kinds).toEqual(['IMPROVE_EMAIL', 'ADJUST_TONE', 'SUBJECT_LINES', 'CHECK_GRAMMAR', 'ICEBREAKER']);
    // No lead, nothing to seal: the request is kept readable for the audit.
    expect((await storedAiRows(team.workspaceId))[0]).toContain('long text');
  });
});

describe('when the model does not give a usable answer', () => {
  let team: Session;
  beforeAll(async () => {
    team = await register(api, 'unlucky');
  });

  it('says the model declined, and records the tokens the refusal cost', async () => {
    fake.reply(chatCompletion(null, { refusal: "I can't help with that request.", promptTokens: 310, completionTokens: 12 }));
    const error = await api.fails(IMPROVE_EMAIL, { input: { subject: 'x', body: 'something dubious', instructions: '' } }, team.token);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'AI.REFUSED' });
    expect(error.message).toMatch(/declined this request \("I can't help with that request\."\): rephrase/);
    const [event] = await aiEvents(api, team.workspaceId);
    expect(event?.data).toMatchObject({ kind: 'IMPROVE_EMAIL', totalTokens: 322, cached: false });
    expect(JSON.parse((event?.data as { response: string }).response)).toEqual({ failed: 'REFUSED', refusal: "I can't help with that request." });
  });

  it('explains an answer that is not JSON instead of returning garbage, and records its tokens', async () => {
    fake.reply(chatCompletion('Here you go: subject = hello', { promptTokens: 200, completionTokens: 8 }));
    const error = await api.fails(ADJUST_TONE, { input: { body: 'Hi there', tone: 'CASUAL' } }, team.token);
    expect(error.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'AI.INVALID_ANSWER' });
    expect(error.message).toMatch(/^The AI's answer could not be used \(the answer is not JSON/);
    const events = await aiEvents(api, team.workspaceId);
    expect(events.at(-1)?.data).toMatchObject({ kind: 'ADJUST_TONE', totalTokens: 208 });
  });

  it('passes on how long the provider asks to wait, and records nothing it did not spend', async () => {
    const before = (await aiEvents(api, team.workspaceId)).length;
    fake.reply(openAiError(429, 'Rate limit reached', { headers: { 'retry-after': '90' } }));
    const error = await api.fails(CHECK_GRAMMAR, { input: { text: 'Helo world' } }, team.token);
    expect(error.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'AI.PROVIDER_RATE_LIMITED' });
    expect(error.message).toBe('The AI provider is rate limiting our requests: try again in 90 seconds');
    expect(await aiEvents(api, team.workspaceId)).toHaveLength(before);
  });

  it('says the provider is unavailable after retrying a 5xx', async () => {
    fake.reply(openAiError(503, 'overloaded'), openAiError(503, 'overloaded'));
    const error = await api.fails(CHECK_GRAMMAR, { input: { text: 'Helo again' } }, team.token);
    expect(error.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', reason: 'AI.UNAVAILABLE' });
    expect(error.message).toBe('The AI provider failed (HTTP 503, 2 attempts): try again later');
    expect(fake.completions()).toHaveLength(2);
  });
});

describe('limits', () => {
  it("refuses with TOO_MANY_REQUESTS once the month's token budget is spent, recording nothing more", async () => {
    const team = await register(api, 'budget');
    await api.ok(SET_AI_LIMITS, { input: { monthlyTokenBudget: 150, requestsPerMinute: 100 } }, team.token);
    fake.fallback = (request) => answerFor(request, { promptTokens: 100, completionTokens: 20 });
    await api.ok(SUBJECT_LINES, { input: { body: 'first body', count: 1 } }, team.token);
    await api.ok(SUBJECT_LINES, { input: { body: 'second body', count: 1 } }, team.token);
    const error = await api.fails(SUBJECT_LINES, { input: { body: 'third body', count: 1 } }, team.token);
    expect(error.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'AI.BUDGET_EXCEEDED' });
    expect(error.message).toBe('This workspace has used 240 of its 150 AI tokens this month: ask an admin to raise the budget, or wait for next month');
    expect(fake.completions()).toHaveLength(2);
    expect(await aiEvents(api, team.workspaceId)).toHaveLength(2);
  });

  it('refuses with TOO_MANY_REQUESTS past the requests per minute, saying when to retry', async () => {
    const team = await register(api, 'rate');
    await api.ok(SET_AI_LIMITS, { input: { monthlyTokenBudget: 1_000_000, requestsPerMinute: 2 } }, team.token);
    await api.ok(CHECK_GRAMMAR, { input: { text: 'One.' } }, team.token);
    await api.ok(CHECK_GRAMMAR, { input: { text: 'Two.' } }, team.token);
    const error = await api.fails(CHECK_GRAMMAR, { input: { text: 'Three.' } }, team.token);
    expect(error.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'AI.RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } });
    const wait = (error.extensions?.details as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(wait).toBeGreaterThanOrEqual(25);
    expect(wait).toBeLessThanOrEqual(30);
    expect(error.message).toBe(`This workspace has used its 2 AI requests per minute: try again in ${wait} seconds, or ask an owner or admin to raise the limit (setAiLimits)`);
    expect(fake.completions()).toHaveLength(2);
    expect(await aiEvents(api, team.workspaceId)).toHaveLength(2);
    // The limit is the workspace's: another workspace is not slowed down.
    const other = await register(api, 'unhurried');
    await api.ok(CHECK_GRAMMAR, { input: { text: 'Three.' } }, other.token);
  });
});

describe('aiUsage', () => {
  it('reports requests, tokens and estimated cost per workspace, user, kind and model', async () => {
    const team = await register(api, 'usage');
    const colleague = await register(api, 'colleague');
    const colleagueToken = tokenAs(api, colleague, team);
    fake.fallback = (request) => answerFor(request, { promptTokens: 1000, completionTokens: 200 });
    await api.ok(SUBJECT_LINES, { input: { body: 'body one', count: 2 } }, team.token);
    await api.ok(SUBJECT_LINES, { input: { body: 'body one', count: 2 } }, team.token);
    await api.ok(CHECK_GRAMMAR, { input: { text: 'Some text.' } }, team.token);
    await api.ok(ADJUST_TONE, { input: { body: 'Hello {{firstName}}', tone: 'FORMAL' } }, colleagueToken);

    type Usage = { month: string; totals: Totals; byUser: { userId: string; name: string; totals: Totals }[]; byKind: { kind: string; totals: Totals }[]; byModel: { model: string; totals: Totals }[]; limits: { monthlyTokenBudget: number; isDefault: boolean }; tokensRemaining: number };
    const usage = await waitFor(
      async () => {
        const { aiUsage } = await api.ok<{ aiUsage: Usage }>(AI_USAGE, {}, team.token);
        return aiUsage.totals.requests === 4 ? aiUsage : null;
      },
      { message: 'the usage read model shows the four generations' },
    );
    const cost = (prompt: number, completion: number) => (prompt * 0.15 + completion * 0.6) / 1_000_000;
    expect(usage.month).toBe(thisMonth());
    expect(usage.totals).toEqual({ requests: 4, cachedRequests: 1, offlineRequests: 0, promptTokens: 3000, completionTokens: 600, totalTokens: 3600, estimatedCostUsd: cost(3000, 600) });
    expect(usage.byUser).toEqual([
      { userId: team.userId, name: expect.stringMatching(/^usage /), email: expect.stringMatching(/^usage-.*@example\.com$/), totals: { requests: 3, cachedRequests: 1, offlineRequests: 0, promptTokens: 2000, completionTokens: 400, totalTokens: 2400, estimatedCostUsd: cost(2000, 400) } },
      { userId: colleague.userId, name: expect.stringMatching(/^colleague /), email: expect.stringMatching(/^colleague-.*@example\.com$/), totals: { requests: 1, cachedRequests: 0, offlineRequests: 0, promptTokens: 1000, completionTokens: 200, totalTokens: 1200, estimatedCostUsd: cost(1000, 200) } },
    ]);
    expect(usage.byKind.map((k) => [k.kind, k.totals.requests, k.totals.totalTokens])).toEqual([
      ['ADJUST_TONE', 1, 1200],
      ['CHECK_GRAMMAR', 1, 1200],
      ['SUBJECT_LINES', 2, 1200],
    ]);
    expect(usage.byModel.map((m) => m.model)).toEqual(['gpt-4o-mini-2024-07-18']);
    expect(usage.limits).toMatchObject({ monthlyTokenBudget: 1_000_000, isDefault: true });
    expect(usage.tokensRemaining).toBe(1_000_000 - 3600);

    // Auditors read usage; another workspace sees only its own.
    const audited = await api.ok<{ aiUsage: Usage }>(AI_USAGE, { month: thisMonth() }, tokenWithRole(api, team, 'AUDITOR'));
    expect(audited.aiUsage.totals.requests).toBe(4);
    const { aiUsage: elsewhere } = await api.ok<{ aiUsage: Usage }>(AI_USAGE, {}, colleague.token);
    expect(elsewhere.totals.requests).toBe(0);
  });

  it('refuses a month that is not YYYY-MM', async () => {
    const error = await api.fails(AI_USAGE, { month: '2026-13' }, rep.token);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(error.message).toContain('YYYY-MM');
  });
});
