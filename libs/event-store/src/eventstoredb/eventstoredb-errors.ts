import { status } from '@grpc/grpc-js';
import { CancelledError, DeadlineExceededError, NotLeaderError, UnavailableError } from '@eventstore/db-client';

/** gRPC codes that say "try again": the call may or may not have reached the server. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([status.UNAVAILABLE, status.CANCELLED, status.DEADLINE_EXCEEDED]);

/**
 * Whether a failed call is worth retrying. The client converts most failures into its own error
 * classes, but not all: the server-features call it makes on a fresh channel (after a reconnect)
 * rejects with the raw gRPC error, e.g. `14 UNAVAILABLE: Channel closed before call started`.
 */
export function isTransientEsdbError(error: unknown): boolean {
  if (error instanceof UnavailableError || error instanceof NotLeaderError || error instanceof CancelledError || error instanceof DeadlineExceededError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'number' && TRANSIENT_CODES.has(code);
}
