import { DomainError, DomainErrorKind, assertNever } from '@app/domain';
import { InvalidEventPayload } from '@app/events';
import { WrongExpectedVersion } from '@app/event-store';

/** The codes a client can branch on (GraphQL `extensions.code`). */
export type ApiErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'TOO_MANY_REQUESTS' | 'INTERNAL_SERVER_ERROR';

/** An error raised at the edge itself (authentication, input shape, lookups by id). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** A stable, more precise reason (e.g. AUTH.TOKEN_EXPIRED). */
    readonly reason?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string, id?: string) => new ApiError('NOT_FOUND', id ? `${what} ${id} not found` : `${what} not found`, `${what.toUpperCase().replace(/\s+/g, '_')}.NOT_FOUND`);
export const unauthenticated = (message = 'Log in first: send Authorization: Bearer <access token>', reason = 'AUTH.REQUIRED') => new ApiError('UNAUTHENTICATED', message, reason);
export const forbidden = (message: string, reason = 'AUTH.FORBIDDEN') => new ApiError('FORBIDDEN', message, reason);
export const badInput = (message: string, reason = 'INPUT.INVALID', details?: Record<string, unknown>) => new ApiError('BAD_USER_INPUT', message, reason, details);

function codeForKind(kind: DomainErrorKind): ApiErrorCode {
  switch (kind) {
    case 'BAD_INPUT':
      return 'BAD_USER_INPUT';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'CONFLICT':
      return 'CONFLICT';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'LIMIT':
      return 'TOO_MANY_REQUESTS';
    default:
      return assertNever(kind, 'domain error kind');
  }
}

export type MappedError = { code: ApiErrorCode; message: string; reason?: string; details?: Record<string, unknown> };

/** One place maps every error to what a client sees; null means "unexpected" (log it, hide it). */
export function mapError(error: unknown): MappedError | null {
  if (error instanceof ApiError) return { code: error.code, message: error.message, reason: error.reason, details: error.details };
  if (error instanceof DomainError) return { code: codeForKind(error.kind), message: error.message, reason: error.code };
  if (error instanceof WrongExpectedVersion) {
    return { code: 'CONFLICT', message: 'Someone changed this at the same time and it could not be merged: reload and try again', reason: 'STALE_VERSION' };
  }
  if (error instanceof InvalidEventPayload) return { code: 'BAD_USER_INPUT', message: error.message, reason: 'INPUT.INVALID' };
  return null;
}
