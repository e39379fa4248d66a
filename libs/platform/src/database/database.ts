import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';

// numeric(40,0) order keys and bigint counters arrive as strings; keep them exact.
types.setTypeParser(types.builtins.INT8, (value) => value);
// A calendar day is a day, not a midnight in the server's time zone.
types.setTypeParser(types.builtins.DATE, (value) => value);

/** The Kysely instance of the read side: snake_case in SQL, camelCase in TypeScript. */
export function createKysely<DB>(pool: Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
}

export function createPool(url: string, max: number): Pool {
  const pool = new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // An idle client that dies (server restart) must not take the process down.
  pool.on('error', () => undefined);
  return pool;
}
