import { Kysely, Migration, Migrator, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import * as checkpoints from './2025-01-02T00-00-00-projection-checkpoints';
import * as auth from './2025-01-03T00-00-01-auth';
import * as mailboxes from './2025-01-06T00-00-00-mailboxes';
import * as aiCopilot from './2025-01-07T00-00-00-ai-copilot';
import * as audit from './2025-01-08T00-00-00-audit';

/** Forward-only, in name order. A landed migration is never edited: add a new one. */
export const readStoreMigrations: Record<string, Migration> = {
  '2025-01-02T00-00-00-projection-checkpoints': checkpoints,
  '2025-01-03T00-00-01-auth': auth,
  '2025-01-06T00-00-00-mailboxes': mailboxes,
  '2025-01-07T00-00-00-ai-copilot': aiCopilot,
  '2025-01-08T00-00-00-audit': audit,
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
