import { OpenedEventStore, openPostgresEventStore } from '@app/event-store';
import { Projection, ProjectionHost, defineProjection } from '@app/projections';
import { DB } from '@app/read-store';
import { HOUR, TEST_MASTER_KEY, dropProjections, readModelChecksums, readModelDb, recordingLogger, springCampaign, useTestDatabase, waitForProjectionsAtHead } from '@app/testing';
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

/** Every table of the given projections: row count and digest. */
const checksums = (of: readonly Pick<Projection, 'tables'>[]) => readModelChecksums(db, of);

/** Runs the projections live until each has reached the head of the log, then stops them. */
async function runToHead(of: readonly Projection<unknown>[], batchSize: number): Promise<ProjectionHost<unknown>> {
  const host = new ProjectionHost<unknown>({ projections: of, store: opened.store, db, logger: recordingLogger(), batchSize, lockPool });
  await host.start();
  return host;
}

const waitForHead = (host: ProjectionHost<unknown>) => waitForProjectionsAtHead(opened.store, host);
const dropEverything = (of: readonly Projection<unknown>[]) => dropProjections(db, of);

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
