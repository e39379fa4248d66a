import { Pool, PoolConfig } from 'pg';
import { DuplicateEventId, WrongExpectedVersion } from '../errors';
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
import { AppendNotifier } from './append-notifier';
import { comparePgPositions, formatPosition, parsePosition, pgOrderKey } from './postgres-positions';

export type PostgresEventStoreOptions = {
  connectionString: string;
  /** Connections for appends and reads. */
  poolSize?: number;
  /** How often a live subscription looks for new events when no notification arrives. */
  pollIntervalMs?: number;
  /** Extra pg pool settings (statement timeouts and the like). */
  pool?: Omit<PoolConfig, 'connectionString' | 'max'>;
  /** Use this pool (shared with the rest of the process) instead of opening one; it is not closed here. */
  sharedPool?: Pool;
};

type EventRow = {
  position: string;
  xid: string;
  id: string;
  stream_id: string;
  revision: string;
  type: string;
  version: number;
  data: string | null;
  metadata: string | null;
  prev_hash: string;
  hash: string;
  matched: boolean;
};

const columns = `e.position::text as position, e.xid::text as xid, e.event_id::text as id, e.stream_id, e.revision::text as revision,
  e.type, e.version, e.prev_hash, e.hash`;

function toStored(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    version: row.version,
    data: row.data as string,
    metadata: row.metadata as string,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: formatPosition(row.xid, row.position),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

type Page = { events: StoredEvent[]; scanned: number; checkpoint: string | null };

// Named, so each connection parses and plans the call once rather than on every append.
const APPEND_ONE = { name: 'es_append_one', text: 'select * from es_append_one($1, $2, $3, $4::uuid, $5, $6::int, $7, $8)' };
const APPEND_MANY = { name: 'es_append', text: 'select * from es_append($1, $2, $3, $4::uuid[], $5::text[], $6::int[], $7::text[], $8::text[])' };

/**
 * The PostgreSQL adapter: the embedded default and the zero-extra-service option. Appends are
 * one statement (`es_append`); reads follow the gap-safe (xid, position) order.
 */
export class PostgresEventStore implements EventStoreAdapter {
  readonly name = 'postgres';
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly notifier: AppendNotifier;
  private readonly pollIntervalMs: number;

  constructor(options: PostgresEventStoreOptions) {
    this.ownsPool = !options.sharedPool;
    this.pool = options.sharedPool ?? new Pool({ ...options.pool, connectionString: options.connectionString, max: options.poolSize ?? 10 });
    // A client that errors (server restart) must not crash the process; the next query reconnects.
    // pg-pool listens on idle clients only: an append's transaction holds a checked-out one.
    if (this.ownsPool) {
      this.pool.on('error', () => undefined);
      this.pool.on('connect', (client) => client.on('error', () => undefined));
    }
    this.notifier = new AppendNotifier(options.connectionString, this.pool);
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  async append(streamId: string, events: readonly RawEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (!streamId) throw new Error('append needs a stream id');
    if (events.length === 0) throw new Error(`append to "${streamId}" needs at least one event`);
    if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < 0)) {
      throw new Error(`expected revision must be a whole number >= 0, or no_stream, stream_exists or any (got ${expected})`);
    }
    const mode = typeof expected === 'number' ? 'exact' : expected;
    const single = events.length === 1;
    const only = events[0] as RawEvent;
    const params = [
      streamId,
      mode,
      typeof expected === 'number' ? expected : null,
      ...(single
        ? [only.id, only.type, only.version, only.data, only.metadata]
        : [events.map((e) => e.id), events.map((e) => e.type), events.map((e) => e.version), events.map((e) => e.data), events.map((e) => e.metadata)]),
    ];
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.pool.query<{ first_revision: string; last_revision: string; last_position: string; tx: string }>({
          ...(single ? APPEND_ONE : APPEND_MANY),
          values: params,
        });
        const row = rows[0];
        if (!row) throw new Error('es_append returned nothing');
        this.notifier.announce([...new Set(events.map((e) => e.type))]);
        return {
          streamId,
          firstRevision: Number(row.first_revision),
          nextExpectedRevision: Number(row.last_revision),
          position: formatPosition(row.tx, row.last_position),
          duplicate: false,
        };
      } catch (error) {
        const pgError = error as { code?: string; detail?: string; constraint?: string };
        const conflict = pgError.code === 'ES409' || (pgError.code === '23505' && pgError.constraint === 'es_events_stream_id_revision_key');
        const idTaken = pgError.code === '23505' && pgError.constraint === 'es_events_pkey';
        if (!conflict && !idTaken) throw error;
        // An exact retry of an append that already succeeded is done, not an error.
        const earlier = await this.findAppended(streamId, events);
        if (earlier) return earlier;
        if (idTaken) throw new DuplicateEventId(streamId);
        // Another writer took the revision between our read of the head and our insert: for
        // "any" and "stream_exists" that is no conflict, so try again.
        if ((mode === 'any' || mode === 'stream_exists') && attempt < 20) continue;
        const actual = pgError.code === 'ES409' ? Number(pgError.detail ?? -1) : await this.currentRevision(streamId);
        throw new WrongExpectedVersion(streamId, expected, actual);
      }
    }
  }

  /** The earlier append, when every one of these ids is already at consecutive revisions of this stream. */
  private async findAppended(streamId: string, events: readonly RawEvent[]): Promise<AppendResult | null> {
    const { rows } = await this.pool.query<{ found: string; first: string | null; last: string | null; position: string | null; xid: string | null }>(
      `select count(*)::text as found, min(e.revision)::text as first, max(e.revision)::text as last,
         (array_agg(e.position::text order by e.revision desc))[1] as position, (array_agg(e.xid::text order by e.revision desc))[1] as xid
       from es_events e where e.event_id = any($1::uuid[]) and e.stream_id = $2`,
      [events.map((e) => e.id), streamId],
    );
    const row = rows[0];
    if (!row || Number(row.found) !== events.length || !row.position || !row.xid) return null;
    if (Number(row.last) - Number(row.first) + 1 !== events.length) return null;
    return { streamId, firstRevision: Number(row.first), nextExpectedRevision: Number(row.last), position: formatPosition(row.xid, row.position), duplicate: true };
  }

  private async currentRevision(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ revision: string }>('select max(revision)::text as revision from es_events where stream_id = $1', [streamId]);
    return rows[0]?.revision === null || rows[0]?.revision === undefined ? -1 : Number(rows[0].revision);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const from = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const { rows } = await this.pool.query<EventRow>(
      `select ${columns}, e.data::text as data, e.metadata::text as metadata, true as matched
       from es_events e where e.stream_id = $1 and e.revision ${backwards ? '<=' : '>='} $2
       order by e.revision ${backwards ? 'desc' : 'asc'} limit $3`,
      [streamId, from, limit],
    );
    return rows.map(toStored);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const result = new Map<string, StoredEvent[]>(streamIds.map((id) => [id, []]));
    if (!streamIds.length) return result;
    const { rows } = await this.pool.query<EventRow>(
      `select ${columns}, e.data::text as data, e.metadata::text as metadata, true as matched
       from es_events e where e.stream_id = any($1::text[]) order by e.stream_id, e.revision`,
      [[...new Set(streamIds)]],
    );
    for (const row of rows) result.get(row.stream_id)?.push(toStored(row));
    return result;
  }

  /** One page of the log in global order: up to `limit` rows scanned, those matching the filter returned. */
  private async readPage(from: string | null | undefined, limit: number, filter: EventFilter | undefined, backwards: boolean): Promise<Page> {
    // Only events below the horizon are final: no appender still running can commit under it.
    // It is read in its own statement, before the read's snapshot is taken.
    const params: unknown[] = [await this.horizon()];
    const conditions = ['e.xid < $1::xid8'];
    if (from) {
      const p = parsePosition(from);
      params.push(p.xid.toString(), p.seq.toString());
      conditions.push(`(e.xid, e.position) ${backwards ? '<' : '>'} ($2::xid8, $3::bigint)`);
    }
    const match: string[] = [];
    if (filter?.types) {
      params.push(filter.types);
      match.push(`e.type = any($${params.length}::text[])`);
    }
    if (filter?.streamPrefixes) {
      params.push(filter.streamPrefixes.map(likePrefix));
      match.push(`e.stream_id like any($${params.length}::text[])`);
    }
    const matched = match.length ? match.join(' and ') : 'true';
    params.push(limit);
    const order = backwards ? 'desc' : 'asc';
    const { rows } = await this.pool.query<EventRow>(
      `select ${columns}, ${matched} as matched,
         case when ${matched} then e.data::text end as data,
         case when ${matched} then e.metadata::text end as metadata
       from es_events e where ${conditions.join(' and ')}
       order by e.xid ${order}, e.position ${order} limit $${params.length}`,
      params,
    );
    const last = rows[rows.length - 1];
    return {
      events: rows.filter((r) => r.matched).map(toStored),
      scanned: rows.length,
      checkpoint: last ? formatPosition(last.xid, last.position) : null,
    };
  }

  private horizonCache: { value: string; at: number } | null = null;
  private horizonInFlight: Promise<string> | null = null;

  /**
   * The smallest xid an appender still running may hold: events below it are final. Many
   * subscriptions of one process wake together, so a horizon a few milliseconds old is shared:
   * it can only be lower than a fresh one, and whatever was below it then is committed now.
   */
  private async horizon(): Promise<string> {
    const cached = this.horizonCache;
    if (cached && performance.now() - cached.at < 3) return cached.value;
    this.horizonInFlight ??= (async () => {
      try {
        const at = performance.now();
        const { rows } = await this.pool.query<{ horizon: string }>('select es_horizon()::text as horizon');
        const value = (rows[0] as { horizon: string }).horizon;
        this.horizonCache = { value, at };
        return value;
      } finally {
        this.horizonInFlight = null;
      }
    })();
    return this.horizonInFlight;
  }

  /**
   * Waits until every append that was running when the read began has ended, so the read sees
   * everything committed before it (read-your-writes) while staying below the gap-safe
   * horizon. Bounded: an append left open only delays the read so long.
   */
  private async awaitHorizon(maxWaitMs = 5000): Promise<void> {
    const { rows } = await this.pool.query<{ next: string; ready: boolean }>(
      'select pg_snapshot_xmax(pg_current_snapshot())::text as next, es_horizon() >= pg_snapshot_xmax(pg_current_snapshot()) as ready',
    );
    const start = rows[0];
    if (!start || start.ready) return;
    const deadline = Date.now() + maxWaitMs;
    for (let delay = 2; Date.now() < deadline; delay = Math.min(delay * 2, 50)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const check = await this.pool.query<{ ready: boolean }>('select es_horizon() >= $1::xid8 as ready', [start.next]);
      if (check.rows[0]?.ready) return;
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    await this.awaitHorizon();
    const limit = options.limit ?? 1000;
    const backwards = options.direction === 'backwards';
    const out: StoredEvent[] = [];
    let from = options.from ?? null;
    const pageSize = Math.min(Math.max(limit, 100), 5000);
    for (;;) {
      const page = await this.readPage(from, pageSize, options.filter, backwards);
      out.push(...page.events.slice(0, limit - out.length));
      if (out.length >= limit || page.scanned < pageSize || !page.checkpoint) return out;
      from = page.checkpoint;
    }
  }

  async *subscribeAll(options: SubscribeOptions = {}): AsyncGenerator<Batch<StoredEvent>> {
    const batchSize = options.batchSize ?? 500;
    const signal = options.signal;
    let checkpoint = options.from ?? null;
    // After a wake-up that found nothing visible yet (an older append still running), look
    // again soon rather than waiting a whole poll interval.
    let retryMs = 0;
    while (!signal?.aborted) {
      // Listen before reading, and keep listening while the consumer works on the batch: an
      // append made meanwhile must wake us, not wait for the next poll.
      const wake = this.notifier.next(options.filter);
      let page: Page;
      try {
        page = await this.readPage(checkpoint, batchSize, options.filter, false);
      } catch (error) {
        wake.cancel();
        throw error;
      }
      if (page.scanned > 0 && page.checkpoint) {
        checkpoint = page.checkpoint;
        retryMs = 0;
        try {
          yield { events: page.events, checkpoint };
        } catch (error) {
          wake.cancel();
          throw error;
        }
        if (page.scanned === batchSize) {
          wake.cancel();
          continue;
        }
      }
      const woken = await waitForWake(wake.promise, retryMs || this.pollIntervalMs, signal);
      wake.cancel();
      retryMs = woken ? 2 : retryMs ? Math.min(retryMs * 2, this.pollIntervalMs) : 0;
    }
  }

  async headPosition(): Promise<string | null> {
    await this.awaitHorizon();
    const horizon = await this.horizon();
    const { rows } = await this.pool.query<{ xid: string; position: string }>(
      'select e.xid::text as xid, e.position::text as position from es_events e where e.xid < $1::xid8 order by e.xid desc, e.position desc limit 1',
      [horizon],
    );
    const row = rows[0];
    return row ? formatPosition(row.xid, row.position) : null;
  }

  async readEvents(eventIds: readonly string[]): Promise<StoredEvent[]> {
    if (!eventIds.length) return [];
    const { rows } = await this.pool.query<EventRow>(
      `select ${columns}, e.data::text as data, e.metadata::text as metadata, true as matched
       from es_events e where e.event_id = any($1::uuid[]) order by e.xid, e.position`,
      [[...new Set(eventIds)]],
    );
    return rows.map(toStored);
  }

  async countEvents(options: { from?: string | null; filter?: EventFilter } = {}): Promise<number> {
    const params: unknown[] = [await this.horizon()];
    const conditions = ['e.xid < $1::xid8'];
    if (options.from) {
      const p = parsePosition(options.from);
      params.push(p.xid.toString(), p.seq.toString());
      conditions.push('(e.xid, e.position) > ($2::xid8, $3::bigint)');
    }
    if (options.filter?.types) {
      params.push(options.filter.types);
      conditions.push(`e.type = any($${params.length}::text[])`);
    }
    if (options.filter?.streamPrefixes) {
      params.push(options.filter.streamPrefixes.map(likePrefix));
      conditions.push(`e.stream_id like any($${params.length}::text[])`);
    }
    const { rows } = await this.pool.query<{ n: string }>(`select count(*)::text as n from es_events e where ${conditions.join(' and ')}`, params);
    return Number(rows[0]?.n ?? 0);
  }

  comparePositions(a: string, b: string): number {
    return comparePgPositions(a, b);
  }

  orderKey(position: string): bigint {
    return pgOrderKey(position);
  }

  async close(): Promise<void> {
    await this.notifier.close();
    if (this.ownsPool) await this.pool.end();
  }
}

/** Resolves true when woken, false on timeout or abort. */
function waitForWake(wake: Promise<void>, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const done = (value: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    void wake.then(() => done(true));
  });
}
