import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { AiProviderBusy, AiRefused, AiUnavailable, InvalidAiRequest } from '../ai.errors';
import { TokenUsage } from '../ai.types';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** One structured-output request: the answer must be JSON fitting `schema`. */
export type ChatRequest = { messages: readonly ChatMessage[]; schemaName: string; schema: z.ZodType; maxCompletionTokens: number };

/** The model's JSON text (not parsed yet), who answered, and the tokens billed. */
export type ChatAnswer = { content: string; model: string; usage: TokenUsage };

/** A chat model behind structured output. Throws AiRefused, AiProviderBusy or AiUnavailable. */
export type ChatEngine = {
  readonly model: string;
  complete(request: ChatRequest): Promise<ChatAnswer>;
};

export type OpenAiSettings = {
  apiKey: string;
  /** e.g. https://api.openai.com/v1, or any OpenAI-compatible server. */
  baseURL: string;
  model: string;
  organization: string | null;
  project: string | null;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first, on 429, 5xx, timeouts and connection failures. */
  maxRetries: number;
  /** The longest Retry-After we wait for inside a request; longer answers fail at once, saying when to retry. */
  maxRetryWaitMs: number;
};

/** Structural, so a pino logger fits without this library depending on the platform. */
export type EngineLogger = { warn(details: Record<string, unknown>, message: string): void };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How long the provider asks us to wait, from `retry-after-ms` (OpenAI's, milliseconds) or
 * `retry-after` (seconds, or an HTTP date); null when it does not say.
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | null {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number.parseFloat(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with jitter when the provider names no wait: 0.5 s, 1 s, 2 s... at most 8 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.min(500 * 2 ** attempt, 8000) * (1 - random() * 0.25);
}

type Failure = { retryable: boolean; waitMs: number | null; error: Error };

/**
 * OpenAI's Chat Completions with strict structured output, through the official client.
 *
 * Retries are ours, not the client's (`maxRetries: 0` on it): the client sleeps for whatever
 * Retry-After says, however long, and retries 409s. Here a 429 or 5xx is retried after the
 * wait the provider names (or a jittered backoff), a wait longer than `maxRetryWaitMs` fails at
 * once with the time to come back, and "out of quota" 429s are not retried at all.
 */
export class OpenAiChatEngine implements ChatEngine {
  private readonly client: OpenAI;

  constructor(
    private readonly settings: OpenAiSettings,
    private readonly logger?: EngineLogger,
  ) {
    // Every option explicit: the client would otherwise read OPENAI_* from the environment itself.
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      organization: settings.organization,
      project: settings.project,
      adminAPIKey: null,
      webhookSecret: null,
      timeout: settings.timeoutMs,
      maxRetries: 0,
    });
  }

  get model(): string {
    return this.settings.model;
  }

  async complete(request: ChatRequest): Promise<ChatAnswer> {
    for (let attempt = 0; ; attempt++) {
      let completion: ChatCompletion;
      const started = performance.now();
      try {
        completion = await this.client.chat.completions.create({
          model: this.settings.model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          response_format: zodResponseFormat(request.schema, request.schemaName),
          max_completion_tokens: request.maxCompletionTokens,
        });
      } catch (error) {
        const failure = this.classify(error, attempt, performance.now() - started);
        if (!failure.retryable || attempt >= this.settings.maxRetries) throw failure.error;
        if (failure.waitMs !== null && failure.waitMs > this.settings.maxRetryWaitMs) throw failure.error;
        const wait = failure.waitMs ?? backoffMs(attempt);
        this.logger?.warn({ attempt: attempt + 1, waitMs: Math.round(wait), reason: failure.error.message }, 'AI provider call failed; retrying');
        await sleep(wait);
        continue;
      }
      return this.answerOf(completion);
    }
  }

  private answerOf(completion: ChatCompletion): ChatAnswer {
    const usage: TokenUsage = { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 };
    const model = completion.model || this.settings.model;
    const spent = { ...usage, model };
    const choice = completion.choices[0];
    if (!choice) throw new AiUnavailable('INVALID_ANSWER', 'The AI provider answered without any choice: try again', spent);
    if (choice.message.refusal) throw new AiRefused(choice.message.refusal, spent);
    if (choice.finish_reason === 'content_filter') throw new AiRefused("the provider's content filter stopped the answer", spent);
    if (choice.finish_reason === 'length') {
      throw new AiUnavailable('INVALID_ANSWER', `The AI's answer was cut off after ${usage.completionTokens} tokens: try a shorter text or a shorter length`, spent);
    }
    const content = choice.message.content;
    if (!content?.trim()) throw new AiUnavailable('INVALID_ANSWER', 'The AI provider answered with no content: try again', spent);
    return { content, model, usage };
  }

  private classify(error: unknown, attempt: number, elapsedMs: number): Failure {
    const attempts = attempt + 1;
    const tried = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
    if (error instanceof APIUserAbortError) return { retryable: false, waitMs: null, error };
    // The client recognises its own timeout by the abort error's name; an abort error from
    // another realm (a test runner's sandbox, a fetch polyfill) reaches it as a plain
    // connection error. A connection that failed when the timeout was due is that timeout.
    const timedOut = error instanceof APIConnectionTimeoutError || (error instanceof APIConnectionError && elapsedMs >= this.settings.timeoutMs * 0.98);
    if (timedOut) {
      return { retryable: true, waitMs: null, error: new AiUnavailable('TIMEOUT', `The AI provider did not answer within ${this.settings.timeoutMs / 1000} s (${tried}): try again later`) };
    }
    if (error instanceof APIConnectionError) {
      return { retryable: true, waitMs: null, error: new AiUnavailable('UNAVAILABLE', `The AI provider at ${this.settings.baseURL} could not be reached (${tried}): try again later`) };
    }
    if (!(error instanceof APIError) || error.status === undefined) return { retryable: false, waitMs: null, error: error instanceof Error ? error : new Error(String(error)) };
    const status = error.status;
    const wait = retryAfterMs(error.headers);
    if (status === 429) {
      if (error.code === 'insufficient_quota') {
        return { retryable: false, waitMs: null, error: new AiUnavailable('MISCONFIGURED', 'The AI provider account has run out of quota: an administrator must check its billing') };
      }
      return { retryable: true, waitMs: wait, error: new AiProviderBusy(wait === null ? null : Math.max(1, Math.ceil(wait / 1000))) };
    }
    if (status === 408) return { retryable: true, waitMs: wait, error: new AiUnavailable('TIMEOUT', `The AI provider timed out (HTTP 408, ${tried}): try again later`) };
    if (status >= 500) return { retryable: true, waitMs: wait, error: new AiUnavailable('UNAVAILABLE', `The AI provider failed (HTTP ${status}, ${tried}): try again later`) };
    if (status === 401 || status === 403) {
      return { retryable: false, waitMs: null, error: new AiUnavailable('MISCONFIGURED', `The AI provider refused our credentials (HTTP ${status}): an administrator must check OPENAI_API_KEY`) };
    }
    if (status === 404) {
      return {
        retryable: false,
        waitMs: null,
        error: new AiUnavailable('MISCONFIGURED', `The AI provider does not offer model ${this.settings.model} here (HTTP 404): an administrator must check OPENAI_MODEL and OPENAI_BASE_URL`),
      };
    }
    if (error.code === 'context_length_exceeded') return { retryable: false, waitMs: null, error: new InvalidAiRequest('The text is too long for the AI model: shorten it and try again') };
    return { retryable: false, waitMs: null, error: new AiUnavailable('REJECTED', `The AI provider rejected the request (HTTP ${status}): ${error.message.slice(0, 300)}`) };
  }
}
