import { EventStore, RecordedEvent, StoredEvent } from '@app/event-store';
import { Kysely, sql } from 'kysely';
import { errorMessage, sleep } from '../checkpointed-runner';
import { LockConnection, LockSession } from '../lock-connection';
import { Projection, ProjectionContext, ProjectionLogger } from '../projection';
import { checkpointOf } from '../projection-schemas';

/** One projection version to bring up to the head of the log, in its own schema. */
export type BuildTarget<DB> = {
  projection: Projection<DB>;
  schema: string;
  /** Only events that occurred up to this moment (a replay "as of"). */
  until?: Date | null;
};

export type BuildProgress = {
  /** Events read so far in this run (of the types the targets handle). */
  events: number;
  /** Events to read in all, when the store can count them. */
  total: number | null;
  checkpoint: string | null;
  elapsedMs: number;
};

export type BuildOutcome = {
  /** False when interrupted: run it again and it resumes from the stored checkpoints. */
  completed: boolean;
  /** Events read in this run. */
  events: number;
  seconds: number;
  /** Events applied per schema in this run. */
  applied: Record<string, number>;
  parked: number;
  checkpoint: string | null;
};

export type BuildOptions<DB> = {
  store: EventStore;
  /** Where batches are written; a pool with synchronous_commit off suits (read models are derived). */
  db: Kysely<DB>;
  targets: readonly BuildTarget<DB>[];
  /** Holds one advisory lock per target schema, the same lock its live runner takes. */
  locks: LockConnection;
  logger: ProjectionLogger;
  /** Events per page: big pages for rebuilds (default 20000: more events folded per row loaded and written). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
  /** Runs once caught up, while the locks are still held (switching views, marking ready). */
  finish?: () => Promise<void>;
};

/** Another process holds the schema (its live runner, or another build): nothing was changed. */
export class SchemaBusy extends Error {
  constructor(readonly schema: string) {
    super(`${schema} is being written by another process (a projector runner or another build); try again when it is done`);
    this.name = 'SchemaBusy';
  }
}

type TargetState<DB> = {
  target: BuildTarget<DB>;
  handles: Set<string>;
  session: LockSession;
  /** Order key of the stored checkpoint: events at or below it were applied before. */
  key: bigint | null;
  /** The checkpoint as stored: every write is fenced on it. */
  persisted: string | null;
  /** A checkpoint reached by pages it had nothing in, not written yet. */
  unsaved: string | null;
  applied: number;
};

/** `orderKeys`: each event's order key as text, computed once per page for every target. */
type Page = { events: RecordedEvent[]; keys: bigint[]; orderKeys: Map<string, string>; checkpoint: string };

const PERSIST_EVERY_PAGES = 20;

/**
 * Brings projection versions up to the head of the log in one pass: reads the log once (in
 * pages, from the lowest checkpoint), decodes each page once, and hands each target the
 * events it handles in its own transaction with its checkpoint. The next page is read and
 * decoded while the current one is written. Stops at the head (chasing appends made
 * meanwhile a few times); interrupted, it leaves every checkpoint consistent with its rows,
 * so running it again resumes.
 */
export async function buildProjections<DB>(options: BuildOptions<DB>): Promise<BuildOutcome> {
  const { store, targets } = options;
  const started = performance.now();
  const db = options.db as unknown as Kysely<unknown>;
  const states: TargetState<DB>[] = [];
  try {
    for (const target of targets) {
      const session = options.locks.session(`projection:${target.schema}`);
      if (!(await session.tryLock())) throw new SchemaBusy(target.schema);
      const row = await checkpointOf(db, target.schema);
      if (!row) {
        await session.unlock();
        throw new Error(`${target.schema} has no checkpoint row: create its schema first`);
      }
      states.push({
        target,
        handles: new Set(target.projection.handles),
        session,
        key: row.position ? store.orderKey(row.position) : null,
        persisted: row.position,
        unsaved: null,
        applied: 0,
      });
    }
    const outcome = await run(options, states, started);
    if (outcome.completed) await options.finish?.();
    return outcome;
  } finally {
    for (const state of states) await state.session.unlock().catch(() => undefined);
  }
}

async function run<DB>(options: BuildOptions<DB>, states: TargetState<DB>[], started: number): Promise<BuildOutcome> {
  const { store, logger } = options;
  const db = options.db as unknown as Kysely<unknown>;
  const batchSize = options.batchSize ?? 20_000;
  const applied = (): Record<string, number> => Object.fromEntries(states.map((s) => [s.target.schema, s.applied]));
  const parked = { count: 0 };

  // From the lowest checkpoint; each target skips what it already has.
  const positions = states.map((s) => s.persisted);
  const from = positions.includes(null) ? null : positions.reduce<string | null>((low, p) => (low === null || (p !== null && store.comparePositions(p, low) < 0) ? p : low), positions[0] ?? null);
  const types = [...new Set(states.flatMap((s) => [...s.handles]))];
  // Types no target reads personal fields of stay sealed: no key lookups, no decryption.
  const personal = new Set(
    states.flatMap((s): readonly string[] => {
      const reads = s.target.projection.readsPersonalData ?? true;
      return reads === true ? [...s.handles] : reads === false ? [] : reads;
    }),
  );
  const filter = { types };

  let stopAt = await store.headPosition();
  const report = (checkpoint: string | null, events: number, completed: boolean): BuildOutcome => ({
    completed,
    events,
    seconds: (performance.now() - started) / 1000,
    applied: applied(),
    parked: parked.count,
    checkpoint,
  });
  if (stopAt === null || (from !== null && store.comparePositions(from, stopAt) >= 0)) {
    return report(from, 0, true);
  }
  const total = store.adapter.countEvents ? await store.adapter.countEvents({ from, filter }) : null;

  const reading = new AbortController();
  const stopReading = () => reading.abort();
  options.signal?.addEventListener('abort', stopReading, { once: true });
  const iterator = store.adapter.subscribeAll({ from, filter, batchSize, signal: reading.signal })[Symbol.asyncIterator]();
  const decode = async (raw: readonly StoredEvent[]): Promise<RecordedEvent[]> => {
    const open: StoredEvent[] = [];
    const sealed: StoredEvent[] = [];
    for (const event of raw) (personal.has(event.type) ? open : sealed).push(event);
    if (!sealed.length) return store.codec.decode(open);
    if (!open.length) return store.codec.decode(sealed, { withhold: true });
    const [opened, withheld] = await Promise.all([store.codec.decode(open), store.codec.decode(sealed, { withhold: true })]);
    const byId = new Map<string, RecordedEvent>();
    for (const event of opened) byId.set(event.id, event);
    for (const event of withheld) byId.set(event.id, event);
    return raw.map((event) => byId.get(event.id) as RecordedEvent);
  };
  const fetch = async (): Promise<Page | null> => {
    const next = await iterator.next();
    if (next.done) return null;
    const events = await decode(next.value.events);
    return { events, keys: events.map((e) => store.orderKey(e.position)), orderKeys: new Map(), checkpoint: next.value.checkpoint };
  };

  let events = 0;
  let checkpoint = from;
  let chases = 0;
  let pages = 0;
  let completed = false;
  let upcoming: Promise<Page | null> = fetch();
  try {
    for (;;) {
      const page = await upcoming;
      if (!page) break;
      const reachedStop = store.comparePositions(page.checkpoint, stopAt) >= 0;
      // Read ahead while this page is written, unless this may be the last one.
      upcoming = reachedStop ? Promise.resolve(null) : fetch();
      for (const state of states) if (!(await state.session.alive())) throw new Error(`lost the lock on ${state.target.schema}: another process may take it over`);
      await Promise.all(states.map((state) => applyPage(options, state, page, parked)));
      pages++;
      if (pages % PERSIST_EVERY_PAGES === 0) await Promise.all(states.map((state) => persistUnsaved(db, state)));
      events += page.events.length;
      checkpoint = page.checkpoint;
      options.onProgress?.({ events, total, checkpoint, elapsedMs: performance.now() - started });
      if (options.signal?.aborted) break;
      if (reachedStop) {
        // Appends made while building: chase them a few times, then stop (a live runner
        // takes it from this checkpoint).
        const head = await store.headPosition();
        if (head && store.comparePositions(head, page.checkpoint) > 0 && chases < 3) {
          chases++;
          stopAt = head;
          upcoming = fetch();
          continue;
        }
        completed = true;
        break;
      }
    }
  } catch (error) {
    logger.error('projection build failed; its checkpoints are consistent: run it again to resume', { error: errorMessage(error) });
    throw error;
  } finally {
    reading.abort();
    options.signal?.removeEventListener('abort', stopReading);
    await upcoming.catch(() => null);
    await iterator.return?.(undefined).catch(() => undefined);
  }
  await Promise.all(states.map((state) => persistUnsaved(db, state)));
  return report(checkpoint, events, completed);
}

function contextFor<DB>(store: EventStore, schema: string, trx: Kysely<DB>, logger: ProjectionLogger, name: string, keyOf: Map<string, string>): ProjectionContext<DB> {
  return {
    db: trx.withSchema(schema) as ProjectionContext<DB>['db'],
    schema,
    orderKey: (event) => {
      let key = keyOf.get(event.position);
      if (key === undefined) {
        key = store.orderKey(event.position).toString();
        keyOf.set(event.position, key);
      }
      return key;
    },
    warn: (text, details) => logger.warn(text, { projection: name, ...details }),
  };
}

/** Moves the checkpoint in the batch's transaction, fenced on the value last stored. */
async function saveCheckpoint(db: Kysely<unknown>, state: { target: { schema: string }; persisted: string | null }, checkpoint: string, applied: number): Promise<void> {
  const result = await sql`
    update public.projection_checkpoints
    set position = ${checkpoint}, events_applied = events_applied + ${applied}, last_error = null, updated_at = now()
    where schema_name = ${state.target.schema} and position is not distinct from ${state.persisted} and state <> 'retired'`.execute(db);
  if (Number(result.numAffectedRows ?? 0n) !== 1) throw new Error(`the checkpoint of ${state.target.schema} was moved or retired by another process: stopping`);
}

async function persistUnsaved(db: Kysely<unknown>, state: { target: { schema: string }; persisted: string | null; unsaved: string | null }): Promise<void> {
  if (!state.unsaved) return;
  await saveCheckpoint(db, state, state.unsaved, 0);
  state.persisted = state.unsaved;
  state.unsaved = null;
}

async function applyPage<DB>(options: BuildOptions<DB>, state: TargetState<DB>, page: Page, parked: { count: number }): Promise<void> {
  const { target } = state;
  const until = target.until?.getTime();
  const events: RecordedEvent[] = [];
  for (let i = 0; i < page.events.length; i++) {
    const event = page.events[i] as RecordedEvent;
    if (!state.handles.has(event.type)) continue;
    if (state.key !== null && (page.keys[i] as bigint) <= state.key) continue;
    if (until !== undefined && Date.parse(event.metadata.occurredAt) > until) continue;
    events.push(event);
  }
  if (!events.length) {
    state.unsaved = page.checkpoint;
    return;
  }
  const keyOf = page.orderKeys;
  const write = (batch: readonly RecordedEvent[], checkpoint: string) =>
    options.db.transaction().execute(async (trx) => {
      await target.projection.apply(contextFor(options.store, target.schema, trx, options.logger, target.projection.name, keyOf), batch);
      await saveCheckpoint(trx as unknown as Kysely<unknown>, state, checkpoint, batch.length);
    });
  for (let attempt = 1; ; attempt++) {
    try {
      await write(events, page.checkpoint);
      break;
    } catch (error) {
      if (attempt < 4) {
        options.logger.warn('projection build batch failed; retrying', { projection: target.projection.name, attempt, error: errorMessage(error) });
        await sleep(100 * 2 ** attempt);
        continue;
      }
      await applyOneByOne(options, state, events, page.checkpoint, write, parked);
      return;
    }
  }
  state.persisted = page.checkpoint;
  state.unsaved = null;
  state.key = page.keys[page.keys.length - 1] ?? state.key;
  state.applied += events.length;
}

/** Finds the event that keeps failing, parks it (loudly), applies the rest: as the live runner does. */
async function applyOneByOne<DB>(
  options: BuildOptions<DB>,
  state: TargetState<DB>,
  events: readonly RecordedEvent[],
  checkpoint: string,
  write: (batch: readonly RecordedEvent[], checkpoint: string) => Promise<void>,
  parked: { count: number },
): Promise<void> {
  const db = options.db as unknown as Kysely<unknown>;
  const { schema, projection } = state.target;
  for (const event of events) {
    let lastError: unknown = null;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await write([event], event.position);
        lastError = null;
        break;
      } catch (error) {
        lastError = error;
        await sleep(100 * attempt);
      }
    }
    if (lastError) {
      await db.transaction().execute(async (trx) => {
        await sql`
          insert into public.parked_events (schema_name, event_id, position, event_type, error)
          values (${schema}, ${event.id}, ${event.position}, ${event.type}, ${errorMessage(lastError)})
          on conflict do nothing`.execute(trx);
        await saveCheckpoint(trx, state, event.position, 0);
      });
      parked.count++;
      options.logger.error('PROJECTION EVENT PARKED: it failed repeatedly and was set aside; the read model misses it until it is replayed', {
        projection: projection.name,
        schema,
        eventId: event.id,
        eventType: event.type,
        position: event.position,
        error: errorMessage(lastError),
      });
    } else {
      state.applied++;
    }
    state.persisted = event.position;
    state.key = options.store.orderKey(event.position);
  }
  state.unsaved = checkpoint;
}
