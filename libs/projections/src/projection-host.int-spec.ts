import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { ProjectionHost, checkpointsOf, schemaFor } from '@app/projections';
import { TEST_MASTER_KEY, appendLedgerEvents, ledgerProjection, readModelDb, recordingLogger, useTestDatabase, waitFor } from '@app/testing';
import { Kysely, sql } from 'kysely';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<unknown>;

beforeAll(() => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  db = readModelDb<unknown>(database.url, 20);
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
});

/** What the public views show: per table, how many rows and which versions. */
async function served(): Promise<{ a: number; b: number; versions: number[] }> {
  // One statement, one snapshot: both views are read at the same instant.
  const { rows } = await sql<{ a: number; b: number; versions: number[] }>`
    select (select count(*)::int from public.pair_a) as a, (select count(*)::int from public.pair_b) as b,
      array(select distinct version from public.pair_a union select distinct version from public.pair_b order by 1) as versions`.execute(db);
  return rows[0] as { a: number; b: number; versions: number[] };
}

async function schemaExists(name: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_namespace where nspname = ${name}`.execute(db);
  return rows[0]?.n === 1;
}

describe('the projection host', () => {
  it('builds a new version in its own schema while the old one serves, switches both views at once, and drops the old schema', async () => {
    const v1 = ledgerProjection({ name: 'pair', version: 1, tables: ['pair_a', 'pair_b'] });
    const first = new ProjectionHost({ projections: [v1], store: opened.store, db, logger: recordingLogger(), batchSize: 10 });
    await appendLedgerEvents(opened.store, 30, { prefix: 'pair' });
    await first.start();
    await waitFor(async () => (await served()).a === 30, { message: 'version 1 never caught up' });
    await first.stop();
    expect(await served()).toEqual({ a: 30, b: 30, versions: [1] });

    // Version 2 is slow to build (a pause in every batch of 5): the old one keeps serving meanwhile.
    await appendLedgerEvents(opened.store, 10, { prefix: 'pair-late' });
    const v2 = ledgerProjection({ name: 'pair', version: 2, tables: ['pair_a', 'pair_b'], delayMs: 40 });
    const logger = recordingLogger();
    const second = new ProjectionHost({ projections: [v2], store: opened.store, db, logger, batchSize: 5 });
    const seen: { a: number; b: number; versions: number[] }[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.push(await served());
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      await second.start();
      expect((await checkpointsOf(db, 'pair')).map((r) => [r.schemaName, r.state])).toEqual([
        [schemaFor(v1), 'live'],
        [schemaFor(v2), 'building'],
      ]);
      await waitFor(async () => (await checkpointsOf(db, 'pair')).every((r) => r.schemaName === schemaFor(v2) && r.state === 'live'), {
        timeoutMs: 20_000,
        message: 'version 2 was never switched in (and version 1 dropped)',
      });
      await waitFor(async () => (await served()).a === 40, { message: 'version 2 did not apply the newest events' });
    } finally {
      watching = false;
      await watcher;
      await second.stop();
    }

    // Readers saw version 1 (as it was) until the switch, then version 2 whole: never a mix.
    expect(seen.length).toBeGreaterThan(5);
    expect(seen[0]).toEqual({ a: 30, b: 30, versions: [1] });
    for (const view of seen) {
      expect(view.versions).toHaveLength(1);
      expect(view.a).toBe(view.b);
      if (view.versions[0] === 2) expect(view.a).toBeGreaterThanOrEqual(40);
    }
    expect(seen[seen.length - 1]).toEqual({ a: 40, b: 40, versions: [2] });
    expect(await schemaExists(schemaFor(v1))).toBe(false);
    expect(await schemaExists(schemaFor(v2))).toBe(true);
    expect(logger.lines.some((l) => l.message === 'projection version switched in')).toBe(true);
  }, 30_000);

  it('serves a brand-new projection as it fills, with views from the start', async () => {
    const fresh = ledgerProjection({ name: 'fresh', tables: ['fresh_rows'], prefix: 'pair' });
    const host = new ProjectionHost({ projections: [fresh], store: opened.store, db, logger: recordingLogger() });
    await host.prepare();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from public.fresh_rows`.execute(db);
    expect(rows[0]?.n).toBe(0);
    await host.start();
    try {
      await waitFor(async () => (await sql<{ n: number }>`select count(*)::int as n from public.fresh_rows`.execute(db)).rows[0]?.n === 40, { message: 'never filled' });
      expect((await checkpointsOf(db, 'fresh')).map((r) => r.state)).toEqual(['live']);
    } finally {
      await host.stop();
    }
  });
});
