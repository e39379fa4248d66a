/** What an append expects of the stream: an exact revision (0-based), or one of three modes. */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

/** An event ready to store: payload and metadata already serialised (canonical JSON). */
export type RawEvent = {
  id: string;
  type: string;
  version: number;
  data: string;
  /** Canonical JSON of the metadata without the chain fields. */
  metadata: string;
};

/** An event as stored, with its place in its stream and in the log, and its chain link. */
export type StoredEvent = RawEvent & {
  streamId: string;
  revision: number;
  /** Opaque global position; compare with the adapter's `comparePositions`. */
  position: string;
  prevHash: string;
  hash: string;
};

export type AppendResult = {
  streamId: string;
  /** Revision of the last event appended (the stream's revision after the append). */
  nextExpectedRevision: number;
  firstRevision: number;
  /** Global position of the last event appended: wait for projections to pass it. */
  position: string;
  /** True when these exact event ids were already stored: nothing was written again. */
  duplicate: boolean;
};

export type Direction = 'forwards' | 'backwards';

export type ReadStreamOptions = { fromRevision?: number; direction?: Direction; limit?: number };

export type EventFilter = { types?: readonly string[]; streamPrefixes?: readonly string[] };

export type ReadAllOptions = {
  /** Exclusive: start after (forwards) or before (backwards) this position. */
  from?: string | null;
  direction?: Direction;
  limit?: number;
  filter?: EventFilter;
};

export type SubscribeOptions = {
  /** Exclusive checkpoint to resume after; none means from the beginning. */
  from?: string | null;
  filter?: EventFilter;
  /** Largest batch handed to the consumer. */
  batchSize?: number;
  signal?: AbortSignal;
};

/**
 * A batch from a subscription. `checkpoint` is how far the log has been read, which can be
 * past the last event when the filter skipped some: store it, resume from it.
 */
export type Batch<E> = { events: E[]; checkpoint: string };

/**
 * The port every store adapter implements (PostgreSQL, EventStoreDB). It deals in stored
 * bytes; validation, encryption and upcasting sit above it in the EventStore.
 */
export interface EventStoreAdapter {
  readonly name: string;
  append(streamId: string, events: readonly RawEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Several whole streams at once (one round trip where the store allows), forwards. */
  readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Catch-up then live, in global order, never skipping an event that commits late. */
  subscribeAll(options?: SubscribeOptions): AsyncIterable<Batch<StoredEvent>>;
  /** Position of the newest event a reader can see now (null for an empty log). */
  headPosition(): Promise<string | null>;
  /**
   * How many events follow `from` (matching the filter), when the store can count without
   * reading them (PostgreSQL). Progress bars and "events behind" use it; optional.
   */
  countEvents?(options: { from?: string | null; filter?: EventFilter }): Promise<number>;
  /** Events by id, in log order, when the store can look them up directly (PostgreSQL); optional. */
  readEvents?(eventIds: readonly string[]): Promise<StoredEvent[]>;
  comparePositions(a: string, b: string): number;
  /**
   * A number that orders positions like `comparePositions`, for storing next to read-model
   * rows (`numeric` in PostgreSQL) so a projection can tell an event it already applied.
   */
  orderKey(position: string): bigint;
  close(): Promise<void>;
}
