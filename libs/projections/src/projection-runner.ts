import { EventStore, RecordedEvent } from '@app/event-store';
import { ProgressBus } from '@app/messaging';
import { Kysely, sql } from 'kysely';
import { Projection, ProjectionContext, ProjectionLogger } from './projection';
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

export type ProjectionRunnerOptions<DB> = {
  projection: Projection<DB>;
  store: EventStore;
  db: Kysely<DB>;
  schema: string;
  logger: ProjectionLogger;
  /** Live runners announce each checkpoint (read-your-writes, GraphQL notices). */
  progress?: ProgressBus;
  batchSize?: number;
  /** Replays "as of" a moment apply only events that occurred up to then. */
  until?: Date;
  /** Stop once the log's head (as seen at start) is reached: rebuilds and replays. */
  stopWhenCaughtUp?: boolean;
  /** Called once, the first time the runner reaches the head of the log. */
  onCaughtUp?: () => Promise<void>;
  /** Called after each committed batch with the number of events applied. */
  onBatch?: (applied: number, checkpoint: string) => void;
  /** How long a standby waits before trying to take over the projection. */
  standbyMs?: number;
};

const sleep = (ms: number, signal?: AbortSignal) =>
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

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs one projection version: takes its advisory lock (one active instance; the others wait
 * as standbys), subscribes from the stored checkpoint, applies each batch and moves the
 * checkpoint in the same transaction. A failing batch is retried with backoff; an event that
 * keeps failing on its own is parked (recorded, logged loudly) so the rest can go on. When
 * the subscription drops, it resubscribes from the stored checkpoint.
 */
export class ProjectionRunner<DB> {
  private checkpoint: string | null = null;
  private eventsApplied = 0;
  private caughtUp = false;
  private holdsLock = false;
  private parked = 0;
  private lastError: string | null = null;
  private lastPersistedAt = 0;
  private unpersisted: string | null = null;

  constructor(private readonly options: ProjectionRunnerOptions<DB>) {}

  status(): RunnerStatus {
    const { projection, schema } = this.options;
    return {
      projection: projection.name,
      schema,
      checkpoint: this.checkpoint,
      eventsApplied: this.eventsApplied,
      caughtUp: this.caughtUp,
      holdsLock: this.holdsLock,
      parked: this.parked,
      lastError: this.lastError,
    };
  }

  private get db(): Kysely<unknown> {
    return this.options.db as unknown as Kysely<unknown>;
  }

  /** Runs until `signal` aborts (or, for rebuilds and replays, until caught up). */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let finished = false;
      const held = await this.db.connection().execute(async (connection) => {
        const key = `projection:${this.options.schema}`;
        const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`.execute(connection);
        if (!rows[0]?.locked) return false;
        this.holdsLock = true;
        try {
          finished = await this.runHoldingLock(signal, connection);
        } finally {
          this.holdsLock = false;
          await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection).catch(() => undefined);
        }
        return true;
      }).catch((error: unknown) => {
        this.lastError = message(error);
        this.options.logger.warn('projection runner lost its database connection; retrying', { projection: this.options.projection.name, error: message(error) });
        return false;
      });
      if (finished) return;
      if (!held) await sleep(this.options.standbyMs ?? 2000, signal);
    }
  }

  private async runHoldingLock(signal: AbortSignal, lockConnection: Kysely<unknown>): Promise<boolean> {
    const { projection, store, schema, logger } = this.options;
    const row = await checkpointOf(this.db, schema);
    if (!row) throw new Error(`projection schema ${schema} has no checkpoint row`);
    this.checkpoint = row.position;
    this.eventsApplied = Number(row.eventsApplied);
    const head = await store.headPosition();
    const reachedHead = () => head === null || (this.checkpoint !== null && store.comparePositions(this.checkpoint, head) >= 0);
    let failures = 0;

    while (!signal.aborted) {
      // A lost lock connection means another instance may take over: stop at once.
      const lockAlive = await sql`select 1`.execute(lockConnection).then(
        () => true,
        () => false,
      );
      if (!lockAlive) throw new Error('lost the connection holding the projection lock');
      if (reachedHead()) {
        const done = await this.markCaughtUp();
        if (done) return true;
      }
      const subscription = new AbortController();
      const stop = () => subscription.abort();
      signal.addEventListener('abort', stop, { once: true });
      try {
        for await (const batch of store.subscribeAll({
          from: this.checkpoint,
          filter: { types: projection.handles },
          batchSize: this.options.batchSize ?? 500,
          signal: subscription.signal,
        })) {
          await this.applyBatch(batch.events, batch.checkpoint);
          failures = 0;
          if (reachedHead() && (await this.markCaughtUp())) return true;
        }
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        this.lastError = message(error);
        const backoff = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
        logger.warn('projection subscription failed; resubscribing from the stored checkpoint', { projection: projection.name, error: message(error), backoffMs: backoff });
        await sleep(backoff, signal);
      } finally {
        signal.removeEventListener('abort', stop);
      }
    }
    await this.flushCheckpoint();
    return false;
  }

  /** Returns true when the runner should stop now that it is caught up. */
  private async markCaughtUp(): Promise<boolean> {
    if (!this.caughtUp) {
      this.caughtUp = true;
      await this.flushCheckpoint();
      await this.options.onCaughtUp?.();
    }
    return this.options.stopWhenCaughtUp === true;
  }

  private context(trx: Kysely<DB>): ProjectionContext<DB> {
    const { store, schema, logger, projection } = this.options;
    return {
      db: trx.withSchema(schema) as ProjectionContext<DB>['db'],
      schema,
      orderKey: (event: RecordedEvent) => store.orderKey(event.position).toString(),
      warn: (text, details) => logger.warn(text, { projection: projection.name, ...details }),
    };
  }

  private async saveCheckpoint(trx: Kysely<unknown>, checkpoint: string, applied: number): Promise<void> {
    await sql`
      update public.projection_checkpoints
      set position = ${checkpoint}, events_applied = events_applied + ${applied}, last_error = null, updated_at = now()
      where schema_name = ${this.options.schema}`.execute(trx);
  }

  private async flushCheckpoint(): Promise<void> {
    if (!this.unpersisted) return;
    const checkpoint = this.unpersisted;
    this.unpersisted = null;
    await this.saveCheckpoint(this.db, checkpoint, 0);
  }

  private announce(checkpoint: string, applied: number): void {
    this.checkpoint = checkpoint;
    this.eventsApplied += applied;
    this.options.onBatch?.(applied, checkpoint);
    this.options.progress?.publish({ projection: this.options.projection.name, checkpoint });
  }

  private relevant(events: readonly RecordedEvent[]): readonly RecordedEvent[] {
    const until = this.options.until;
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
    const { projection, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.db.transaction().execute(async (trx) => {
          await projection.apply(this.context(trx), events);
          await this.saveCheckpoint(trx as unknown as Kysely<unknown>, checkpoint, events.length);
        });
        this.unpersisted = null;
        this.announce(checkpoint, events.length);
        return;
      } catch (error) {
        this.lastError = message(error);
        if (attempt < 4) {
          logger.warn('projection batch failed; retrying', { projection: projection.name, attempt, error: message(error) });
          await sleep(100 * 2 ** attempt);
          continue;
        }
        await this.applyOneByOne(events, checkpoint);
        return;
      }
    }
  }

  /** Finds the event that keeps failing, parks it, applies the rest. */
  private async applyOneByOne(events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    const { projection, logger, schema } = this.options;
    for (const event of events) {
      let lastError: unknown = null;
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          await this.options.db.transaction().execute(async (trx) => {
            await projection.apply(this.context(trx), [event]);
            await this.saveCheckpoint(trx as unknown as Kysely<unknown>, event.position, 1);
          });
          lastError = null;
          break;
        } catch (error) {
          lastError = error;
          await sleep(100 * attempt);
        }
      }
      if (lastError) {
        // If even this write fails, the database is the problem: throw and resubscribe later.
        await this.db.transaction().execute(async (trx) => {
          await sql`
            insert into public.parked_events (schema_name, event_id, position, event_type, error)
            values (${schema}, ${event.id}, ${event.position}, ${event.type}, ${message(lastError)})
            on conflict do nothing`.execute(trx);
          await this.saveCheckpoint(trx, event.position, 0);
        });
        this.parked++;
        logger.error('PROJECTION EVENT PARKED: it failed repeatedly and was set aside; the read model misses it until it is replayed', {
          projection: projection.name,
          schema,
          eventId: event.id,
          eventType: event.type,
          position: event.position,
          error: message(lastError),
        });
      }
    }
    await this.saveCheckpoint(this.db, checkpoint, 0);
    this.announce(checkpoint, events.length);
  }
}
