import { ExpectedRevision } from './event-store.types';

const describeExpected = (expected: ExpectedRevision) => (typeof expected === 'number' ? `revision ${expected}` : expected);
const describeActual = (actual: number) => (actual < 0 ? 'no stream' : `revision ${actual}`);

/** Someone else appended first (or the stream is not in the state the caller assumed). */
export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision; -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(`Wrong expected version on stream "${streamId}": expected ${describeExpected(expected)}, actual ${describeActual(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** An event id is already used by a different event (ids are unique across the log). */
export class DuplicateEventId extends Error {
  constructor(readonly streamId: string) {
    super(`An event id appended to "${streamId}" is already used by another event: ids are unique across the log`);
    this.name = 'DuplicateEventId';
  }
}

/**
 * A live subscription ended without being asked to (the server dropped it, the connection
 * failed). Nothing is resumed for you: subscribe again from your last stored checkpoint.
 */
export class SubscriptionDropped extends Error {
  constructor(
    readonly adapter: string,
    override readonly cause: unknown,
  ) {
    super(`The ${adapter} subscription was dropped: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'SubscriptionDropped';
  }
}
