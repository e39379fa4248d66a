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
  return survivesLostConnections(new Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 }));
}

/**
 * A connection that dies (server restart, failover, a terminated backend) must not take the
 * process down. pg-pool only listens for errors on idle clients: a client checked out between
 * two queries (inside a transaction, holding a lock) emits an 'error' nobody listens to, which
 * Node turns into an uncaught exception. With a listener on every client the failure surfaces
 * where it belongs, as the rejection of the next query, and the pool drops the dead client on
 * release.
 */
export function survivesLostConnections<P extends Pool>(pool: P): P {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
