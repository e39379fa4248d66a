import { EventType } from '@app/events';
import { EventStore, RecordedEvent } from '@app/event-store';
import { ProgressBus } from '@app/messaging';
import { Kysely, sql } from 'kysely';
import { LockConnection, LockSession } from './lock-connection';
import { Pool } from 'pg';
import { ProjectionLogger } from './projection';
import { checkpointOf } from './projection-schemas';

export type RunnerStatus = {
  projection: string;
  schema: string;
  checkpoint: string | null;
  eventsApplied: number;
  caughtUp: boolean;
  holdsLock: boolean;
  parked: number;
  lastError: string | null;
};

/** What every checkpointed consumer of the log shares: projections and reactors. */
export type CheckpointedRunnerOptions = {
  store: EventStore;
  db: Kysely<unknown>;
  /** Key of its row in projection_checkpoints (and of its advisory lock). */
  schema: string;
  /**
   * Where to run now, asked before each turn holding the lock: a live projection follows its
   * serving schema when a rebuild replaces it or a reset starts it again. Null: nothing of
   * this version serves; stand by. Without it the runner stays on `schema`.
   */
  resolveSchema?: () => Promise<string | null>;
  /** How often a runner with `resolveSchema` checks that its schema was not retired (ms). */
  schemaCheckMs?: number;
  logger: ProjectionLogger;
  /** Live runners announce each checkpoint (read-your-writes, GraphQL notices). */
  progress?: ProgressBus;
  batchSize?: number;
  /** Replays "as of" a moment apply only events that occurred up to then. */
  until?: Date;
  /** Stop once the log's head (as seen at start) is reached: rebuilds and replays. */
  stopWhenCaughtUp?: boolean;
  /** Called once per schema, the first time the runner reaches the head of the log there. */
  onCaughtUp?: (schema: string) => Promise<void>;
  /** Called after each committed batch with the number of events applied. */
  onBatch?: (applied: number, checkpoint: string) => void;
  /** How long a standby waits before trying to take over. */
  standbyMs?: number;
  /**
   * Where the advisory lock is held. Each runner keeps one connection for as long as it runs;
   * a pool of their own keeps them from starving the pool that batches (and requests) use.
   */
  lockPool?: Pool;
  /** One connection for the locks of every consumer of the process (preferred over lockPool). */
  locks?: LockConnection;
};

/** Another instance moved the checkpoint: this one no longer owns the consumer and steps down. */
export class CheckpointMoved extends Error {
  constructor(schema: string) {
    super(`the checkpoint of ${schema} was moved by another instance`);
    this.name = 'CheckpointMoved';
  }
}

const LOCK_PROBE_INTERVAL_MS = 5000;

/**
 * The runner's schema is no longer a place to write: a rebuild switched another one in (the
 * row is retired or dropped) or a reset dropped it. The runner steps down and resolves again.
 */
export class SchemaRetired extends Error {
  constructor(schema: string) {
    super(`${schema} was retired or dropped`);
    this.name = 'SchemaRetired';
  }
}

/** The connection holding the advisory lock is gone: the lock may be another instance's now. */
export class LockLost extends Error {
  constructor(kind: string) {
    super(`lost the connection holding the ${kind} lock`);
    this.name = 'LockLost';
  }
}

/** "No longer the owner": never retried, never parked; the runner steps down at once. */
const ownershipLost = (error: unknown) => error instanceof CheckpointMoved || error instanceof LockLost || error instanceof SchemaRetired;

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Consumes the log from a stored checkpoint: takes an advisory lock (one active instance; the
 * others wait as standbys), subscribes from the checkpoint, hands each batch to `commit` (which
 * does the work and moves the checkpoint), retries a failing batch with backoff, and
 * resubscribes from the stored checkpoint when the subscription drops. What a batch does, and
 * whether an event that keeps failing is parked or retried for ever, is the subclass's call.
 */
export abstract class CheckpointedRunner {
  protected checkpoint: string | null = null;
  private eventsApplied = 0;
  private caughtUp = false;
  private holdsLock = false;
  private parked = 0;
  protected lastError: string | null = null;
  private lastPersistedAt = 0;
  private unpersisted: string | null = null;
  /** The checkpoint as this instance last committed it: every checkpoint write is fenced on it. */
  private persisted: string | null = null;
  /** The schema (checkpoint row, lock) it works on now. */
  private schema: string;
  private standingBy = false;

  protected constructor(
    private readonly core: CheckpointedRunnerOptions,
    /** Name in logs and notices, and the event types it consumes. */
    private readonly consumer: { kind: 'projection' | 'reactor'; name: string; handles: readonly EventType[] },
  ) {
    this.schema = core.schema;
  }

  /** The schema this runner writes to now. */
  protected get currentSchema(): string {
    return this.schema;
  }

  /**
   * Does the work of `events` and saves `checkpoint` (with `saveCheckpoint`): in the same
   * transaction for a projection, after the commands for a reactor.
   */
  protected abstract commit(events: readonly RecordedEvent[], checkpoint: string): Promise<void>;

  /** An event that failed on its own: park it and go on (true), or retry it later (false). */
  protected abstract readonly parksFailingEvents: boolean;

  status(): RunnerStatus {
    return {
      projection: this.consumer.name,
      schema: this.schema,
      checkpoint: this.checkpoint,
      eventsApplied: this.eventsApplied,
      caughtUp: this.caughtUp,
      holdsLock: this.holdsLock,
      parked: this.parked,
      lastError: this.lastError,
    };
  }

  protected get db(): Kysely<unknown> {
    return this.core.db;
  }

  /** Runs until `signal` aborts (or, for rebuilds and replays, until caught up). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let finished = false;
      let retired = false;
      if (!(await this.resolve())) {
        await sleep(this.core.standbyMs ?? 2000, signal);
        continue;
      }
      const held = await this.withLockSession(async (session) => {
        if (!(await session.tryLock())) return false;
        this.holdsLock = true;
        try {
          finished = await this.runHoldingLock(signal, session);
        } finally {
          this.holdsLock = false;
          await session.unlock().catch(() => undefined);
        }
        return true;
      }).catch((error: unknown) => {
        if (error instanceof SchemaRetired) {
          retired = true;
          this.core.logger.info(`${this.consumer.kind} schema was replaced; moving to the one that serves now`, { projection: this.consumer.name, schema: this.schema });
          return true;
        }
        this.lastError = errorMessage(error);
        this.core.logger.warn(`${this.consumer.kind} runner lost its lock or its database connection; stepping down and retrying`, {
          projection: this.consumer.name,
          error: errorMessage(error),
        });
        return false;
      });
      if (finished) return;
      if (retired) await sleep(50, signal);
      else if (!held) await sleep(this.core.standbyMs ?? 2000, signal);
    }
  }

  /** Picks the schema to run on (see `resolveSchema`); false: none, stand by. */
  private async resolve(): Promise<boolean> {
    if (!this.core.resolveSchema) return true;
    let next: string | null;
    try {
      next = await this.core.resolveSchema();
    } catch (error) {
      this.lastError = errorMessage(error);
      return false;
    }
    if (!next) {
      if (!this.standingBy) {
        this.core.logger.warn(`no schema of this ${this.consumer.kind} version serves: standing by (a newer version may be live; this process runs an older build)`, {
          projection: this.consumer.name,
        });
      }
      this.standingBy = true;
      return false;
    }
    this.standingBy = false;
    if (next !== this.schema) {
      this.schema = next;
      this.caughtUp = false;
    }
    return true;
  }

  /** Throws SchemaRetired when the current schema's row is gone or retired. */
  private async assertNotRetired(): Promise<void> {
    const { rows } = await sql<{ state: string }>`select state from public.projection_checkpoints where schema_name = ${this.schema}`.execute(this.db);
    const state = rows[0]?.state;
    if (state === undefined || state === 'retired') throw new SchemaRetired(this.schema);
  }

  /**
   * Holds one connection for the advisory lock while `work` runs: a client of `lockPool` when
   * given (so long-lived locks never take the connections batches need), else one of `db`.
   */
  private async withLockSession<T>(work: (session: LockSession) => Promise<T>): Promise<T> {
    const key = `projection:${this.schema}`;
    if (this.core.locks) return work(this.core.locks.session(key));
    const lockPool = this.core.lockPool;
    if (lockPool) {
      const client = await lockPool.connect();
      let broken: Error | undefined;
      let probedAt = Number.NEGATIVE_INFINITY;
      const lost = new Set<() => void>();
      const fail = (error: unknown) => {
        broken ??= error instanceof Error ? error : new Error(String(error));
        for (const listener of lost) listener();
      };
      // A checked-out pg client has no error listener: when its connection dies (server restart,
      // failover, terminated backend) it emits an unhandled 'error' that ends the process.
      client.on('error', fail);
      const query = async (text: string) => {
        try {
          return await client.query<{ ok: boolean }>(text, [key]);
        } catch (error) {
          fail(error);
          throw error;
        }
      };
      try {
        return await work({
          tryLock: async () => (await query('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok')).rows[0]?.ok === true,
          // A dead connection is reported by its 'error' event; a round trip every batch only
          // adds load (it was a fifth of all queries under steady writes), so the connection is
          // probed at most every few seconds. The checkpoint guard keeps a lost lock harmless.
          alive: async () => {
            if (broken) return false;
            if (performance.now() - probedAt < LOCK_PROBE_INTERVAL_MS) return true;
            const ok = await query('select $1::text is not null as ok').then(() => true, () => false);
            probedAt = performance.now();
            return ok;
          },
          unlock: async () => void (broken ? undefined : await query('select pg_advisory_unlock(hashtextextended($1, 0)) as ok')),
          onLost: (listener) => {
            lost.add(listener);
            return () => lost.delete(listener);
          },
        });
      } finally {
        lost.clear();
        client.release(broken);
        client.off('error', fail);
      }
    }
    return this.db.connection().execute((connection) =>
      work({
        tryLock: async () => (await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`.execute(connection)).rows[0]?.locked === true,
        alive: () => sql`select 1`.execute(connection).then(() => true, () => false),
        unlock: async () => void (await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection)),
        // A Kysely connection cannot tell: `alive` finds out before each batch.
        onLost: () => () => undefined,
      }),
    );
  }

  private async runHoldingLock(signal: AbortSignal, lock: LockSession): Promise<boolean> {
    const { store, logger } = this.core;
    const schema = this.schema;
    const row = await checkpointOf(this.db, schema);
    if (!row || row.state === 'retired') {
      if (this.core.resolveSchema) throw new SchemaRetired(schema);
      throw new Error(`${this.consumer.kind} schema ${schema} has no checkpoint row`);
    }
    this.checkpoint = row.position;
    this.persisted = row.position;
    this.unpersisted = null;
    this.eventsApplied = Number(row.eventsApplied);
    const head = await store.headPosition();
    const reachedHead = () => head === null || (this.checkpoint !== null && store.comparePositions(this.checkpoint, head) >= 0);
    let failures = 0;

    while (!signal.aborted) {
      // A lost lock connection means another instance may take over: stop at once.
      if (!(await lock.alive())) throw new LockLost(this.consumer.kind);
      if (reachedHead()) {
        const done = await this.markCaughtUp();
        if (done) return true;
      }
      const subscription = new AbortController();
      const stop = () => subscription.abort();
      signal.addEventListener('abort', stop, { once: true });
      const stopListening = lock.onLost(stop);
      // A live runner looks at its row now and then: a rebuild or a reset may have replaced
      // its schema while no event came (a batch would find out too, by its fenced checkpoint).
      let retiredSeen = false;
      const watch = this.core.resolveSchema
        ? setInterval(() => {
            this.assertNotRetired().catch((error: unknown) => {
              if (error instanceof SchemaRetired) {
                retiredSeen = true;
                subscription.abort();
              }
            });
          }, this.core.schemaCheckMs ?? 2000)
        : null;
      try {
        for await (const batch of store.subscribeAll({
          from: this.checkpoint,
          filter: { types: this.consumer.handles },
          batchSize: this.core.batchSize ?? 500,
          signal: subscription.signal,
        })) {
          if (!(await lock.alive())) throw new LockLost(this.consumer.kind);
          await this.applyBatch(batch.events, batch.checkpoint);
          failures = 0;
          if (reachedHead() && (await this.markCaughtUp())) return true;
        }
      } catch (error) {
        if (ownershipLost(error)) throw error;
        if (signal.aborted) break;
        if (retiredSeen) throw new SchemaRetired(schema);
        failures++;
        this.lastError = errorMessage(error);
        const backoff = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
        logger.warn(`${this.consumer.kind} subscription failed; resubscribing from the stored checkpoint`, { projection: this.consumer.name, error: errorMessage(error), backoffMs: backoff });
        await sleep(backoff, signal);
      } finally {
        if (watch) clearInterval(watch);
        stopListening();
        signal.removeEventListener('abort', stop);
      }
      if (retiredSeen) throw new SchemaRetired(schema);
    }
    await this.flushCheckpoint();
    return false;
  }

  /** Returns true when the runner should stop now that it is caught up. */
  private async markCaughtUp(): Promise<boolean> {
    if (!this.caughtUp) {
      this.caughtUp = true;
      await this.flushCheckpoint();
      await this.core.onCaughtUp?.(this.schema);
    }
    return this.core.stopWhenCaughtUp === true;
  }

  /**
   * Moves the checkpoint, fenced on the value this instance last committed: if another instance
   * moved it meanwhile (this one lost its lock and has not noticed yet), nothing matches, and the
   * transaction of the batch rolls back instead of applying the batch a second time.
   */
  protected async saveCheckpoint(db: Kysely<unknown>, checkpoint: string, applied: number): Promise<void> {
    // Fenced on the state too: once a rebuild retired this schema, nothing more is written to it.
    const result = await sql<{ state: string }>`
      update public.projection_checkpoints
      set position = ${checkpoint}, events_applied = events_applied + ${applied}, last_error = null, updated_at = now()
      where schema_name = ${this.schema} and position is not distinct from ${this.persisted} and state <> 'retired'`.execute(db);
    if (Number(result.numAffectedRows ?? 0n) === 1) return;
    const { rows } = await sql<{ state: string }>`select state from public.projection_checkpoints where schema_name = ${this.schema}`.execute(this.db);
    if (rows[0] === undefined || rows[0].state === 'retired') throw new SchemaRetired(this.schema);
    throw new CheckpointMoved(this.schema);
  }

  private async flushCheckpoint(): Promise<void> {
    if (!this.unpersisted) return;
    const checkpoint = this.unpersisted;
    await this.saveCheckpoint(this.db, checkpoint, 0);
    this.unpersisted = null;
    this.persisted = checkpoint;
  }

  private announce(checkpoint: string, applied: number): void {
    this.checkpoint = checkpoint;
    this.eventsApplied += applied;
    this.core.onBatch?.(applied, checkpoint);
    this.core.progress?.publish({ projection: this.consumer.name, checkpoint });
  }

  private relevant(events: readonly RecordedEvent[]): readonly RecordedEvent[] {
    const until = this.core.until;
    if (!until) return events;
    return events.filter((e) => Date.parse(e.metadata.occurredAt) <= until.getTime());
  }

  private async applyBatch(batch: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    const events = this.relevant(batch);
    if (events.length === 0) {
      // A stretch the filter skipped: announce at once, persist now and then.
      this.unpersisted = checkpoint;
      if (Date.now() - this.lastPersistedAt > 1000) {
        this.lastPersistedAt = Date.now();
        await this.flushCheckpoint();
      }
      this.announce(checkpoint, 0);
      return;
    }
    const { logger } = this.core;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commit(events, checkpoint);
        this.unpersisted = null;
        this.persisted = checkpoint;
        this.announce(checkpoint, events.length);
        return;
      } catch (error) {
        if (ownershipLost(error)) throw error;
        // A batch that failed because its tables were dropped under it is not a bad event.
        if (this.core.resolveSchema) await this.assertNotRetired();
        this.lastError = errorMessage(error);
        if (attempt < 4) {
          logger.warn(`${this.consumer.kind} batch failed; retrying`, { projection: this.consumer.name, attempt, error: errorMessage(error) });
          await sleep(100 * 2 ** attempt);
          continue;
        }
        // A reactor's command must not be skipped: it throws, and the batch comes back after a backoff.
        if (!this.parksFailingEvents) throw error;
        await this.applyOneByOne(events, checkpoint);
        return;
      }
    }
  }

  /** Finds the event that keeps failing, parks it, applies the rest. */
  private async applyOneByOne(events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    const { logger } = this.core;
    const schema = this.schema;
    for (const event of events) {
      let lastError: unknown = null;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await this.commit([event], event.position);
          this.persisted = event.position;
          lastError = null;
          break;
        } catch (error) {
          if (ownershipLost(error)) throw error;
          lastError = error;
          await sleep(100 * attempt);
        }
      }
      if (lastError) {
        // If even this write fails, the database is the problem: throw and resubscribe later.
        await this.db.transaction().execute(async (trx) => {
          await sql`
            insert into public.parked_events (schema_name, event_id, position, event_type, error)
            values (${schema}, ${event.id}, ${event.position}, ${event.type}, ${errorMessage(lastError)})
            on conflict do nothing`.execute(trx);
          await this.saveCheckpoint(trx, event.position, 0);
        });
        this.persisted = event.position;
        this.parked++;
        logger.error(`${this.consumer.kind.toUpperCase()} EVENT PARKED: it failed repeatedly and was set aside; the read model misses it until it is replayed`, {
          projection: this.consumer.name,
          schema,
          eventId: event.id,
          eventType: event.type,
          position: event.position,
          error: errorMessage(lastError),
        });
      }
    }
    await this.saveCheckpoint(this.db, checkpoint, 0);
    this.persisted = checkpoint;
    this.announce(checkpoint, events.length);
  }
}
