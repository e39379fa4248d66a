import { EventStore } from '@app/event-store';
import { ProgressBus } from '@app/messaging';
import { Kysely } from 'kysely';
import { setMaxListeners } from 'node:events';
import { Pool } from 'pg';
import { LockConnection } from './lock-connection';
import { Projection, ProjectionLogger } from './projection';
import { ProjectionRunner, RunnerStatus } from './projection-runner';
import {
  ProjectionTables,
  checkpointOf,
  checkpointsOf,
  createProjectionSchema,
  dropProjectionSchema,
  recordProjectionDefinitions,
  schemaFor,
  servingSchemaOf,
  switchToSchema,
} from './projection-schemas';

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
  /** How often each runner checks that its schema was not replaced by a rebuild or a reset (ms). */
  schemaCheckMs?: number;
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

  constructor(private readonly options: ProjectionHostOptions<DB>) {
    // Every runner listens for the host's stop: one listener per projection, by design.
    setMaxListeners(0, this.controller.signal);
  }

  private get db(): Kysely<unknown> {
    return this.options.db as unknown as Kysely<unknown>;
  }

  /** Creates missing schemas and views; safe to call from every process at start. */
  async prepare(): Promise<void> {
    for (const projection of this.options.projections) await prepareProjection(this.db, projection);
    await recordProjectionDefinitions(this.db, this.options.projections);
  }

  async start(): Promise<void> {
    await this.prepare();
    const { store, db, logger, progress, batchSize, lockPool, locks, standbyMs, schemaCheckMs } = this.options;
    for (const projection of this.options.projections) {
      // Each runner follows the schema that serves its version: after a rebuild (CLI) switches
      // a new one in, or a reset starts it again, the runner moves there on its own.
      const runner: ProjectionRunner<DB> = new ProjectionRunner({
        projection,
        store,
        db,
        schema: (await servingSchemaOf(this.db, projection)) ?? schemaFor(projection),
        resolveSchema: () => servingSchemaOf(this.db, projection),
        schemaCheckMs,
        logger,
        progress,
        batchSize,
        lockPool,
        locks,
        standbyMs,
        onBatch: (applied, checkpoint) => this.options.onBatch?.(projection.name, applied, checkpoint),
        // A version built in the background is switched in once it has caught up.
        onCaughtUp: async (schema) => {
          const row = await checkpointOf(this.db, schema);
          if (row?.state !== 'building' || row.purpose !== 'live') return;
          const previous = await switchToSchema(this.db, projection, schema);
          if (previous) await dropProjectionSchema(this.db, previous);
          logger.info('projection version switched in', { projection: projection.name, schema, replaced: previous });
        },
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

/**
 * Ensures the projection's current version has a schema, and views if nothing serves yet. A
 * version already served (by its base schema or a rebuild of it), or being built by a host,
 * is left alone.
 */
export async function prepareProjection(db: Kysely<unknown>, projection: ProjectionTables): Promise<void> {
  const schema = schemaFor(projection);
  const rows = await checkpointsOf(db, projection.name);
  const mine = rows.filter((r) => r.version === projection.version);
  if (mine.some((r) => r.state === 'live' || (r.state === 'building' && r.purpose === 'live'))) return;
  // A leftover under the base name (retired by a rebuild that could not drop it) is cleared.
  if (mine.some((r) => r.schemaName === schema)) await dropProjectionSchema(db, schema);
  const live = rows.find((r) => r.state === 'live');
  if (live) {
    await createProjectionSchema(db, projection, schema, { purpose: 'live', state: 'building' });
  } else {
    await createProjectionSchema(db, projection, schema, { purpose: 'live', state: 'live' });
    await switchToSchema(db, projection, schema);
  }
}
