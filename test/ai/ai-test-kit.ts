import jwt from 'jsonwebtoken';
import { AiSettings } from '../../apps/api/src/index';
import { Role, streams } from '@app/events';
import { RecordedEvent } from '@app/event-store';
import { FakeReply, FakeRequest, chatCompletion } from '@app/testing';
import { ApiTestApp } from '../support/api-app';
import { Session, streamEvents } from '../support/api-client';

const ANSWER = 'draftId offline cached model promptVersion usage { promptTokens completionTokens totalTokens } warnings';
export const GENERATE_EMAIL = `mutation ($input: GenerateEmailInput!) { generateEmail(input: $input) { subject body variables personalization ${ANSWER} } }`;
export const IMPROVE_EMAIL = `mutation ($input: ImproveEmailInput!) { improveEmail(input: $input) { subject body variables changes ${ANSWER} } }`;
export const ADJUST_TONE = `mutation ($input: AdjustToneInput!) { adjustTone(input: $input) { body variables ${ANSWER} } }`;
export const SUBJECT_LINES = `mutation ($input: GenerateSubjectLinesInput!) { generateSubjectLines(input: $input) { subjectLines ${ANSWER} } }`;
export const CHECK_GRAMMAR = `mutation ($input: CheckGrammarInput!) { checkGrammar(input: $input) { corrections { offset length original suggestion reason } correctedText ${ANSWER} } }`;
export const ICEBREAKER = `mutation ($input: GenerateIcebreakerInput!) { generateIcebreaker(input: $input) { icebreaker ${ANSWER} } }`;
export const SAVE_DRAFT = `mutation ($input: SaveDraftAsTemplateInput!) { saveDraftAsTemplate(input: $input) { id name subject body category variables revision } }`;
export const WORKSPACE_FIELDS =
  'id name profile { companyName postalAddress productDescription website updatedAt } aiLimits { monthlyTokenBudget requestsPerMinute isDefault setAt } ai { online model }';
export const WORKSPACE = `query { workspace { ${WORKSPACE_FIELDS} } }`;
export const UPDATE_PROFILE = `mutation ($input: UpdateWorkspaceProfileInput!) { updateWorkspaceProfile(input: $input) { ${WORKSPACE_FIELDS} } }`;
export const SET_AI_LIMITS = `mutation ($input: SetAiLimitsInput!) { setAiLimits(input: $input) { ${WORKSPACE_FIELDS} } }`;
const TOTALS = 'totals { requests cachedRequests offlineRequests promptTokens completionTokens totalTokens estimatedCostUsd }';
export const AI_USAGE = `query ($month: String) { aiUsage(month: $month) { month ${TOTALS} byUser { userId name email ${TOTALS} } byKind { kind ${TOTALS} } byModel { model ${TOTALS} } limits { monthlyTokenBudget requestsPerMinute isDefault } tokensRemaining } }`;

export type Answer = { draftId: string; offline: boolean; cached: boolean; model: string; promptVersion: string; usage: { promptTokens: number; completionTokens: number; totalTokens: number }; warnings: string[] };
export type Totals = { requests: number; cachedRequests: number; offlineRequests: number; promptTokens: number; completionTokens: number; totalTokens: number; estimatedCostUsd: number | null };

/** The API's AI settings pointing at the fake. */
export function onlineSettings(baseURL: string, over: Partial<NonNullable<AiSettings['openai']>> = {}): AiSettings {
  return {
    openai: { apiKey: 'sk-e2e-fake', baseURL, model: 'gpt-4o-mini', organization: null, project: null, timeoutMs: 3000, maxRetries: 1, maxRetryWaitMs: 3000, ...over },
    defaultLimits: { monthlyTokenBudget: 1_000_000, requestsPerMinute: 100 },
    cacheTtlSeconds: 600,
  };
}

/**
 * A token for another registered user acting in `session`'s workspace, signed like the API
 * signs them: a second member for per-user usage and for role checks in the deciders.
 */
export function tokenAs(api: ApiTestApp, user: Session, workspace: Session, role: Role = 'MEMBER'): string {
  return jwt.sign({ ws: workspace.workspaceId, role }, api.settings.jwtSecret, { algorithm: 'HS256', subject: user.userId, issuer: 'sales-email-copilot', expiresIn: 900 });
}

export const thisMonth = () => new Date().toISOString().slice(0, 7);

/** The AI generations recorded for a workspace this month. */
export async function aiEvents(api: ApiTestApp, workspaceId: string): Promise<RecordedEvent[]> {
  return (await streamEvents(api, streams.ai(workspaceId, thisMonth()))).filter((e) => e.type === 'AiDraftGenerated');
}

/** A valid answer for whichever operation the fake is asked, spending the given tokens. */
export function answerFor(request: FakeRequest, tokens: { promptTokens?: number; completionTokens?: number } = {}): FakeReply {
  const content: Record<string, Record<string, unknown>> = {
    email_draft: {
      subject: 'A routing idea for {{ company }}',
      body: 'Hi {{firstName}},\n\nCongrats on the new depot. Acme Routing re-plans van routes every morning.\n\nWorth 20 minutes next week?\n\n{{senderName}}',
      personalization: ['research note: new depot'],
    },
    improved_email: { subject: 'Routes, re-planned daily', body: 'Hi {{firstName}},\n\nShorter and clearer.\n\n{{senderName}}', changes: ['shortened the opening'] },
    tone_adjusted_email: { body: 'Dear {{firstName}},\n\nA more formal note.\n\n{{senderName}}' },
    subject_lines: { subjectLines: ['Routes, re-planned daily', 'Fewer miles at {{ company }}', 'A question about your fleet'] },
    grammar_corrections: { corrections: [] },
    icebreaker: { icebreaker: 'Congrats on the new depot in Leipzig, {{firstName}}.' },
  };
  const answer = content[request.schemaName ?? ''];
  if (!answer) throw new Error(`the fake has no answer for schema ${request.schemaName}`);
  return chatCompletion(answer, tokens);
}
