import { EventStore } from '@app/event-store';
import { Projection, ProjectionLogger, ProjectionRunner, prepareProjection, schemaFor } from '@app/projections';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';

/**
 * A read-side Kysely on a test database, configured like the platform's (CamelCasePlugin:
 * camelCase in TypeScript, snake_case in SQL). `destroy()` closes its own pool.
 */
export function readModelDb<DB>(url: string, max = 10): Kysely<DB> {
  const pool = new Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

export type LoggedLine = { level: 'info' | 'warn' | 'error'; message: string; details?: Record<string, unknown> };

/** A logger that keeps what it is told, for assertions on warnings and loud errors. */
export function recordingLogger(): ProjectionLogger & { lines: LoggedLine[]; warnings(): LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return {
    lines,
    info: (message, details) => void lines.push({ level: 'info', message, details }),
    warn: (message, details) => void lines.push({ level: 'warn', message, details }),
    error: (message, details) => void lines.push({ level: 'error', message, details }),
    warnings: () => lines.filter((l) => l.level === 'warn'),
  };
}

export type ProjectionTestBed = {
  readonly schema: string;
  readonly logger: ReturnType<typeof recordingLogger>;
  /** Runs the real runner from the stored checkpoint to the head of the log, then stops. */
  catchUp(options?: { batchSize?: number }): Promise<void>;
  /** Forgets the checkpoint: the next catchUp applies every event again, over the same rows. */
  rewind(): Promise<void>;
  /**
   * Applies the whole log, then all of it a second time over the same rows with other batch
   * boundaries: what a projection must survive unchanged.
   */
  applyTwice(options?: { first?: number; second?: number }): Promise<void>;
};

/**
 * Builds a projection's schema and views as the host does (`prepareProjection`) and applies
 * the log through a real `ProjectionRunner`: each batch in one transaction bound to the
 * version's schema, checkpoint in the same transaction.
 */
export async function projectionTestBed<DB>(options: { db: Kysely<DB>; store: EventStore; projection: Projection<DB> }): Promise<ProjectionTestBed> {
  const { store, projection } = options;
  const db = options.db as unknown as Kysely<unknown>;
  await prepareProjection(db, projection);
  const schema = schemaFor(projection);
  const logger = recordingLogger();
  const catchUp = async ({ batchSize }: { batchSize?: number } = {}) => {
    const runner = new ProjectionRunner<DB>({ projection, store, db: options.db, schema, logger, batchSize, stopWhenCaughtUp: true, standbyMs: 50 });
    await runner.run(new AbortController().signal);
  };
  const rewind = async () => {
    await sql`update projection_checkpoints set position = null where schema_name = ${schema}`.execute(db);
  };
  return {
    schema,
    logger,
    catchUp,
    rewind,
    async applyTwice({ first = 500, second = 3 } = {}) {
      await catchUp({ batchSize: first });
      await rewind();
      await catchUp({ batchSize: second });
    },
  };
}
