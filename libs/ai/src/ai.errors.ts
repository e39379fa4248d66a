import { DomainError } from '@app/domain';
import { TokenUsage } from './ai.types';

/** The request itself cannot be drafted (an unusable language tag, an empty text...). */
export class InvalidAiRequest extends DomainError {
  readonly code = 'AI.INVALID_REQUEST';
  readonly kind = 'BAD_INPUT';
}

/** The model declined to write this: the caller has to change what it asks for. */
export class AiRefused extends DomainError {
  readonly code = 'AI.REFUSED';
  readonly kind = 'BAD_INPUT';
  constructor(
    readonly refusal: string,
    /** A refusal is billed like any answer. */
    readonly spent: (TokenUsage & { model: string }) | null = null,
  ) {
    super(`The AI model declined this request ("${refusal.slice(0, 300)}"): rephrase the goal or instructions and try again`);
  }
}

/** The provider keeps answering 429, or asks for a longer wait than we hold a request open. */
export class AiProviderBusy extends DomainError {
  readonly code = 'AI.PROVIDER_RATE_LIMITED';
  readonly kind = 'LIMIT';
  constructor(readonly retryAfterSeconds: number | null) {
    super(
      retryAfterSeconds !== null
        ? `The AI provider is rate limiting our requests: try again in ${retryAfterSeconds} seconds`
        : 'The AI provider is rate limiting our requests: try again in a minute',
    );
  }
}

export type AiUnavailableReason =
  /** Every attempt timed out. */
  | 'TIMEOUT'
  /** Connection failures or 5xx after every retry. */
  | 'UNAVAILABLE'
  /** The answer was not valid JSON, did not fit the schema, or not the rules of its task. */
  | 'INVALID_ANSWER'
  /** The provider refused our credentials, model or quota: an operator must act. */
  | 'MISCONFIGURED'
  /** The provider refused the request as malformed (400/422). */
  | 'REJECTED';

/**
 * The AI could not answer, for a reason the caller cannot fix by rephrasing. `spent` carries
 * the tokens the provider billed anyway (an answer that did not fit still cost them), so they
 * can be recorded against the budget.
 */
export class AiUnavailable extends Error {
  constructor(
    readonly reason: AiUnavailableReason,
    message: string,
    readonly spent: (TokenUsage & { model: string }) | null = null,
  ) {
    super(message);
    this.name = 'AiUnavailable';
  }
}

/** An answer that parsed but broke a rule of its task; the model gets one chance to fix it. */
export class AnswerRejected extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'AnswerRejected';
  }
}
