import { Client } from 'pg';
import { quoteIdent, withDatabase } from './database-url';

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** True when a server answers at `url` (its `postgres` database). */
export async function canConnect(url: string): Promise<boolean> {
  try {
    await withClient(withDatabase(url, 'postgres'), (c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

/** Creates `name` unless it exists. Safe to race: a concurrent creator wins, we carry on. */
export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<void> {
  await withClient(withDatabase(serverUrl, 'postgres'), async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return;
    try {
      await client.query(`create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ''}`);
    } catch (error) {
      // 42P04: duplicate_database (someone else created it first).
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  });
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(withDatabase(serverUrl, 'postgres'), (client) => client.query(`drop database if exists ${quoteIdent(name)} with (force)`));
}

export async function listDatabases(serverUrl: string, like: string): Promise<string[]> {
  return withClient(withDatabase(serverUrl, 'postgres'), async (client) => {
    const result = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [like]);
    return result.rows.map((r) => r.datname);
  });
}
