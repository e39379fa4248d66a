import { status } from '@grpc/grpc-js';
import { UnavailableError } from '@eventstore/db-client';
import { isTransientEsdbError } from './eventstoredb-errors';

const grpcError = (code: number, details: string) => Object.assign(new Error(`${code} ${details}`), { code, details });

describe('isTransientEsdbError', () => {
  it('retries the raw gRPC error a fresh channel answers with (not converted by the client)', () => {
    expect(isTransientEsdbError(grpcError(status.UNAVAILABLE, 'UNAVAILABLE: Channel closed before call started'))).toBe(true);
    expect(isTransientEsdbError(grpcError(status.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED'))).toBe(true);
    expect(isTransientEsdbError(grpcError(status.CANCELLED, 'CANCELLED'))).toBe(true);
  });

  it("retries the client's own unavailable error", () => {
    expect(isTransientEsdbError(new UnavailableError(grpcError(status.UNAVAILABLE, 'down') as never))).toBe(true);
  });

  it('does not retry answers that would only fail again', () => {
    expect(isTransientEsdbError(grpcError(status.INVALID_ARGUMENT, 'bad'))).toBe(false);
    expect(isTransientEsdbError(grpcError(status.PERMISSION_DENIED, 'no'))).toBe(false);
    expect(isTransientEsdbError(new Error('plain'))).toBe(false);
    expect(isTransientEsdbError(null)).toBe(false);
    expect(isTransientEsdbError({ code: status.UNAVAILABLE })).toBe(false);
  });
});
