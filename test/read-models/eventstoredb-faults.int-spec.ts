import { OpenedEventStore, openEventStoreDbEventStore } from '@app/event-store';
import { LockConnection, Projection, ProjectionHost } from '@app/projections';
import {
  HOUR,
  TEST_MASTER_KEY,
  dropProjections,
  readModelChecksums,
  readModelDb,
  recordingLogger,
  springCampaign,
  useTestDatabase,
  waitForProjectionsAtHead,
} from '@app/testing';
import { Kysely } from 'kysely';
import { projections } from '../../apps/projectors/src/index';
import { EventStoreDbDouble } from '../eventstoredb-double/eventstoredb-double';

/**
 * Every read model, fed by the EventStoreDB adapter while the server misbehaves: live
 * subscriptions dropped again and again, appends refused for a while, a restart. The
 * runners resubscribe from their stored checkpoints; at the end every table must be
 * identical to a clean build from the same log: nothing lost, nothing counted twice.
 */
const database = useTestDatabase();
const all = projections as unknown as readonly Projection<unknown>[];
let double: EventStoreDbDouble;
let opened: OpenedEventStore;
let db: Kysely<unknown>;

beforeAll(async () => {
  // Unary appends here. The client's BatchAppend keeps its pending appends in one module-wide
  // map that any stream error clears; an answer already in flight for a cleared append then
  // throws inside the client (db-client 6.x, batchAppend.js). The contract suite covers
  // BatchAppend under faults; this test is about the projections, so it avoids that race.
  double = await EventStoreDbDouble.start({ batchAppend: false });
  // The story's commands ride out the restart on the adapter's retries; on a loaded machine the
  // client takes a few seconds to reconnect, longer than the production default of ~3 s of retries.
  opened = openEventStoreDbEventStore({
    connectionString: double.url,
    keysDatabaseUrl: database.url,
    masterKey: TEST_MASTER_KEY,
    checkpoints: { maxSearchWindow: 1 },
    retry: { attempts: 14, maxDelayMs: 2000 },
  });
  db = readModelDb<unknown>(database.url, 10);
});

afterAll(async () => {
  await opened.close();
  await db.destroy();
  await double.stop();
});

async function runProjections(batchSize: number): Promise<{ host: ProjectionHost<unknown>; locks: LockConnection; logger: ReturnType<typeof recordingLogger> }> {
  const locks = new LockConnection(database.url);
  const logger = recordingLogger();
  const host = new ProjectionHost<unknown>({ projections: all, store: opened.store, db, logger, batchSize, locks });
  await host.start();
  return { host, locks, logger };
}

it('ends with every read model identical to a clean build after dropped subscriptions, refused appends and a restart', async () => {
  const live = await runProjections(5);
  // Drop every live subscription, over and over, while the story is written.
  const dropping = setInterval(() => double.dropSubscriptions(), 120);
  try {
    const spring = await springCampaign(opened.store, 'spring');
    double.failAppends({ count: 2 });
    const autumn = await springCampaign(opened.store, 'autumn');
    await double.restart();
    await spring.story.updateLead(spring.leads.clicker, { title: 'CTO' });
    spring.story.advance(HOUR);
    double.failAppends({ forMs: 300 });
    await autumn.story.unsubscribe(autumn.leads.machine, { source: 'MANUAL' });
    await autumn.story.sendNow(autumn.pendingEnrollment);
    await autumn.story.deliver();
  } finally {
    clearInterval(dropping);
  }
  await waitForProjectionsAtHead(opened.store, live.host, 60_000);
  await live.host.stop();
  await live.locks.close();

  // The faults really struck, and the runners said so.
  expect(double.stats.subscriptionsDropped).toBeGreaterThan(3);
  expect(double.stats.failedAppends).toBeGreaterThan(1);
  expect(live.logger.warnings().some((w) => /resubscribing/.test(w.message))).toBe(true);

  const afterFaults = await readModelChecksums(db, all);
  expect(afterFaults.emails?.rows).toBe(15);
  await dropProjections(db, all);
  const clean = await runProjections(500);
  await waitForProjectionsAtHead(opened.store, clean.host, 60_000);
  await clean.host.stop();
  await clean.locks.close();
  expect(await readModelChecksums(db, all)).toEqual(afterFaults);
}, 120_000);
