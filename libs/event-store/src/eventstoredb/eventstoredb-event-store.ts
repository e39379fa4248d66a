import {
  AllStreamRecordedEvent,
  AllStreamResolvedEvent,
  AllStreamSubscription,
  BACKWARDS,
  END,
  EventData,
  EventStoreDBClient,
  FORWARDS,
  Filter,
  NO_STREAM,
  Position,
  ResolvedEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
} from '@eventstore/db-client';
import { GENESIS_HASH } from '@app/events';
import { DuplicateEventId, SubscriptionDropped, WrongExpectedVersion } from '../errors';
import {
  AppendResult,
  Batch,
  EventFilter,
  EventStoreAdapter,
  ExpectedRevision,
  RawEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from '../event-store.types';
import { canonicalJson, chainHash } from '../hash-chain';
import { EventIdClaim, EventIdRegistry } from './event-id-registry';
import { isTransientEsdbError } from './eventstoredb-errors';
import { EsdbPosition, compareEsdbPositions, esdbOrderKey, formatEsdbPosition, parseEsdbPosition } from './eventstoredb-positions';

export type EventStoreDbEventStoreOptions = {
  /** For example `esdb://localhost:2113?tls=false`. */
  connectionString: string;
  /**
   * Keeps event ids unique across streams, as the PostgreSQL adapter does. Without it, an id
   * reused in another stream is not noticed (EventStoreDB itself does not check that) and a
   * retry is recognised only while its events are still the stream's last ones.
   */
  eventIds?: EventIdRegistry;
  /**
   * How often a filtered subscription reports progress through events it skips: after
   * `maxSearchWindow * interval` events read. Defaults: the server's window (32), interval 1.
   */
  checkpoints?: { maxSearchWindow?: number; interval?: number };
  /** Retries of a call that failed for a transient reason (server unavailable, leader change). */
  retry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** Events per request when reading `$all`. */
  pageSize?: number;
};

/** What this adapter adds to the stored metadata, beside the caller's canonical core. */
const CHAIN_FIELDS = ['prevHash', 'hash', 'eventVersion'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_CONFLICT_RETRIES = 50;

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/** A checkpoint from the server, queued between the events it follows. */
class CheckpointMarker {
  constructor(readonly position: Position) {}
}

const isSystem = (event: { streamId: string; type: string }) => event.type.startsWith('$') || event.streamId.startsWith('$');

function matchesFilter(filter: EventFilter | undefined, event: { streamId: string; type: string }): boolean {
  if (filter?.types && !filter.types.includes(event.type)) return false;
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
  return true;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');


/** The stream's revision the server reported, -1 for "no stream". */
const currentRevisionOf = (error: WrongExpectedVersionError) => (typeof error.actualVersion === 'bigint' ? Number(error.actualVersion) : -1);

/**
 * The EventStoreDB adapter (`@eventstore/db-client`): the production and scale-out store.
 *
 * Stored bytes and hash chain match the PostgreSQL adapter: data is JSON content, the metadata
 * is the caller's canonical core plus `prevHash`, `hash` and `eventVersion`; the chain is
 * computed here, from the stream's last event, and the write carries the exact revision that
 * event had, so two writers can never both extend the same link. Readers get the core metadata
 * back in canonical form with the chain in its own fields, so `verifyChain` and the codec work
 * unchanged on either store.
 *
 * Needs a server from 22.6 on (stream reads carry `$all` positions).
 */
export class EventStoreDbEventStore implements EventStoreAdapter {
  readonly name = 'eventstoredb';
  private readonly client: EventStoreDBClient;
  private readonly eventIds: EventIdRegistry | undefined;
  private readonly pageSize: number;
  private readonly retry: { attempts: number; initialDelayMs: number; maxDelayMs: number };
  private readonly checkpoints: { maxSearchWindow: number | undefined; interval: number };

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
    this.eventIds = options.eventIds;
    this.pageSize = options.pageSize ?? 500;
    this.retry = { attempts: options.retry?.attempts ?? 6, initialDelayMs: options.retry?.initialDelayMs ?? 50, maxDelayMs: options.retry?.maxDelayMs ?? 2000 };
    this.checkpoints = { maxSearchWindow: options.checkpoints?.maxSearchWindow, interval: options.checkpoints?.interval ?? 1 };
  }

  // ---- appending ----

  async append(streamId: string, events: readonly RawEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (!streamId) throw new Error('append needs a stream id');
    if (streamId.startsWith('$')) throw new Error(`"${streamId}" is a system stream name: streams starting with $ belong to EventStoreDB`);
    if (events.length === 0) throw new Error(`append to "${streamId}" needs at least one event`);
    if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < 0)) {
      throw new Error(`expected revision must be a whole number >= 0, or no_stream, stream_exists or any (got ${expected})`);
    }
    const prepared = events.map((event) => prepare(streamId, event));
    const ids = prepared.map((e) => e.id);
    if (new Set(ids).size !== ids.length) throw new DuplicateEventId(streamId);

    const claim = this.eventIds ? await this.eventIds.claim(streamId, ids) : null;
    try {
      if (claim?.takenElsewhere.length) throw new DuplicateEventId(streamId);
      return await this.appendClaimed(streamId, prepared, expected, claim);
    } catch (error) {
      // Nothing was written for these outcomes: give the ids back for a later, corrected append.
      if (claim && (error instanceof WrongExpectedVersion || error instanceof DuplicateEventId)) {
        await this.eventIds?.release(streamId, claim.claimedNow).catch(() => undefined);
      }
      throw error;
    }
  }

  private async appendClaimed(streamId: string, events: readonly PreparedEvent[], expected: ExpectedRevision, claim: EventIdClaim | null): Promise<AppendResult> {
    const ids = events.map((e) => e.id);
    let conflicts = 0;
    let failures = 0;
    // Set once a write may have landed (its answer was lost, or it succeeded): a later round
    // of this loop must then look for it rather than write again.
    let mayHaveWritten = false;
    for (;;) {
      try {
        const tail = await this.readTail(streamId, events.length);
        const head = tail[0]?.revision ?? -1;
        const mismatch =
          (typeof expected === 'number' && head !== expected) || (expected === 'no_stream' && head !== -1) || (expected === 'stream_exists' && head === -1);

        // Is this a retry of an append that is already stored? Only look as far as needed: the
        // registry says whether these ids were seen before.
        const seenBefore = mayHaveWritten || (claim ? claim.claimedBefore.length > 0 : false);
        let earlier: AppendResult | 'reused' | null = null;
        if (seenBefore) earlier = await this.findAppended(streamId, ids);
        else if (!claim) {
          const quick = inTail(streamId, tail, ids);
          earlier = quick === 'elsewhere' || (quick === null && mismatch) ? await this.findAppended(streamId, ids) : quick;
        }
        if (earlier === 'reused') throw new DuplicateEventId(streamId);
        if (earlier) return { ...earlier, duplicate: !mayHaveWritten || (claim?.claimedBefore.length ?? 0) > 0 };
        if (mismatch) throw new WrongExpectedVersion(streamId, expected, head);

        let prevHash = tail[0]?.hash ?? GENESIS_HASH;
        const toWrite: EventData[] = events.map((event, i) => {
          const revision = head + 1 + i;
          const hash = chainHash(prevHash, { streamId, revision, id: event.id, type: event.type, version: event.version, data: event.data, metadata: event.metadata });
          const metadata = canonicalJson({ ...event.core, prevHash, hash, eventVersion: event.version });
          prevHash = hash;
          return { id: event.id, type: event.type, contentType: 'application/json', data: event.json, metadata: new Uint8Array(Buffer.from(metadata, 'utf8')) };
        });
        try {
          await this.client.appendToStream(streamId, toWrite, { expectedRevision: head === -1 ? NO_STREAM : BigInt(head) });
        } catch (error) {
          if (isTransientEsdbError(error)) mayHaveWritten = true;
          throw error;
        }
        // Landed: should the read below fail and this loop run again, it must find these events.
        mayHaveWritten = true;
        const last = head + events.length;
        // The append answer's position is the write's, which for several events is not the last
        // event's on every server version; the event read back is unambiguous.
        const [written] = await this.readStreamOnce(streamId, { fromRevision: last, limit: 1 });
        if (!written || written.id !== ids[ids.length - 1]) throw new Error(`append to "${streamId}" succeeded but revision ${last} reads back differently`);
        return { streamId, firstRevision: head + 1, nextExpectedRevision: last, position: written.position, duplicate: false };
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) {
          // Someone appended between our read of the head and our write. For "any" and
          // "stream_exists" that is no conflict; for an exact expectation the next round
          // reports it with the stream's real revision (or finds our own earlier write).
          if (++conflicts <= MAX_CONFLICT_RETRIES) continue;
          throw new WrongExpectedVersion(streamId, expected, currentRevisionOf(error));
        }
        if (isTransientEsdbError(error) && ++failures < this.retry.attempts) {
          await pause(this.backoff(failures));
          continue;
        }
        throw error;
      }
    }
  }

  /** Where these ids sit in the stream: the earlier append, 'reused' if they are there but not as one append, or null. */
  private async findAppended(streamId: string, ids: readonly string[]): Promise<AppendResult | 'reused' | null> {
    const wanted = new Set(ids);
    const found = new Map<string, StoredEvent>();
    let from: number | undefined;
    for (;;) {
      const page = await this.readStreamOnce(streamId, { direction: 'backwards', fromRevision: from, limit: this.pageSize });
      for (const event of page) if (wanted.has(event.id)) found.set(event.id, event);
      const oldest = page[page.length - 1];
      if (found.size === ids.length || page.length < this.pageSize || !oldest || oldest.revision === 0) break;
      from = oldest.revision - 1;
    }
    if (found.size === 0) return null;
    if (found.size !== ids.length) return 'reused';
    const stored = ids.map((id) => found.get(id) as StoredEvent);
    const first = stored[0] as StoredEvent;
    const last = stored[stored.length - 1] as StoredEvent;
    if (stored.some((event, i) => event.revision !== first.revision + i)) return 'reused';
    return { streamId, firstRevision: first.revision, nextExpectedRevision: last.revision, position: last.position, duplicate: true };
  }

  private readTail(streamId: string, count: number): Promise<StoredEvent[]> {
    return this.readStreamOnce(streamId, { direction: 'backwards', limit: count });
  }

  // ---- reading ----

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.withRetry(() => this.readStreamOnce(streamId, options));
  }

  /** EventStoreDB reads one stream per call: the reads go out together. */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const unique = [...new Set(streamIds)];
    const histories = await Promise.all(unique.map((id) => this.readStream(id)));
    return new Map(unique.map((id, i) => [id, histories[i] as StoredEvent[]]));
  }

  private async readStreamOnce(streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    if (limit <= 0) return [];
    const out: StoredEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
        maxCount: limit,
      });
      for await (const resolved of read) {
        const event = toStored(resolved.event);
        if (event) out.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return out;
  }

  /**
   * Reads `$all` page by page and filters here: this client version sends no filter with a
   * read (subscriptions do filter on the server). System events are never returned.
   */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const limit = options.limit ?? 1000;
    const backwards = options.direction === 'backwards';
    const out: StoredEvent[] = [];
    let from = options.from ? parseEsdbPosition(options.from) : null;
    while (out.length < limit) {
      const start = from;
      const page = await this.withRetry(() =>
        collect(this.client.readAll({ direction: backwards ? BACKWARDS : FORWARDS, fromPosition: start ?? (backwards ? END : START), maxCount: this.pageSize })),
      );
      let progressed = false;
      for (const resolved of page) {
        const recorded = resolved.event;
        if (!recorded) continue;
        // Whether the server includes the event at the start position differs by direction
        // and version; `from` is exclusive here either way.
        if (from && (backwards ? compareEsdbPositions(recorded.position, from) >= 0 : compareEsdbPositions(recorded.position, from) <= 0)) continue;
        from = recorded.position;
        progressed = true;
        if (isSystem(recorded) || !matchesFilter(options.filter, recorded)) continue;
        out.push(toStored(recorded) as StoredEvent);
        if (out.length >= limit) break;
      }
      if (page.length < this.pageSize || !progressed) break;
    }
    return out;
  }

  async headPosition(): Promise<string | null> {
    const [last] = await this.withRetry(() => collect(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })));
    return last?.event ? formatEsdbPosition(last.event.position) : null;
  }

  // ---- subscribing ----

  /**
   * A catch-up subscription to `$all` with a server-side filter, pulled with `for await`: while
   * the consumer works on a batch nothing more is read, and the server waits (gRPC flow
   * control) instead of filling memory. Each batch is what has already arrived, up to
   * `batchSize` events. A checkpoint the server reports after skipping events moves the batch
   * checkpoint on, even with no event to deliver. A dropped subscription ends this iterator
   * with `SubscriptionDropped`; resubscribing is the caller's call (see `resubscribing`).
   */
  async *subscribeAll(options: SubscribeOptions = {}): AsyncGenerator<Batch<StoredEvent>> {
    const signal = options.signal;
    if (signal?.aborted) return;
    const batchSize = options.batchSize ?? 500;
    const from = options.from ? parseEsdbPosition(options.from) : null;
    const subscription = this.client.subscribeToAll({
      fromPosition: from ?? START,
      filter: this.serverFilter(options.filter, (sub, position) => {
        // Pushed into the subscription's own queue, so it stays behind the events it follows.
        sub.push(new CheckpointMarker(position));
      }),
    });
    const stop = () => {
      void subscription.unsubscribe().catch(() => undefined);
      subscription.destroy();
    };
    signal?.addEventListener('abort', stop, { once: true });

    let last: EsdbPosition | null = from;
    let checkpoint = options.from ?? null;
    let yielded = checkpoint;
    const iterator: AsyncIterator<unknown> = subscription[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (signal?.aborted) return;
          throw new SubscriptionDropped(this.name, error);
        }
        if (next.done) {
          if (signal?.aborted) return;
          throw new SubscriptionDropped(this.name, new Error('the server ended the subscription'));
        }
        const items: unknown[] = [next.value];
        let counted = next.value instanceof CheckpointMarker ? 0 : 1;
        while (counted < batchSize) {
          const more: unknown = subscription.read();
          if (more === null) break;
          items.push(more);
          if (!(more instanceof CheckpointMarker)) counted++;
        }

        const events: StoredEvent[] = [];
        for (const item of items) {
          const position = item instanceof CheckpointMarker ? item.position : (item as AllStreamResolvedEvent).event?.position;
          if (!position || (last && compareEsdbPositions(position, last) <= 0)) continue;
          last = position;
          checkpoint = formatEsdbPosition(position);
          if (item instanceof CheckpointMarker) continue;
          const recorded = (item as AllStreamResolvedEvent).event as AllStreamRecordedEvent;
          if (isSystem(recorded) || !matchesFilter(options.filter, recorded)) continue;
          events.push(toStored(recorded) as StoredEvent);
        }
        if (checkpoint && (events.length || checkpoint !== yielded)) {
          yielded = checkpoint;
          yield { events, checkpoint };
        }
        if (signal?.aborted) return;
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      if (!subscription.destroyed) stop();
    }
  }

  /** One filter on the server (stream prefix, else event type, else "no system events"); the rest is checked here. */
  private serverFilter(filter: EventFilter | undefined, checkpointReached: (subscription: AllStreamSubscription, position: Position) => void): Filter {
    const common = { checkpointInterval: this.checkpoints.interval, checkpointReached, ...(this.checkpoints.maxSearchWindow ? { maxSearchWindow: this.checkpoints.maxSearchWindow } : {}) };
    if (filter?.streamPrefixes?.length) return streamNameFilter({ ...common, prefixes: [...filter.streamPrefixes] });
    if (filter?.types?.length) return eventTypeFilter({ ...common, regex: `^(?:${filter.types.map(escapeRegex).join('|')})$` });
    return excludeSystemEvents(common);
  }

  comparePositions(a: string, b: string): number {
    return compareEsdbPositions(parseEsdbPosition(a), parseEsdbPosition(b));
  }

  orderKey(position: string): bigint {
    return esdbOrderKey(position);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private backoff(failures: number): number {
    return Math.min(this.retry.initialDelayMs * 2 ** (failures - 1), this.retry.maxDelayMs);
  }

  private async withRetry<T>(work: () => Promise<T>): Promise<T> {
    for (let failures = 0; ; ) {
      try {
        return await work();
      } catch (error) {
        if (!isTransientEsdbError(error) || ++failures >= this.retry.attempts) throw error;
        await pause(this.backoff(failures));
      }
    }
  }
}

type PreparedEvent = { id: string; type: string; version: number; data: string; metadata: string; json: JsonObject | unknown[] | string; core: JsonObject };

/**
 * Checks an event before anything is claimed or written. The client serialises `json` again
 * (JSON.stringify), which can reorder integer-like keys; readers re-canonicalise, so what they
 * get back, and what the hash covers, are the caller's canonical bytes.
 */
function prepare(streamId: string, event: RawEvent): PreparedEvent {
  const id = event.id.toLowerCase();
  if (!UUID.test(id)) throw new Error(`event id "${event.id}" is not a UUID`);
  let json: unknown;
  let core: unknown;
  try {
    json = JSON.parse(event.data);
    core = JSON.parse(event.metadata);
  } catch {
    throw new Error(`${event.type} for "${streamId}": data and metadata must be JSON`);
  }
  if (!isObject(core)) throw new Error(`${event.type} for "${streamId}": metadata must be a JSON object`);
  const clash = CHAIN_FIELDS.find((field) => field in core);
  if (clash) throw new Error(`${event.type} for "${streamId}": metadata field "${clash}" is reserved for the store`);
  if (!(isObject(json) || Array.isArray(json) || typeof json === 'string')) {
    throw new Error(`${event.type} for "${streamId}": data must be a JSON object, array or string`);
  }
  return { id, type: event.type, version: event.version, data: event.data, metadata: event.metadata, json, core };
}

/** The stored event, or null for what is not ours to hand out (links, system records). */
function toStored(recorded: ResolvedEvent['event'] | AllStreamRecordedEvent | undefined): StoredEvent | null {
  if (!recorded || isSystem(recorded)) return null;
  const where = `event ${recorded.id} at ${recorded.streamId}@${recorded.revision}`;
  const metadata = recorded.metadata;
  if (!isObject(metadata) || typeof metadata.prevHash !== 'string' || typeof metadata.hash !== 'string' || typeof metadata.eventVersion !== 'number') {
    throw new Error(`${where} was not written by this adapter: its metadata has no hash chain`);
  }
  if (!recorded.position) throw new Error(`${where} came without a $all position (EventStoreDB before 22.6?)`);
  const { prevHash, hash, eventVersion, ...core } = metadata;
  const data = recorded.isJson ? canonicalJson(recorded.data) : Buffer.from(recorded.data).toString('utf8');
  return {
    id: recorded.id.toLowerCase(),
    type: recorded.type,
    version: eventVersion,
    data,
    metadata: canonicalJson(core),
    streamId: recorded.streamId,
    revision: Number(recorded.revision),
    position: formatEsdbPosition(recorded.position),
    prevHash,
    hash,
  };
}

/**
 * The cheap check without a registry: the retry of an append whose events are still the
 * stream's newest; 'elsewhere' when some of the ids are there but not as those newest events.
 */
function inTail(streamId: string, tail: readonly StoredEvent[], ids: readonly string[]): AppendResult | 'elsewhere' | null {
  const newestFirst = [...ids].reverse();
  if (!tail.some((event) => ids.includes(event.id))) return null;
  if (tail.length !== ids.length || tail.some((event, i) => event.id !== newestFirst[i])) return 'elsewhere';
  const last = tail[0] as StoredEvent;
  return { streamId, firstRevision: last.revision - ids.length + 1, nextExpectedRevision: last.revision, position: last.position, duplicate: true };
}

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
