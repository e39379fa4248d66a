import { MailboxAuthError, ProviderRateLimited, TransportError } from '../transport';

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 10.2.3). */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What an HTTP API said when it refused a call, however its client library reports it. */
export type HttpFailure = { status: number | null; code: string | null; message: string; retryAfter: string | null };

type HeaderBag = { get?: (name: string) => string | null } | Record<string, unknown>;
const header = (headers: HeaderBag | undefined, name: string): string | null => {
  if (!headers) return null;
  if (typeof headers.get === 'function') return (headers.get as (n: string) => string | null)(name);
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return typeof entry?.[1] === 'string' ? entry[1] : null;
};

/** Reads status, error code and Retry-After from a gaxios (googleapis) or Graph client error. */
export function httpFailure(error: unknown): HttpFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (typeof error !== 'object' || error === null) return { status: null, code: null, message, retryAfter: null };
  const e = error as { status?: unknown; statusCode?: unknown; code?: unknown; headers?: HeaderBag; response?: { status?: unknown; headers?: HeaderBag; data?: unknown } };
  const rawStatus = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : e.response?.status;
  const status = typeof rawStatus === 'number' && rawStatus > 0 ? rawStatus : null;
  const data = e.response?.data;
  const dataError = typeof data === 'object' && data !== null ? (data as { error?: unknown }).error : undefined;
  const code = typeof dataError === 'string' ? dataError : typeof e.code === 'string' ? e.code : null;
  return { status, code, message, retryAfter: header(e.response?.headers, 'retry-after') ?? header(e.headers, 'retry-after') };
}

/** Network trouble the next attempt may not meet (resets, timeouts, DNS). */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A provider's refusal as a TransportError: 429 (and Gmail's rate-limit 403s) wait as long as
 * the provider asked, 5xx are retried, 401/403 mean the mailbox's credentials are no good,
 * other 4xx are permanent (the message itself is refused), and anything without a status is
 * network trouble, retried.
 */
export function transportErrorOf(provider: string, error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const failure = httpFailure(error);
  const text = `${provider}: ${failure.status ? `${failure.status} ` : ''}${failure.message}`.slice(0, 900);
  const wait = retryAfterMs(failure.retryAfter);
  if (failure.status === null) return new TransportError(text, false, wait);
  if (failure.status === 429) return new ProviderRateLimited(text, wait);
  if (failure.status >= 500) return new TransportError(text, false, wait);
  // Gmail answers per-user rate limits with 403 rateLimitExceeded / userRateLimitExceeded.
  if (failure.status === 403 && /rate ?limit|quota/i.test(failure.message)) return new ProviderRateLimited(text, wait);
  if (failure.status === 401 || failure.status === 403) return new MailboxAuthError(text, 'AUTH_FAILED');
  return new TransportError(text, true);
}

export const isTransientNetworkError = (error: unknown) => typeof (error as { code?: unknown })?.code === 'string' && TRANSIENT_CODES.has((error as { code: string }).code);

/**
 * Calls the provider with the mailbox's access token; on a 401 gets a fresh token once and
 * tries again. A 401 with a fresh token means the provider does not accept this grant.
 */
export async function withAccessToken<T>(provider: string, tokens: AccessTokenSource, call: (token: string) => Promise<T>): Promise<T> {
  const first = await tokens.current();
  try {
    return await call(first);
  } catch (error) {
    if (httpFailure(error).status !== 401) throw error;
  }
  const fresh = await tokens.refresh();
  try {
    return await call(fresh);
  } catch (error) {
    if (httpFailure(error).status === 401) throw new MailboxAuthError(`${provider}: the provider refuses a freshly refreshed access token (401)`, 'AUTH_FAILED');
    throw error;
  }
}

/**
 * The access token of one mailbox. `current` gives one valid for a while yet (refreshing it
 * before it expires), `refresh` a new one whatever the cache says (after a 401). Both throw a
 * MailboxAuthError when the grant is gone.
 */
export type AccessTokenSource = { current(): Promise<string>; refresh(): Promise<string> };
