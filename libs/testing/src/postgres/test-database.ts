import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { dropDatabase, withDatabase } from '@app/database';
import { ENV_SERVER, ENV_TEMPLATE, assertTestDatabase, fileDatabaseName } from './test-server';

export type TestDatabase = {
  /** URL of this file's own database. */
  readonly url: string;
  readonly name: string;
  /** URL of the server's `postgres` database, for admin work. */
  readonly serverUrl: string;
  /** A pool on this file's database, closed after the file. */
  readonly pool: Pool;
};

async function cloneTemplate(serverUrl: string, template: string, name: string): Promise<void> {
  const admin = new Pool({ connectionString: withDatabase(serverUrl, 'postgres'), max: 1 });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        return;
      } catch (error) {
        // 55006: the template is briefly in use by another clone.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
}

/**
 * Gives the calling test file its own migrated database, created before its tests and dropped
 * after them. Call at the top level of a test file.
 */
export function useTestDatabase(): TestDatabase {
  const serverUrl = process.env[ENV_SERVER];
  const template = process.env[ENV_TEMPLATE];
  if (!serverUrl || !template) throw new Error('The test database harness was not set up: run tests through jest with the project config');
  const name = fileDatabaseName(process.env.JEST_WORKER_ID ?? '0', randomBytes(4).toString('hex'));
  assertTestDatabase(name);
  const url = withDatabase(serverUrl, name);
  let pool: Pool | undefined;

  beforeAll(async () => {
    await cloneTemplate(serverUrl, template, name);
  });
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(serverUrl, name);
  });

  return {
    url,
    name,
    serverUrl,
    get pool() {
      if (!pool) {
        pool = new Pool({ connectionString: url, max: 20 });
        // Idle clients of a dropped database error out; that is expected at the end of a file.
        pool.on('error', () => undefined);
      }
      return pool;
    },
  };
}
