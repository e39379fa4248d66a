import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { ProjectionRunner, checkpointOf, prepareProjection, schemaFor } from '@app/projections';
import { TEST_MASTER_KEY, appendLedgerEvents, ledgerProjection, readModelDb, recordingLogger, useTestDatabase, waitFor } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { Pool } from 'pg';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<unknown>;
let lockPool: Pool;

beforeAll(() => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<unknown>(database.url, 20);
  lockPool = new Pool({ connectionString: database.url, max: 6 });
  lockPool.on('error', () => undefined);
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
  await lockPool.end();
});

/** Rows of a ledger table: how many, and how many distinct events. */
async function ledger(schema: string, table = 'ledger'): Promise<{ rows: number; events: number }> {
  const { rows } = await sql<{ rows: number; events: number }>`
    select count(*)::int as rows, count(distinct event_id)::int as events from ${sql.id(schema, table)}`.execute(db);
  return rows[0] ?? { rows: 0, events: 0 };
}

async function head(): Promise<string | null> {
  return opened.store.headPosition();
}

describe('the projection runner', () => {
  it('moves the checkpoint with the rows: killed in the middle of a batch and restarted, it applies every event exactly once', async () => {
    const projection = ledgerProjection({ name: 'ledger_killed', delayMs: 60, prefix: 'killed-' });
    const schema = schemaFor(projection);
    await prepareProjection(db, projection);
    await appendLedgerEvents(opened.store, 120, { prefix: 'killed' });

    const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../../testing/src/runner/ledger-runner.child.ts')], {
      env: { ...process.env, LEDGER_DATABASE_URL: database.url, LEDGER_NAME: 'ledger_killed', LEDGER_PREFIX: 'killed-', LEDGER_BATCH_SIZE: '10', LEDGER_DELAY_MS: '60' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      // Wait until some batches are committed, then kill it without warning (mid-batch: each holds its transaction 60 ms).
      await waitFor(async () => (await ledger(schema)).rows >= 40, { timeoutMs: 20_000, message: `the child runner never applied 40 events (stderr: ${stderr})` });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const atKill = await ledger(schema);
    expect(atKill.rows).toBeLessThan(120);
    const checkpointAtKill = await checkpointOf(db, schema);
    // What is committed and where the checkpoint says the projection is agree exactly.
    expect(Number(checkpointAtKill?.eventsApplied)).toBe(atKill.rows);

    const logger = recordingLogger();
    await new ProjectionRunner({ projection, store: opened.store, db, schema, logger, batchSize: 25, stopWhenCaughtUp: true, standbyMs: 50 }).run(new AbortController().signal);
    expect(await ledger(schema)).toEqual({ rows: 120, events: 120 });
    expect((await checkpointOf(db, schema))?.position).toBe(await head());
  }, 40_000);

  it('retries a failing event, then parks it loudly and goes on with the rest', async () => {
    const projection = ledgerProjection({ name: 'ledger_poisoned', poisonName: 'poisoned-poison', prefix: 'poisoned-' });
    const schema = schemaFor(projection);
    await prepareProjection(db, projection);
    const appended = await appendLedgerEvents(opened.store, 12, { names: (n) => (n === 5 ? 'poisoned-poison' : `poisoned-${n}`) });
    const logger = recordingLogger();
    const runner = new ProjectionRunner({ projection, store: opened.store, db, schema, logger, stopWhenCaughtUp: true });
    await runner.run(new AbortController().signal);

    const ledgerRows = await sql<{ name: string }>`select name from ${sql.id(schema, 'ledger')}`.execute(db);
    expect(ledgerRows.rows).toHaveLength(11);
    expect(ledgerRows.rows.some((r) => r.name === 'poisoned-poison')).toBe(false);
    const parked = await sql<{ eventType: string; error: string; eventId: string }>`select event_type, error, event_id from parked_events where schema_name = ${schema}`.execute(db);
    expect(parked.rows).toHaveLength(1);
    expect(parked.rows[0]).toMatchObject({ eventType: 'TemplateCreated', error: 'poisoned event: poisoned-poison' });
    const stream = await opened.store.readStream(`template-${appended[5]}`);
    expect(parked.rows[0]?.eventId).toBe(stream[0]?.id);
    expect(logger.warnings().filter((w) => /batch failed; retrying/.test(w.message))).toHaveLength(3);
    expect(logger.lines.filter((l) => l.level === 'error' && /EVENT PARKED/.test(l.message))).toHaveLength(1);
    expect(runner.status().parked).toBe(1);
    expect((await checkpointOf(db, schema))?.position).toBe(await head());
  }, 20_000);

  it('keeps one active instance: a second runner waits as a standby and takes over when the first stops', async () => {
    const projection = ledgerProjection({ name: 'ledger_standby', prefix: 'standby-' });
    const schema = schemaFor(projection);
    await prepareProjection(db, projection);
    await appendLedgerEvents(opened.store, 10, { prefix: 'standby-a' });
    const options = { projection, store: opened.store, db, schema, batchSize: 5, standbyMs: 50 };
    const first = new ProjectionRunner({ ...options, logger: recordingLogger() });
    const second = new ProjectionRunner({ ...options, logger: recordingLogger() });
    const stopFirst = new AbortController();
    const stopSecond = new AbortController();
    const runningFirst = first.run(stopFirst.signal);
    await waitFor(() => first.status().holdsLock && first.status().caughtUp, { message: 'the first runner never caught up' });
    const runningSecond = second.run(stopSecond.signal);
    try {
      await appendLedgerEvents(opened.store, 10, { prefix: 'standby-b' });
      await waitFor(async () => (await ledger(schema)).rows === 20, { message: 'the first runner did not apply the new events' });
      expect(second.status()).toMatchObject({ holdsLock: false, eventsApplied: 0 });

      stopFirst.abort();
      await runningFirst;
      await waitFor(() => second.status().holdsLock, { message: 'the standby never took over' });
      await appendLedgerEvents(opened.store, 10, { prefix: 'standby-c' });
      await waitFor(async () => (await ledger(schema)).rows === 30, { message: 'the standby did not apply the new events' });
      expect(await ledger(schema)).toEqual({ rows: 30, events: 30 });
    } finally {
      stopFirst.abort();
      stopSecond.abort();
      await Promise.all([runningFirst, runningSecond]);
    }
  });

  it('steps down when its lock connection dies (without taking the process down) and never applies an event twice', async () => {
    const projection = ledgerProjection({ name: 'ledger_lock_lost', delayMs: 20, prefix: 'lock-' });
    const schema = schemaFor(projection);
    await prepareProjection(db, projection);
    await appendLedgerEvents(opened.store, 10, { prefix: 'lock-a' });
    const options = { projection, store: opened.store, db, schema, batchSize: 5, standbyMs: 50, lockPool };
    const firstLogger = recordingLogger();
    const first = new ProjectionRunner({ ...options, logger: firstLogger });
    const second = new ProjectionRunner({ ...options, logger: recordingLogger() });
    const stop = new AbortController();
    const runningFirst = first.run(stop.signal);
    await waitFor(() => first.status().holdsLock && first.status().caughtUp, { message: 'the first runner never caught up' });
    const runningSecond = second.run(stop.signal);
    try {
      // Events keep coming while the lock changes hands.
      const appending = appendLedgerEvents(opened.store, 40, { prefix: 'lock-b' });
      const key = `projection:${schema}`;
      const killed = await sql<{ killed: boolean }>`
        select pg_terminate_backend(l.pid) as killed from pg_locks l
        where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())
          and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(${key}, 0)`.execute(db);
      expect(killed.rows).toEqual([{ killed: true }]);
      await appending;
      await waitFor(() => second.status().holdsLock, { message: 'the standby never took over' });
      await waitFor(async () => (await ledger(schema)).rows >= 50, { message: 'not every event was applied' });
      expect(await ledger(schema)).toEqual({ rows: 50, events: 50 });
      expect(first.status().holdsLock).toBe(false);
      expect(firstLogger.warnings().some((w) => /stepping down/.test(w.message))).toBe(true);
    } finally {
      stop.abort();
      await Promise.all([runningFirst, runningSecond]);
    }
  });
});
