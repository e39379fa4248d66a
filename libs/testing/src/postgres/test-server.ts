import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { canConnect, dropDatabase, ensureDatabase, listDatabases, startEmbeddedPostgres, withDatabase } from '../../../database/src/index';
import { eventStoreMigrations, migrateEventStore } from '../../../event-store/src/index';
import { migrateReadStore, readStoreMigrations } from '../../../read-store/src/index';

export const DEFAULT_LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const ENV_SERVER = 'COPILOT_TEST_SERVER_URL';
export const ENV_TEMPLATE = 'COPILOT_TEST_TEMPLATE_DB';
export const FILE_DB_PREFIX = 'copilot_test_f_';

/** Refuses any database whose name does not say it is for tests. */
export function assertTestDatabase(name: string): void {
  if (!name.includes('test')) throw new Error(`Refusing to touch database "${name}": test databases must have "test" in their name`);
}

/** Where tests find PostgreSQL: TEST_DATABASE_URL, else 127.0.0.1:5432 as postgres, else an embedded server. */
export async function resolveTestServer(log: (line: string) => void): Promise<{ url: string; stop?: () => Promise<void>; source: string }> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) return { url: fromEnv, source: 'TEST_DATABASE_URL' };
  if (await canConnect(DEFAULT_LOCAL_URL)) return { url: DEFAULT_LOCAL_URL, source: '127.0.0.1:5432' };
  log('No PostgreSQL at TEST_DATABASE_URL or 127.0.0.1:5432: starting an embedded one for this run');
  const embedded = await startEmbeddedPostgres({ dataDir: join(process.cwd(), '.data', `test-postgres-${process.pid}`), persistent: false });
  return { url: embedded.url, stop: embedded.stop, source: 'embedded' };
}

/** Changes whenever a migration is added or its code changes, so a stale template is never reused. */
function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const set of [eventStoreMigrations, readStoreMigrations]) {
    for (const [name, migration] of Object.entries(set)) hash.update(`${name}\n${migration.up.toString()}\n`);
  }
  return hash.digest('hex').slice(0, 12);
}

/**
 * A database migrated once per set of migrations; each test file clones it, which is much
 * faster than migrating per file.
 */
export async function ensureTemplate(serverUrl: string): Promise<string> {
  const name = `copilot_test_tpl_${migrationsFingerprint()}`;
  const existing = await listDatabases(serverUrl, name);
  if (existing.length) return name;
  const building = `copilot_test_building_${process.pid}`;
  await dropDatabase(serverUrl, building);
  await ensureDatabase(serverUrl, building);
  const url = withDatabase(serverUrl, building);
  await migrateEventStore(url);
  await migrateReadStore(url);
  const pool = new Pool({ connectionString: withDatabase(serverUrl, 'postgres') });
  try {
    await pool.query(`alter database "${building}" rename to "${name}"`);
  } catch (error) {
    // Another run built the same template meanwhile.
    if ((error as { code?: string }).code !== '42P04') throw error;
    await dropDatabase(serverUrl, building);
  } finally {
    await pool.end();
  }
  return name;
}

/** Per-file database names carry their creation time, so leftovers can be told from live ones. */
export function fileDatabaseName(worker: string, random: string, now = Date.now()): string {
  return `${FILE_DB_PREFIX}${Math.floor(now / 1000)}_${worker}_${random}`;
}

/**
 * Drops per-file databases left behind by runs that crashed. Only old ones: another test run
 * may be using the same server right now.
 */
export async function dropLeftovers(serverUrl: string, olderThanMs = 3 * 3600_000): Promise<void> {
  const cutoff = (Date.now() - olderThanMs) / 1000;
  for (const name of await listDatabases(serverUrl, `${FILE_DB_PREFIX}%`)) {
    const created = Number(/^copilot_test_f_(\d+)_/.exec(name)?.[1] ?? 0);
    if (created < cutoff) await dropDatabase(serverUrl, name);
  }
}
