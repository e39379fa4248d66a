import { randomUUID } from 'node:crypto';
import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { LockConnection, ProjectionHost, ProjectionOperations, SchemaBusy, checkpointsOf, schemaFor } from '@app/projections';
import { TEST_MASTER_KEY, appendLedgerEvents, ledgerProjection, readModelDb, recordingLogger, templateCreated, useTestDatabase, waitFor, writeMetadata } from '@app/testing';
import { Kysely, sql } from 'kysely';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<unknown>;
let locks: LockConnection;

beforeAll(() => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<unknown>(database.url, 20);
  locks = new LockConnection(database.url);
});

afterAll(async () => {
  await locks.close();
  await opened.close();
  await db.destroy();
});

const operationsFor = (projection: ReturnType<typeof ledgerProjection>, batchSize = 7) =>
  new ProjectionOperations<unknown>({ projections: [projection], store: opened.store, db, locks, logger: recordingLogger(), batchSize });

/** Rows of the public view: the ledger has one row per event applied, so a duplicate or a loss shows. */
async function ledger(table: string, schema = 'public'): Promise<{ rows: number; distinct: number }> {
  const { rows } = await sql<{ rows: number; distinct: number }>`
    select count(*)::int as rows, count(distinct event_id)::int as distinct from ${sql.id(schema, table)}`.execute(db);
  return rows[0] as { rows: number; distinct: number };
}

const templatesInLog = async (prefix?: string) =>
  Number((await sql<{ n: string }>`select count(*)::text as n from es_events where type = 'TemplateCreated' and data->>'name' like ${prefix ? `${prefix}-%` : '%'}`.execute(db)).rows[0]?.n);

async function schemaExists(name: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${name}`.execute(db);
  return rows[0]?.n === 1;
}

describe('rebuilding a projection while a projector host serves it', () => {
  it('builds a new schema beside the live one, switches it in, drops the old one, and the live runner moves over and goes on', async () => {
    const projection = ledgerProjection({ name: 'ops_live', tables: ['ops_live'], prefix: 'live' });
    await appendLedgerEvents(opened.store, 40, { prefix: 'live' });
    const hostLocks = new LockConnection(database.url);
    const host = new ProjectionHost({ projections: [projection], store: opened.store, db, logger: recordingLogger(), batchSize: 10, locks: hostLocks, schemaCheckMs: 100 });
    await host.start();
    try {
      await waitFor(async () => (await ledger('ops_live')).rows === 40, { message: 'the live runner never caught up' });
      const base = schemaFor(projection);

      // Appends go on during the rebuild; the live schema keeps serving them.
      let writing = true;
      const writer = (async () => {
        while (writing) await appendLedgerEvents(opened.store, 1, { prefix: 'live' });
      })();
      const report = await operationsFor(projection).rebuild(['ops_live']);
      writing = false;
      await writer;

      expect(report.completed).toBe(true);
      expect(report.switched).toEqual([{ projection: 'ops_live', schema: `${base}_r1`, replaced: base }]);
      expect(await schemaExists(base)).toBe(false);
      expect((await checkpointsOf(db, 'ops_live')).map((r) => [r.schemaName, r.state])).toEqual([[`${base}_r1`, 'live']]);

      // The host's runner noticed and now keeps the new schema current.
      await waitFor(() => host.status()[0]?.schema === `${base}_r1` && host.status()[0]?.holdsLock, { message: 'the live runner did not move to the rebuilt schema' });
      await appendLedgerEvents(opened.store, 5, { prefix: 'live' });
      const total = await templatesInLog('live');
      await waitFor(async () => (await ledger('ops_live')).rows === total, { timeoutMs: 15_000, message: 'events appended after the switch never reached the rebuilt schema' });
      // Every event exactly once: nothing lost at the switch, nothing applied twice.
      expect(await ledger('ops_live')).toEqual({ rows: total, distinct: total });
    } finally {
      await host.stop();
      await hostLocks.close();
    }
  }, 40_000);
});

describe('an interrupted rebuild', () => {
  it('keeps its work, and running it again resumes from its checkpoint and switches in', async () => {
    const projection = ledgerProjection({ name: 'ops_resume', tables: ['ops_resume'], prefix: 'resume' });
    await appendLedgerEvents(opened.store, 60, { prefix: 'resume' });
    const operations = operationsFor(projection, 10);
    const controller = new AbortController();
    const first = await operations.rebuild(['ops_resume'], {
      signal: controller.signal,
      // Ctrl-C after the third page.
      onProgress: (p) => p.events >= 25 && controller.abort(),
    });
    expect(first.completed).toBe(false);
    const [building] = await checkpointsOf(db, 'ops_resume');
    expect(building).toMatchObject({ purpose: 'rebuild', state: 'building' });
    const appliedBefore = Number(building?.eventsApplied);
    expect(appliedBefore).toBeGreaterThan(0);

    let readAgain = 0;
    const second = await operations.rebuild(['ops_resume'], { onProgress: (p) => (readAgain = p.events) });
    expect(second.completed).toBe(true);
    // It went on from the checkpoint: it did not read the whole log again.
    expect(readAgain).toBeLessThan(await templatesInLog());
    const rows = await checkpointsOf(db, 'ops_resume');
    expect(rows.map((r) => [r.schemaName, r.state])).toEqual([[building?.schemaName, 'live']]);
    expect(await ledger('ops_resume')).toEqual({ rows: 60, distinct: 60 });
  });

  it('resumed together with a projection that starts from scratch, each gets every event exactly once', async () => {
    const ahead = ledgerProjection({ name: 'ops_ahead', tables: ['ops_ahead'], prefix: 'pair' });
    const fresh = ledgerProjection({ name: 'ops_fresh', tables: ['ops_fresh'], prefix: 'pair' });
    await appendLedgerEvents(opened.store, 30, { prefix: 'pair' });
    const operations = new ProjectionOperations<unknown>({ projections: [ahead, fresh], store: opened.store, db, locks, logger: recordingLogger(), batchSize: 10 });
    const controller = new AbortController();
    // Interrupted halfway through this test's own events.
    const all = await templatesInLog();
    await operations.rebuild(['ops_ahead'], { signal: controller.signal, onProgress: (p) => p.events >= all - 15 && controller.abort() });
    const halfway = await ledger('ops_ahead', (await checkpointsOf(db, 'ops_ahead'))[0]?.schemaName);
    expect(halfway.rows).toBeGreaterThan(0);
    expect(halfway.rows).toBeLessThan(30);
    // One pass from the first event for both: the one ahead skips what it already has.
    expect((await operations.rebuild(['ops_ahead', 'ops_fresh'])).completed).toBe(true);
    expect(await ledger('ops_ahead')).toEqual({ rows: 30, distinct: 30 });
    expect(await ledger('ops_fresh')).toEqual({ rows: 30, distinct: 30 });
  });

  it('refuses to build a schema another process is writing, and changes nothing', async () => {
    const projection = ledgerProjection({ name: 'ops_busy', tables: ['ops_busy'] });
    const operations = operationsFor(projection);
    await operations.rebuild(['ops_busy'], { signal: AbortSignal.abort() });
    const [row] = await checkpointsOf(db, 'ops_busy');
    const other = new LockConnection(database.url);
    try {
      expect(await other.session(`projection:${row?.schemaName}`).tryLock()).toBe(true);
      await expect(operations.rebuild(['ops_busy'])).rejects.toBeInstanceOf(SchemaBusy);
      expect((await checkpointsOf(db, 'ops_busy')).map((r) => r.state)).toEqual(['building']);
    } finally {
      await other.close();
    }
  });
});

describe('secondary indexes', () => {
  const indexesIn = async (schema: string) =>
    (await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = ${schema} order by indexname`.execute(db)).rows.map((r) => r.indexname);

  it('come with the tables of a schema that serves at once, and with a rebuild only once it has caught up', async () => {
    const projection = ledgerProjection({ name: 'ops_idx', tables: ['ops_idx'], prefix: 'idx', indexes: true });
    await appendLedgerEvents(opened.store, 30, { prefix: 'idx' });
    const reset = await operationsFor(projection).reset('ops_idx');
    expect(reset.completed).toBe(true);
    expect(await indexesIn(reset.schema)).toEqual(['ops_idx_by_name']);

    // Stopped after its first page, the rebuild's schema has been written to but has no index yet.
    const stop = new AbortController();
    const first = await operationsFor(projection).rebuild(['ops_idx'], { signal: stop.signal, onProgress: () => stop.abort() });
    expect(first.completed).toBe(false);
    const building = (await checkpointsOf(db, 'ops_idx')).find((r) => r.state === 'building');
    expect(building).toBeDefined();
    expect(building?.position).not.toBeNull();
    expect(await indexesIn(building?.schemaName as string)).toEqual([]);

    // Resumed, it catches up, gets its index and is switched in.
    const second = await operationsFor(projection).rebuild(['ops_idx']);
    expect(second.switched.map((s) => s.schema)).toEqual([building?.schemaName]);
    expect(await indexesIn(building?.schemaName as string)).toEqual(['ops_idx_by_name']);
    expect(await ledger('ops_idx')).toEqual({ rows: 30, distinct: 30 });
  });
});

describe('a replay as of a moment', () => {
  it('builds the read model from the events that occurred by then, in its own schema, leaving the live one alone', async () => {
    const projection = ledgerProjection({ name: 'ops_asof', tables: ['ops_asof'], prefix: 'asof' });
    const at = (day: number) => `2025-04-${String(day).padStart(2, '0')}T12:00:00.000Z`;
    for (let day = 1; day <= 10; day++) {
      const id = randomUUID();
      await opened.store.append(`template-${id}`, [templateCreated(id, { name: `asof-${day}` })], 'no_stream', writeMetadata({ occurredAt: at(day) }));
    }
    const operations = operationsFor(projection, 3);
    const until = new Date('2025-04-06T00:00:00Z');
    const report = await operations.replay('ops_asof', until);
    expect(report).toMatchObject({ schema: `${schemaFor(projection)}_asof_20250406t000000`, completed: true, alreadyBuilt: false, tables: ['ops_asof'] });
    const { rows } = await sql<{ name: string }>`select name from ${sql.id(report.schema, 'ops_asof')} order by name`.execute(db);
    expect(rows.map((r) => r.name).sort()).toEqual(['asof-1', 'asof-2', 'asof-3', 'asof-4', 'asof-5'].sort());
    const replayRow = (await checkpointsOf(db, 'ops_asof')).find((r) => r.schemaName === report.schema);
    expect(replayRow).toMatchObject({ purpose: 'replay', state: 'ready', until });
    // It does not serve: no public view was made for it.
    const { rows: views } = await sql<{ n: number }>`select count(*)::int as n from information_schema.views where table_schema = 'public' and table_name = 'ops_asof'`.execute(db);
    expect(views[0]?.n).toBe(0);
    // Asked again, it is already there; status shows it complete as of its moment.
    expect(await operations.replay('ops_asof', until)).toMatchObject({ alreadyBuilt: true });
    const status = await operations.status(['ops_asof']);
    expect(status.find((s) => s.schema === report.schema)).toMatchObject({ state: 'ready', eventsBehind: 0, until: until.toISOString() });
    expect(status.find((s) => s.schema === null)).toMatchObject({ state: 'missing' });
  });
});

describe('a reset', () => {
  it('drops every version, starts the live one again from the first event, and a running host follows it', async () => {
    const projection = ledgerProjection({ name: 'ops_reset', tables: ['ops_reset'], prefix: 'reset' });
    await appendLedgerEvents(opened.store, 30, { prefix: 'reset' });
    const hostLocks = new LockConnection(database.url);
    const host = new ProjectionHost({ projections: [projection], store: opened.store, db, logger: recordingLogger(), batchSize: 10, locks: hostLocks, schemaCheckMs: 100 });
    await host.start();
    try {
      await waitFor(async () => (await ledger('ops_reset')).rows === 30);
      // Someone hand-patched the read model: a reset is the way back.
      await sql`delete from public.ops_reset where name like 'reset-1%'`.execute(db);
      const report = await operationsFor(projection).reset('ops_reset');
      expect(report.completed).toBe(true);
      expect(report.dropped).toEqual([schemaFor(projection)]);
      expect(report.schema).toBe(`${schemaFor(projection)}_r1`);
      expect(await ledger('ops_reset')).toEqual({ rows: 30, distinct: 30 });
      await waitFor(() => host.status()[0]?.schema === report.schema && host.status()[0]?.holdsLock, { message: 'the host did not follow the reset' });
      await appendLedgerEvents(opened.store, 3, { prefix: 'reset' });
      await waitFor(async () => (await ledger('ops_reset')).rows === 33, { message: 'the host did not keep the reset projection current' });
      expect(await ledger('ops_reset')).toEqual({ rows: 33, distinct: 33 });
    } finally {
      await host.stop();
      await hostLocks.close();
    }
  }, 30_000);
});

describe('status', () => {
  it('tells how far behind a projection is: events after its checkpoint and the age of the oldest', async () => {
    const projection = ledgerProjection({ name: 'ops_status', tables: ['ops_status'] });
    const operations = new ProjectionOperations<unknown>({
      projections: [projection],
      store: opened.store,
      db,
      locks,
      logger: recordingLogger(),
      now: () => new Date('2025-03-03T10:00:00.000Z'),
    });
    const before = await operations.status();
    const all = await templatesInLog();
    expect(before).toEqual([expect.objectContaining({ projection: 'ops_status', state: 'missing', eventsBehind: all, lagSeconds: 3600 })]);
    await operations.rebuild(['ops_status']);
    const after = await operations.status();
    expect(after).toEqual([expect.objectContaining({ state: 'live', purpose: 'rebuild', eventsBehind: 0, lagSeconds: 0, eventsApplied: all })]);
  });
});
