import { Kysely, Migration, Migrator, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import * as events from './2025-01-01T00-00-00-events';
import * as personalDataKeys from './2025-01-01T00-00-01-personal-data-keys';
import * as eventIds from './2025-01-04T00-00-00-event-ids';
import * as copyProgress from './2025-01-04T00-00-01-copy-progress';

/** Forward-only, in name order. A landed migration is never edited: add a new one. */
export const eventStoreMigrations: Record<string, Migration> = {
  '2025-01-01T00-00-00-events': events,
  '2025-01-01T00-00-01-personal-data-keys': personalDataKeys,
  '2025-01-04T00-00-00-event-ids': eventIds,
  '2025-01-04T00-00-01-copy-progress': copyProgress,
};

/** Brings the event store schema at `url` up to date. */
export async function migrateEventStore(url: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 1 }) }) });
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => eventStoreMigrations },
      migrationTableName: 'es_migrations',
      migrationLockTableName: 'es_migrations_lock',
    });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error) throw new Error(`event store migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await db.destroy();
  }
}
