import { AiDraftKind } from '@app/events';
import { createHash } from 'node:crypto';
import { AiProviderBusy, AiRefused, AiUnavailable, AnswerRejected, InvalidAiRequest } from './ai.errors';
import { AiRequest, AiRequestOf, AiResults, Generation, LeadContext, TokenUsage } from './ai.types';
import { leadData, normaliseLanguage } from './drafts/lead-facts';
import { OFFLINE_MODEL, offlineCopilot, offlinePromptVersion } from './offline/offline-copilot';
import { ChatAnswer, ChatEngine, ChatMessage } from './openai/openai-engine';
import { Finished, MalformedAnswer, OnlineTask, onlineTasks } from './online-tasks';
import { loadPrompt, renderPrompt } from './prompts/prompt-library';

/** What the cache keeps of an answer: the model's JSON text, read again (and checked again) on a hit. */
export type CachedAnswer = { content: string; model: string };

export type Completed<R> = { generation: Generation<R>; answer: CachedAnswer | null };

/** A request made ready: what it will cost nothing to know before spending tokens on it. */
export type PreparedGeneration<K extends AiDraftKind> = {
  kind: K;
  offline: boolean;
  /** The configured model (the answer names the exact snapshot that answered). */
  model: string;
  promptVersion: string;
  /** Equal for identical requests (same messages, model and prompt); null offline, where answers are free. */
  cacheKey: string | null;
  /** The request as AiDraftGenerated records it (JSON; sealed with the lead's key when about a lead). */
  audit: string;
  run(): Promise<Completed<AiResults[K]>>;
  /** A cached answer as a fresh generation (no tokens), or null if it no longer passes the checks. */
  revive(answer: CachedAnswer): Generation<AiResults[K]> | null;
};

const text = (value: string, what: string, max: number): string => {
  const trimmed = value.trim();
  if (!trimmed) throw new InvalidAiRequest(`${what} is empty`);
  if (value.length > max) throw new InvalidAiRequest(`${what} is longer than ${max} characters`);
  return value;
};

/** Checks and normalises a request before anything is spent on it. */
function normalise(request: AiRequest): AiRequest {
  switch (request.kind) {
    case 'GENERATE_EMAIL':
      return { ...request, goal: text(request.goal, 'goal', 500).trim(), language: normaliseLanguage(request.language) };
    case 'IMPROVE_EMAIL':
      return { ...request, body: text(request.body, 'body', 20_000), instructions: request.instructions.slice(0, 2000) };
    case 'ADJUST_TONE':
      return { ...request, body: text(request.body, 'body', 20_000) };
    case 'SUBJECT_LINES':
      if (!Number.isInteger(request.count) || request.count < 1 || request.count > 10) throw new InvalidAiRequest('count must be between 1 and 10');
      return { ...request, body: text(request.body, 'body', 20_000) };
    case 'CHECK_GRAMMAR':
      return { ...request, text: text(request.text, 'text', 20_000), language: normaliseLanguage(request.language) };
    case 'ICEBREAKER':
      return { ...request, language: normaliseLanguage(request.language) };
    default: {
      const unknown: never = request;
      throw new Error(`unknown AI request ${JSON.stringify(unknown)}`);
    }
  }
}

const leadAudit = (lead: LeadContext | null) => (lead ? leadData(lead).data : null);

/** The request as recorded: what was asked and which personal data went to the model. */
function auditOf(request: AiRequest): string {
  switch (request.kind) {
    case 'GENERATE_EMAIL': {
      const { lead, workspace, ...rest } = request;
      return JSON.stringify({ ...rest, lead: leadAudit(lead), workspace: { companyName: workspace.companyName ?? null } });
    }
    case 'ICEBREAKER': {
      const { lead, workspace, ...rest } = request;
      return JSON.stringify({ ...rest, lead: leadAudit(lead), workspace: { companyName: workspace.companyName ?? null } });
    }
    case 'IMPROVE_EMAIL': {
      const { workspace, ...rest } = request;
      return JSON.stringify({ ...rest, workspace: { companyName: workspace.companyName ?? null } });
    }
    default:
      return JSON.stringify(request);
  }
}

const plus = (a: TokenUsage, b: TokenUsage): TokenUsage => ({ promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens });

/** The error of a failed corrective call, carrying the first call's tokens too: both were billed. */
function withEarlierSpend(error: unknown, earlier: TokenUsage & { model: string }, problem: string): unknown {
  if (error instanceof AiRefused) return new AiRefused(error.refusal, error.spent ? { ...plus(earlier, error.spent), model: error.spent.model } : earlier);
  if (error instanceof AiUnavailable) return new AiUnavailable(error.reason, error.message, error.spent ? { ...plus(earlier, error.spent), model: error.spent.model } : earlier);
  if (error instanceof AiProviderBusy) return new AiUnavailable('INVALID_ANSWER', `The AI's answer could not be used (${problem}) and the provider was too busy to fix it: try again later`, earlier);
  return error;
}

/**
 * The copilot: each operation as a prepared generation, answered by the model (structured
 * output, checked, one corrective round when an answer breaks a rule) or, without an engine,
 * by the offline generator.
 */
export class Copilot {
  constructor(private readonly engine: ChatEngine | null) {}

  get online(): boolean {
    return this.engine !== null;
  }

  get model(): string {
    return this.engine?.model ?? OFFLINE_MODEL;
  }

  prepare<R extends AiRequest>(raw: R): PreparedGeneration<R['kind']> {
    const normalised = normalise(raw);
    // normalise keeps the kind, so the request still is one of kind R['kind'].
    const kind = normalised.kind as R['kind'];
    const request = normalised as AiRequestOf<R['kind']>;
    const audit = auditOf(normalised);
    if (!this.engine) return this.prepareOffline(kind, request, audit);
    return this.prepareOnline(this.engine, kind, request, audit);
  }

  private prepareOffline<K extends AiDraftKind>(kind: K, request: AiRequestOf<K>, audit: string): PreparedGeneration<K> {
    const promptVersion = offlinePromptVersion(kind);
    const answer = offlineCopilot[kind];
    return {
      kind,
      offline: true,
      model: OFFLINE_MODEL,
      promptVersion,
      cacheKey: null,
      audit,
      run: async () => {
        const finished = answer(request);
        return { generation: { result: finished.result, model: OFFLINE_MODEL, promptVersion, offline: true, usage: { promptTokens: 0, completionTokens: 0 }, warnings: finished.warnings }, answer: null };
      },
      revive: () => null,
    };
  }

  private prepareOnline<K extends AiDraftKind>(engine: ChatEngine, kind: K, request: AiRequestOf<K>, audit: string): PreparedGeneration<K> {
    const task: OnlineTask<K> = onlineTasks[kind];
    const { values, warnings: promptWarnings } = task.values(request);
    const prompt = renderPrompt(loadPrompt(task.prompt), values);
    const messages: ChatMessage[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ];
    const cacheKey = createHash('sha256').update(JSON.stringify({ model: engine.model, prompt: prompt.id, schema: task.schemaName, messages })).digest('hex');
    const ask = (conversation: readonly ChatMessage[]) => engine.complete({ messages: conversation, schemaName: task.schemaName, schema: task.schema, maxCompletionTokens: task.maxCompletionTokens });
    const generation = (finished: Finished<AiResults[K]>, model: string, usage: TokenUsage): Generation<AiResults[K]> => ({
      result: finished.result,
      model,
      promptVersion: prompt.id,
      offline: false,
      usage,
      warnings: [...promptWarnings, ...finished.warnings],
    });
    const unusable = (detail: string, spent: TokenUsage & { model: string }) => new AiUnavailable('INVALID_ANSWER', `The AI's answer could not be used (${detail}): nothing was saved, try again`, spent);

    return {
      kind,
      offline: false,
      model: engine.model,
      promptVersion: prompt.id,
      cacheKey,
      audit,
      run: async () => {
        const first = await ask(messages);
        const firstSpent = { ...first.usage, model: first.model };
        try {
          return { generation: generation(task.read(first.content, request), first.model, first.usage), answer: { content: first.content, model: first.model } };
        } catch (error) {
          if (error instanceof MalformedAnswer) throw unusable(error.message, firstSpent);
          if (!(error instanceof AnswerRejected)) throw error;
          // Structured output guarantees the shape, not the rules (known variables, text that
          // quotes the input...): the model gets the problem back once, then we give up.
          const retry = [...messages, { role: 'assistant' as const, content: first.content }, { role: 'user' as const, content: `That answer cannot be used: ${error.problem}. Answer again with the complete, corrected result, keeping every rule.` }];
          let second: ChatAnswer;
          try {
            second = await ask(retry);
          } catch (failure) {
            throw withEarlierSpend(failure, firstSpent, error.problem);
          }
          const usage = plus(first.usage, second.usage);
          try {
            return { generation: generation(task.read(second.content, request), second.model, usage), answer: { content: second.content, model: second.model } };
          } catch (again) {
            if (again instanceof MalformedAnswer || again instanceof AnswerRejected) throw unusable(again.message, { ...usage, model: second.model });
            throw again;
          }
        }
      },
      revive: (cached) => {
        try {
          return generation(task.read(cached.content, request), cached.model, { promptTokens: 0, completionTokens: 0 });
        } catch {
          return null;
        }
      },
    };
  }
}
