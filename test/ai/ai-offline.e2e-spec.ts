import { waitFor } from '@app/testing';
import { ApiTestApp, useApiApp } from '../support/api-app';
import { Session, countEvents, createLead, register, tokenWithRole } from '../support/api-client';
import { ADJUST_TONE, AI_USAGE, Answer, CHECK_GRAMMAR, GENERATE_EMAIL, ICEBREAKER, IMPROVE_EMAIL, SET_AI_LIMITS, SUBJECT_LINES, Totals, UPDATE_PROFILE, WORKSPACE, aiEvents, tokenAs } from './ai-test-kit';

/** The API as `npm start` runs it with nothing configured: no OPENAI_API_KEY, the offline generator. */
const app = useApiApp();
let api: ApiTestApp;
let rep: Session;
let leadId: string;

type Workspace = {
  id: string;
  name: string;
  profile: { companyName: string | null; postalAddress: string | null; productDescription: string | null; website: string | null; updatedAt: string | null };
  aiLimits: { monthlyTokenBudget: number; requestsPerMinute: number; isDefault: boolean; setAt: string | null };
  ai: { online: boolean; model: string };
};

beforeAll(async () => {
  api = app.api;
  rep = await register(api, 'offline');
  leadId = await createLead(api, rep, 'ada@initech.example', { company: 'Initech', title: 'Head of Operations', customFields: [{ key: 'researchNotes', value: 'Initech opened a depot in Leipzig. Hiring drivers.' }] });
});

describe('the workspace profile and AI limits', () => {
  it('shows an empty profile, the default limits and the offline generator at first', async () => {
    const { workspace } = await api.ok<{ workspace: Workspace }>(WORKSPACE, {}, rep.token);
    expect(workspace).toEqual({
      id: rep.workspaceId,
      name: "offline's team",
      profile: { companyName: null, postalAddress: null, productDescription: null, website: null, updatedAt: null },
      aiLimits: { monthlyTokenBudget: 2_000_000, requestsPerMinute: 30, isDefault: true, setAt: null },
      ai: { online: false, model: 'offline' },
    });
  });

  it('updates only the fields given, and shows them at once', async () => {
    await api.ok(UPDATE_PROFILE, { input: { companyName: 'Acme Routing', postalAddress: '1 Main St, Springfield' } }, rep.token);
    const { updateWorkspaceProfile } = await api.ok<{ updateWorkspaceProfile: Workspace }>(
      UPDATE_PROFILE,
      { input: { productDescription: ' Acme Routing re-plans delivery routes for van fleets every morning. ', website: 'https://acme.example' } },
      rep.token,
    );
    expect(updateWorkspaceProfile.profile).toEqual({
      companyName: 'Acme Routing',
      postalAddress: '1 Main St, Springfield',
      productDescription: 'Acme Routing re-plans delivery routes for van fleets every morning.',
      website: 'https://acme.example',
      updatedAt: expect.any(String),
    });
  });

  it.each([
    ['a website that is not a URL', { website: 'acme.example' }, /website must be a full http\(s\) URL/],
    ['an empty postal address', { postalAddress: '  ' }, /postalAddress cannot be empty/],
  ])('refuses %s with BAD_USER_INPUT and appends nothing', async (_what, input, message) => {
    const before = await countEvents(app.database.pool);
    const error = await api.fails(UPDATE_PROFILE, { input }, rep.token);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
    expect(await countEvents(app.database.pool)).toBe(before);
  });

  it('lets only owners and admins change the profile and the limits', async () => {
    const member = tokenAs(api, await register(api, 'member'), rep, 'MEMBER');
    const profile = await api.fails(UPDATE_PROFILE, { input: { companyName: 'Hijack Ltd' } }, member);
    expect(profile.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'WORKSPACE.NOT_ALLOWED' });
    const limits = await api.fails(SET_AI_LIMITS, { input: { monthlyTokenBudget: 9, requestsPerMinute: 9 } }, member);
    expect(limits.extensions?.code).toBe('FORBIDDEN');
    const auditor = await api.fails(SET_AI_LIMITS, { input: { monthlyTokenBudget: 9, requestsPerMinute: 9 } }, tokenWithRole(api, rep, 'AUDITOR'));
    expect(auditor.extensions?.code).toBe('FORBIDDEN');
  });

  it('sets the AI limits', async () => {
    const { setAiLimits } = await api.ok<{ setAiLimits: Workspace }>(SET_AI_LIMITS, { input: { monthlyTokenBudget: 500_000, requestsPerMinute: 60 } }, rep.token);
    expect(setAiLimits.aiLimits).toEqual({ monthlyTokenBudget: 500_000, requestsPerMinute: 60, isDefault: false, setAt: expect.any(String) });
    const error = await api.fails(SET_AI_LIMITS, { input: { monthlyTokenBudget: -1, requestsPerMinute: 60 } }, rep.token);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the offline generator behind the API', () => {
  const input = { leadId, goal: 'book a 20-minute demo', tone: 'FRIENDLY', length: 'MEDIUM' };
  type Draft = { subject: string; body: string; variables: string[]; personalization: string[] } & Answer;

  it("drafts from the lead's fields and the workspace profile, marked offline, and records it", async () => {
    const { generateEmail } = await api.ok<{ generateEmail: Draft }>(GENERATE_EMAIL, { input: { ...input, leadId } }, rep.token);
    expect(generateEmail).toMatchObject({ offline: true, cached: false, model: 'offline', promptVersion: 'offline-generate-email@1', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, warnings: [] });
    expect(generateEmail.body).toContain('Initech opened a depot in Leipzig.');
    expect(generateEmail.body).toContain('A quick word on what we do at Acme Routing: Acme Routing re-plans delivery routes');
    expect(generateEmail.variables).toEqual(expect.arrayContaining(['firstName', 'senderName']));
    const [event] = await aiEvents(api, rep.workspaceId);
    expect(event?.data).toMatchObject({ kind: 'GENERATE_EMAIL', leadId, offline: true, cached: false, model: 'offline', totalTokens: 0, requestedBy: rep.userId });
  });

  it('gives the same draft for the same request', async () => {
    const first = await api.ok<{ generateEmail: Draft }>(GENERATE_EMAIL, { input: { ...input, leadId } }, rep.token);
    const second = await api.ok<{ generateEmail: Draft }>(GENERATE_EMAIL, { input: { ...input, leadId } }, rep.token);
    expect(second.generateEmail.subject).toBe(first.generateEmail.subject);
    expect(second.generateEmail.body).toBe(first.generateEmail.body);
    expect(second.generateEmail.cached).toBe(false);
  });

  it('answers every operation offline', async () => {
    const answers = [
      (await api.ok<{ improveEmail: Answer }>(IMPROVE_EMAIL, { input: { subject: 'Hi', body: 'I just wanted to say hi {{firstName}}', instructions: '' } }, rep.token)).improveEmail,
      (await api.ok<{ adjustTone: Answer }>(ADJUST_TONE, { input: { body: "Hi {{firstName}}, I'm here.", tone: 'FORMAL' } }, rep.token)).adjustTone,
      (await api.ok<{ generateSubjectLines: Answer & { subjectLines: string[] } }>(SUBJECT_LINES, { input: { body: 'Our routing engine plans routes.', count: 3 } }, rep.token)).generateSubjectLines,
      (await api.ok<{ checkGrammar: Answer & { correctedText: string } }>(CHECK_GRAMMAR, { input: { text: 'We recieve teh report.' } }, rep.token)).checkGrammar,
      (await api.ok<{ generateIcebreaker: Answer & { icebreaker: string } }>(ICEBREAKER, { input: { leadId } }, rep.token)).generateIcebreaker,
    ];
    expect(answers.map((a) => [a.offline, a.model, a.promptVersion])).toEqual([
      [true, 'offline', 'offline-improve-email@1'],
      [true, 'offline', 'offline-adjust-tone@1'],
      [true, 'offline', 'offline-subject-lines@1'],
      [true, 'offline', 'offline-check-grammar@1'],
      [true, 'offline', 'offline-icebreaker@1'],
    ]);
    expect((answers[3] as Answer & { correctedText: string }).correctedText).toBe('We receive the report.');
    expect((answers[4] as Answer & { icebreaker: string }).icebreaker).toContain('Initech opened a depot in Leipzig.');
  });

  it('counts offline answers in the usage report, at no cost', async () => {
    type Usage = { totals: Totals; limits: { monthlyTokenBudget: number; isDefault: boolean } };
    const usage = await waitFor(
      async () => {
        const { aiUsage } = await api.ok<{ aiUsage: Usage }>(AI_USAGE, {}, rep.token);
        return aiUsage.totals.requests === 8 ? aiUsage : null;
      },
      { message: 'the usage read model shows the eight offline generations' },
    );
    expect(usage.totals).toEqual({ requests: 8, cachedRequests: 0, offlineRequests: 8, promptTokens: 0, completionTokens: 0, totalTokens: 0, estimatedCostUsd: 0 });
    expect(usage.limits).toMatchObject({ monthlyTokenBudget: 500_000, isDefault: false });
  });

  it('is switched off, offline too, by a budget of 0', async () => {
    const team = await register(api, 'switched-off');
    await api.ok(SET_AI_LIMITS, { input: { monthlyTokenBudget: 0, requestsPerMinute: 10 } }, team.token);
    const error = await api.fails(CHECK_GRAMMAR, { input: { text: 'Hello.' } }, team.token);
    expect(error.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', reason: 'AI.BUDGET_EXCEEDED' });
  });
});
