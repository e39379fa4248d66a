import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '@app/database';
import { TEST_MASTER_KEY, assertTestDatabase, fileDatabaseName, leadCreated, templateCreated, templateRevised, useTestDatabase, writeMetadata } from '@app/testing';
import {
  CopyCheckpoint,
  CopyProgress,
  EventStoreDbEventStore,
  FileCopyCheckpoint,
  OpenedEventStore,
  PostgresCopyCheckpoint,
  PostgresEventIdRegistry,
  PostgresEventStore,
  canonicalJson,
  copyEventStore,
  migrateEventStore,
  openEventStore,
  openPostgresEventStore,
  verifyChain,
} from '@app/event-store';
import { EventStoreDbDouble } from '../../../../test/eventstoredb-double/eventstoredb-double';

/** The source: a PostgreSQL store, also the keys database for the EventStoreDB side. */
const source = useTestDatabase();
const targetName = fileDatabaseName(`${process.env.JEST_WORKER_ID ?? '0'}copy`, randomBytes(4).toString('hex'));
assertTestDatabase(targetName);
const targetUrl = withDatabase(source.serverUrl, targetName);

let double: EventStoreDbDouble;
let sourceStore: OpenedEventStore;
let esdb: EventStoreDbEventStore;
let target: PostgresEventStore;
let idPool: Pool;
let workDir: string;

type Row = Record<string, string>;
/** Everything the copy must preserve, as PostgreSQL holds it, in global order. */
async function dump(url: string): Promise<Row[]> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query<Row>(
      `select event_id::text as id, stream_id, revision::text as revision, type, version::text as version, data::text as data,
         metadata::text as metadata, prev_hash, hash from es_events order by xid, position`,
    );
    return rows;
  } finally {
    await pool.end();
  }
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'copy-event-store-'));
  await ensureDatabase(source.serverUrl, targetName);
  await migrateEventStore(targetUrl);
  double = await EventStoreDbDouble.start();
  sourceStore = openPostgresEventStore({ connectionString: source.url, masterKey: TEST_MASTER_KEY });
  idPool = new Pool({ connectionString: source.url, max: 4 });
  idPool.on('error', () => undefined);
  esdb = new EventStoreDbEventStore({ connectionString: double.url, eventIds: new PostgresEventIdRegistry(idPool) });
  target = new PostgresEventStore({ connectionString: targetUrl });

  // Interleaved streams, several multi-event appends, personal data, an erased lead.
  const meta = writeMetadata();
  const templates = Array.from({ length: 12 }, () => randomUUID());
  const leads = Array.from({ length: 6 }, () => randomUUID());
  for (const id of templates) await sourceStore.store.append(`template-${id}`, [templateCreated(id)], 'no_stream', meta);
  for (const id of leads) await sourceStore.store.append(`lead-${id}`, [leadCreated(id, { email: `${id.slice(0, 6)}@example.com`, customFields: { '10': 'x', '9': 'y', z: 'z' } })], 'no_stream', meta);
  for (let round = 1; round <= 8; round++) {
    for (const [i, id] of templates.entries()) {
      const events = Array.from({ length: 1 + ((round + i) % 3) }, (_, k) => templateRevised(id, 0));
      const head = (await sourceStore.store.adapter.readStream(`template-${id}`, { direction: 'backwards', limit: 1 }))[0]!.revision;
      await sourceStore.store.append(`template-${id}`, events.map((e, k) => ({ ...e, data: { ...e.data, revision: head + k + 1 } })), head, meta);
    }
  }
  // Raw bytes the codec would never write: integer-like keys (which JSON.stringify reorders),
  // non-ASCII text, numbers at the edges of their notation.
  const data = canonicalJson({ z: { '10': 'ten', '9': 'nine', a: [1.5e300, 1e-7, -0, 0.1] }, text: 'é\u2028 \ud83d\ude00 "quoted"' });
  await sourceStore.store.adapter.append(`raw-${randomUUID()}`, [{ id: randomUUID(), type: 'RawFixture', version: 3, data, metadata: canonicalJson({ ...meta, schemaVersion: 3 }) }], 'no_stream');
  await sourceStore.keys.erase(leads[0]!);
  await sourceStore.store.append(`lead-${leads[0]}`, [{ type: 'LeadUpdated', data: { leadId: leads[0]!, firstName: 'Gone', updatedAt: meta.occurredAt } }], 0, meta);
});

afterAll(async () => {
  await target?.close();
  await esdb?.close();
  await idPool?.end();
  await sourceStore?.close();
  await double?.stop();
  await dropDatabase(source.serverUrl, targetName);
  rmSync(workDir, { recursive: true, force: true });
});

/** A checkpoint whose save fails once after `afterSaves` saves: the process died after writing a page. */
function crashingOnce(inner: CopyCheckpoint, afterSaves: number): CopyCheckpoint {
  let saves = 0;
  return {
    load: () => inner.load(),
    reset: () => inner.reset(),
    save: async (state) => {
      if (++saves === afterSaves + 1) throw new Error('simulated crash before progress was saved');
      await inner.save(state);
    },
  };
}

describe('copying a whole event store, PostgreSQL -> EventStoreDB -> PostgreSQL', () => {
  it('ends with an identical log (ids, order, types, data, metadata, hashes), through interrupted and resumed runs', async () => {
    const original = await dump(source.url);
    expect(original.length).toBeGreaterThan(150);

    // Leg 1, into EventStoreDB: stopped after a few pages, resumed with another page size.
    const toEsdb = new PostgresCopyCheckpoint(idPool, `test-to-esdb-${randomUUID()}`);
    const controller = new AbortController();
    const seen: CopyProgress[] = [];
    const stopped = await copyEventStore({
      source: sourceStore.store.adapter,
      target: esdb,
      checkpoint: toEsdb,
      batchSize: 25,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.phase === 'copying' && p.done >= 75) controller.abort();
      },
    });
    expect(stopped).toMatchObject({ interrupted: true, verified: false, events: original.length, copied: 75, resumedFrom: null });
    expect(seen.some((p) => p.phase === 'counting')).toBe(true);
    const resumed = await copyEventStore({ source: sourceStore.store.adapter, target: esdb, checkpoint: toEsdb, batchSize: 40 });
    expect(resumed).toMatchObject({ interrupted: false, verified: true, copied: original.length - 75, alreadyThere: 0 });
    expect(resumed.resumedFrom).not.toBeNull();
    expect((await esdb.readAll({ limit: 10_000 })).map((e) => e.id)).toEqual(original.map((r) => r.id));

    // Leg 2, back into a second PostgreSQL: the process "dies" after writing a page but before
    // saving progress; the next run finds those events there and does not write them again.
    const fileCheckpoint = new FileCopyCheckpoint(join(workDir, 'back.json'));
    await expect(copyEventStore({ source: esdb, target, checkpoint: crashingOnce(fileCheckpoint, 2), batchSize: 30 })).rejects.toThrow(/simulated crash/);
    expect(await fileCheckpoint.load()).toMatchObject({ copied: 60 });
    const back = await copyEventStore({ source: esdb, target, checkpoint: fileCheckpoint, batchSize: 45 });
    expect(back).toMatchObject({ interrupted: false, verified: true, alreadyThere: 30, copied: original.length - 90 });

    // Byte for byte what the original PostgreSQL store holds, in the same global order.
    const copy = await dump(targetUrl);
    expect(copy).toEqual(original);

    // Chains verify, and personal data still opens with the keys that never moved.
    const streams = [...new Set(copy.map((r) => r.stream_id))];
    for (const stream of streams) expect(verifyChain(await target.readStream(stream)).ok).toBe(true);
    const reopened = openEventStore({ adapter: new PostgresEventStore({ connectionString: targetUrl }), keysDatabaseUrl: source.url, masterKey: TEST_MASTER_KEY });
    try {
      const lead = streams.filter((s) => s.startsWith('lead-'))[1]!;
      const [created] = await reopened.store.readStream(lead);
      expect(created).toMatchObject({ personalDataErased: false, data: { email: `${lead.slice(5, 11)}@example.com`, customFields: { '10': 'x', '9': 'y', z: 'z' } } });
      const erased = await reopened.store.readStream(streams.filter((s) => s.startsWith('lead-'))[0]!);
      expect(erased.map((e) => e.personalDataErased)).toEqual([true, true]);
    } finally {
      await reopened.close();
    }

    // Running again when all is done copies nothing and still verifies.
    expect(await copyEventStore({ source: esdb, target, checkpoint: fileCheckpoint, batchSize: 45 })).toMatchObject({ copied: 0, alreadyThere: 0, verified: true });
  });

  it('refuses to start a fresh copy into a store that holds other events', async () => {
    const otherDouble = await EventStoreDbDouble.start();
    const other = new EventStoreDbEventStore({ connectionString: otherDouble.url });
    try {
      const [event] = await sourceStore.store.codec.encode([{ ...templateCreated(randomUUID()), id: randomUUID() }], writeMetadata());
      await other.append(`template-${randomUUID()}`, [event!], 'no_stream');
      const fresh = new FileCopyCheckpoint(join(workDir, 'fresh.json'));
      await expect(copyEventStore({ source: other, target, checkpoint: fresh })).rejects.toThrow(/not empty and holds other events/);
      expect(await fresh.load()).toEqual({ position: null, copied: 0 });
    } finally {
      await other.close();
      await otherDouble.stop();
    }
  });
});
