import { Kysely, Migration, Migrator, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import * as checkpoints from './2025-01-02T00-00-00-projection-checkpoints';
import * as auth from './2025-01-03T00-00-01-auth';

/** Forward-only, in name order. A landed migration is never edited: add a new one. */
export const readStoreMigrations: Record<string, Migration> = {
  '2025-01-02T00-00-00-projection-checkpoints': checkpoints,
  '2025-01-03T00-00-01-auth': auth,
};

/** Brings the read-model schema at `url` up to date. */
export async function migrateReadStore(url: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: url, max: 1 }) }) });
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => readStoreMigrations } });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error) throw new Error(`read store migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await db.destroy();
  }
}
