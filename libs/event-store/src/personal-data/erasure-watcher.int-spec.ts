import { randomUUID } from 'node:crypto';
import { streams } from '@app/events';
import { TEST_MASTER_KEY, leadCreated, useTestDatabase, waitFor, writeMetadata } from '@app/testing';
import { OpenedEventStore, openPostgresEventStore } from '../open-event-store';
import { ErasureWatcher } from './erasure-watcher';

/**
 * Three "processes" on one database, each with its own key cache: `eraser` erases a lead,
 * `watching` runs an ErasureWatcher, `unwatched` does not. Both others have the lead's key
 * cached (for a minute) before the erasure.
 */
const database = useTestDatabase();
let eraser: OpenedEventStore;
let watching: OpenedEventStore;
let unwatched: OpenedEventStore;
let watcher: ErasureWatcher;

const open = () => openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50, keyCacheTtlMs: 60_000 });

beforeAll(async () => {
  eraser = open();
  watching = open();
  unwatched = open();
  watcher = new ErasureWatcher(watching.store, watching.keys);
  await watcher.start();
});

afterAll(async () => {
  await watcher.stop();
  await Promise.all([eraser.close(), watching.close(), unwatched.close()]);
});

const firstNameSeenBy = async (opened: OpenedEventStore, leadId: string) => {
  const [created] = await opened.store.readStream(streams.lead(leadId));
  return { firstName: (created?.data as { firstName?: unknown }).firstName, erased: created?.personalDataErased };
};

it("drops an erased lead's cached key in another process as soon as LeadErased is in the log", async () => {
  const leadId = randomUUID();
  await eraser.store.append(streams.lead(leadId), [leadCreated(leadId)], 'no_stream', writeMetadata());
  // Both other processes read the lead: its key is now in their caches.
  expect(await firstNameSeenBy(watching, leadId)).toEqual({ firstName: 'Ada', erased: false });
  expect(await firstNameSeenBy(unwatched, leadId)).toEqual({ firstName: 'Ada', erased: false });

  await eraser.keys.erase(leadId);
  await eraser.store.append(streams.lead(leadId), [{ type: 'LeadErased', data: { leadId, erasedAt: '2025-03-04T09:00:00.000Z' } }], 0, writeMetadata());

  await waitFor(() => watcher.applied >= 1, { message: 'the watcher never saw LeadErased' });
  const seen = await firstNameSeenBy(watching, leadId);
  expect(seen.erased).toBe(true);
  expect(seen.firstName).not.toBe('Ada');
  // Without a watcher the cached key keeps decrypting until its TTL: what the watcher is for.
  expect(await firstNameSeenBy(unwatched, leadId)).toEqual({ firstName: 'Ada', erased: false });
  // The eraser's own cache was updated by the erasure itself.
  expect((await firstNameSeenBy(eraser, leadId)).erased).toBe(true);
});

it('follows the log from where it started: an erasure before the watcher started is not replayed', async () => {
  const before = watcher.applied;
  const late = new ErasureWatcher(watching.store, watching.keys);
  await late.start();
  try {
    const leadId = randomUUID();
    await eraser.store.append(streams.lead(leadId), [leadCreated(leadId), { type: 'LeadErased', data: { leadId, erasedAt: '2025-03-04T09:00:00.000Z' } }], 'no_stream', writeMetadata());
    await waitFor(() => late.applied === 1 && watcher.applied === before + 1, { message: 'the watchers did not both see the new erasure exactly once' });
  } finally {
    await late.stop();
  }
});
