import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { Projection, ProjectionHost, checkpointsOf, defineProjection, dropProjectionSchema } from '@app/projections';
import { DB } from '@app/read-store';
import { HOUR, TEST_MASTER_KEY, readModelDb, recordingLogger, springCampaign, useTestDatabase, waitFor } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { Pool } from 'pg';
import { projections } from '../../apps/projectors/src/index';

const database = useTestDatabase();
let opened: OpenedEventStore;
let db: Kysely<unknown>;
let lockPool: Pool;

beforeAll(() => {
  opened = openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 20 });
  db = readModelDb<unknown>(database.url, 20);
  lockPool = new Pool({ connectionString: database.url, max: 16 });
  lockPool.on('error', () => undefined);
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
  await lockPool.end();
});

type Checksums = Record<string, { rows: number; md5: string }>;

/** Every table of every projection, through its public view: row count and a digest of its rows in order. */
async function checksums(of: readonly Projection<DB>[] | readonly Projection<unknown>[]): Promise<Checksums> {
  const out: Checksums = {};
  for (const table of of.flatMap((p) => p.tables)) {
    const { rows } = await sql<{ rows: number; md5: string }>`
      select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${sql.id('public', table)} t`.execute(db);
    out[table] = rows[0] as { rows: number; md5: string };
  }
  return out;
}

/** Runs the projections live until each has reached the head of the log, then stops them. */
async function runToHead(of: readonly Projection<unknown>[], batchSize: number): Promise<ProjectionHost<unknown>> {
  const host = new ProjectionHost<unknown>({ projections: of, store: opened.store, db, logger: recordingLogger(), batchSize, lockPool });
  await host.start();
  return host;
}

async function waitForHead(host: ProjectionHost<unknown>): Promise<void> {
  const head = await opened.store.headPosition();
  if (!head) return;
  await waitFor(() => host.status().every((s) => s.checkpoint !== null && opened.store.comparePositions(s.checkpoint, head) >= 0), {
    timeoutMs: 30_000,
    message: 'the projections never reached the head of the log',
  });
}

/** Forgets every version of every projection: schemas, views, checkpoints. */
async function dropEverything(of: readonly Projection<unknown>[]): Promise<void> {
  for (const projection of of) {
    for (const row of await checkpointsOf(db, projection.name)) await dropProjectionSchema(db, row.schemaName);
  }
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from information_schema.views where table_schema = 'public' and table_name = any(${of.flatMap((p) => p.tables)})`.execute(db);
  expect(rows[0]?.n).toBe(0);
}

const all = projections as unknown as readonly Projection<unknown>[];

describe('rebuilding every read model from the log', () => {
  it('gives exactly the rows the live projections built while the story happened', async () => {
    // Live from the start, in small batches, while the story is being written.
    const live = await runToHead(all, 7);
    try {
      const spring = await springCampaign(opened.store, 'spring');
      const autumn = await springCampaign(opened.store, 'autumn');
      // More of the same story a little later: an update, a stray unsubscribe, a send now.
      await spring.story.updateLead(spring.leads.clicker, { title: 'CTO', customFields: { plan: 'team' } });
      spring.story.advance(HOUR);
      await autumn.story.unsubscribe(autumn.leads.machine, { source: 'MANUAL' });
      await autumn.story.sendNow(autumn.pendingEnrollment);
      await autumn.story.deliver();
      await waitForHead(live);
    } finally {
      await live.stop();
    }
    const before = await checksums(projections);
    // The story reached every read model.
    for (const table of ['campaigns', 'leads', 'enrollments', 'emails', 'campaign_daily_stats', 'sequences', 'templates', 'users', 'workspaces', 'workspace_members']) {
      expect(before[table]?.rows).toBeGreaterThan(0);
    }
    expect(before.emails?.rows).toBe(15);

    await dropEverything(all);
    const rebuilt = await runToHead(all, 500);
    try {
      await waitForHead(rebuilt);
    } finally {
      await rebuilt.stop();
    }
    expect(await checksums(projections)).toEqual(before);
  }, 60_000);

  it('would catch a projection whose rows depend on when it ran rather than on the log', async () => {
    const clockBound = defineProjection<unknown>()({
      name: 'clock_bound',
      version: 1,
      handles: ['LeadEnrolled'],
      tables: ['clock_bound'],
      async migrate(migrating, schema) {
        await sql`create table ${sql.id(schema, 'clock_bound')} (enrollment_id uuid primary key, seen_at timestamptz not null)`.execute(migrating);
      },
      async apply({ db: trx, schema }, events) {
        for (const event of events) {
          await sql`insert into ${sql.id(schema, 'clock_bound')} values (${event.data.enrollmentId}, now()) on conflict do nothing`.execute(trx);
        }
      },
    });
    const first = await runToHead([clockBound], 500);
    await waitForHead(first);
    await first.stop();
    const before = await checksums([clockBound]);
    expect(before.clock_bound?.rows).toBeGreaterThan(0);
    await dropEverything([clockBound]);
    const again = await runToHead([clockBound], 500);
    await waitForHead(again);
    await again.stop();
    expect(await checksums([clockBound])).not.toEqual(before);
  });
});
