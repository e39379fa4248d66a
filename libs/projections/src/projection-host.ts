import { EventStore } from '@app/event-store';
import { ProgressBus } from '@app/messaging';
import { Kysely } from 'kysely';
import { Pool } from 'pg';
import { LockConnection } from './lock-connection';
import { Projection, ProjectionLogger } from './projection';
import { ProjectionRunner, RunnerStatus } from './projection-runner';
import { ProjectionTables, checkpointsOf, createProjectionSchema, dropProjectionSchema, schemaFor, switchToSchema } from './projection-schemas';

export type ProjectionHostOptions<DB> = {
  projections: readonly Projection<DB>[];
  store: EventStore;
  db: Kysely<DB>;
  logger: ProjectionLogger;
  progress?: ProgressBus;
  batchSize?: number;
  onBatch?: (projection: string, applied: number, checkpoint: string) => void;
  /**
   * Where the runners hold their advisory locks (one connection each, for as long as they run).
   * Give it: a lock connection that dies is then noticed (the runner steps down) instead of
   * raising an unhandled pg 'error' that ends the process.
   */
  lockPool?: Pool;
  /** One connection for every runner's lock (preferred). */
  locks?: LockConnection;
  standbyMs?: number;
};

/**
 * Makes sure every projection has tables and views, then runs them all. A projection whose
 * current version has never been built is built in the background from the first event:
 * if an older version is live it keeps serving until the new one catches up and is switched
 * in (then the old tables are dropped); a brand-new projection serves as it fills.
 */
export class ProjectionHost<DB> {
  private readonly runners: ProjectionRunner<DB>[] = [];
  private readonly controller = new AbortController();
  private running: Promise<unknown> | null = null;

  constructor(private readonly options: ProjectionHostOptions<DB>) {}

  private get db(): Kysely<unknown> {
    return this.options.db as unknown as Kysely<unknown>;
  }

  /** Creates missing schemas and views; safe to call from every process at start. */
  async prepare(): Promise<void> {
    for (const projection of this.options.projections) await prepareProjection(this.db, projection);
  }

  async start(): Promise<void> {
    await this.prepare();
    const { store, db, logger, progress, batchSize, lockPool, locks, standbyMs } = this.options;
    for (const projection of this.options.projections) {
      const schema = schemaFor(projection);
      const row = (await checkpointsOf(this.db, projection.name)).find((r) => r.schemaName === schema);
      const building = row?.state === 'building';
      const runner: ProjectionRunner<DB> = new ProjectionRunner({
        projection,
        store,
        db,
        schema,
        logger,
        progress,
        batchSize,
        lockPool,
        locks,
        standbyMs,
        onBatch: (applied, checkpoint) => this.options.onBatch?.(projection.name, applied, checkpoint),
        onCaughtUp: building
          ? async () => {
              const previous = await switchToSchema(this.db, projection, schema);
              if (previous) await dropProjectionSchema(this.db, previous);
              logger.info('projection version switched in', { projection: projection.name, schema, replaced: previous });
            }
          : undefined,
      });
      this.runners.push(runner);
    }
    this.running = Promise.all(this.runners.map((r) => r.run(this.controller.signal)));
  }

  status(): RunnerStatus[] {
    return this.runners.map((r) => r.status());
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }
}

/** Ensures the projection's current version has a schema, and views if nothing serves yet. */
export async function prepareProjection(db: Kysely<unknown>, projection: ProjectionTables): Promise<void> {
  const schema = schemaFor(projection);
  const rows = await checkpointsOf(db, projection.name);
  if (rows.some((r) => r.schemaName === schema)) return;
  const live = rows.find((r) => r.state === 'live');
  if (live) {
    await createProjectionSchema(db, projection, schema, { purpose: 'live', state: 'building' });
  } else {
    await createProjectionSchema(db, projection, schema, { purpose: 'live', state: 'live' });
    await switchToSchema(db, projection, schema);
  }
}
