import { useTestDatabase } from '@app/testing';
import { sql } from 'kysely';
import { createKysely, createPool } from './database';

describe('a pool when the server ends one of its connections', () => {
  const database = useTestDatabase();

  // Without a listener on the checked-out client, the server's FATAL message is an 'error'
  // event nobody hears: Node throws it as an uncaught exception and this file fails to run.
  it('survives losing a client checked out between two queries (a transaction, a held lock), and goes on with a new one', async () => {
    const pool = createPool(database.url, 2);
    const db = createKysely<unknown>(pool);
    try {
      const client = await pool.connect();
      await client.query('begin');
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      const ended = new Promise((resolve) => client.once('end', resolve));
      await database.pool.query('select pg_terminate_backend($1)', [pid]);
      // The FATAL message reached the client while no query ran on it, then the socket closed.
      await ended;
      await expect(client.query('select 1')).rejects.toThrow();
      client.release(true);

      const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db);
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});
