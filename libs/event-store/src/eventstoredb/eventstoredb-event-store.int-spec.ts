import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { TEST_MASTER_KEY, describeEventStoreContract, templateCreated, templateRevised, useTestDatabase, waitFor, writeMetadata } from '@app/testing';
import { Batch, EventStoreDbEventStore, OpenedEventStore, RawEvent, StoredEvent, openEventStoreDbEventStore, resubscribing, verifyChain } from '@app/event-store';
import { EventStoreDbDouble } from '../../../../test/eventstoredb-double/eventstoredb-double';

const db = useTestDatabase();
let double: EventStoreDbDouble;
let opened: OpenedEventStore;

beforeAll(async () => {
  double = await EventStoreDbDouble.start();
  // A checkpoint after every event read, so "the checkpoint moves past skipped events" shows at once.
  opened = openEventStoreDbEventStore({ connectionString: double.url, keysDatabaseUrl: db.url, masterKey: TEST_MASTER_KEY, checkpoints: { maxSearchWindow: 1 } });
});
afterAll(async () => {
  await opened?.close();
  await double?.stop();
});

describeEventStoreContract('EventStoreDB (test double)', () => ({ store: opened.store, keys: opened.keys }));

describe('with the Append call, as against a server without BatchAppend', () => {
  let legacyDouble: EventStoreDbDouble;
  let legacy: OpenedEventStore;
  beforeAll(async () => {
    legacyDouble = await EventStoreDbDouble.start({ batchAppend: false });
    legacy = openEventStoreDbEventStore({ connectionString: legacyDouble.url, keysDatabaseUrl: db.url, masterKey: TEST_MASTER_KEY, checkpoints: { maxSearchWindow: 1 } });
  });
  afterAll(async () => {
    await legacy?.close();
    await legacyDouble?.stop();
  });
  describeEventStoreContract('EventStoreDB (test double, Append call)', () => ({ store: legacy.store, keys: legacy.keys }));
});

// ---- the same suite against a real server, when there is one ----

const realServerUrl = process.env.EVENTSTORE_URL;
if (realServerUrl) {
  describe('against the real EventStoreDB server at EVENTSTORE_URL', () => {
    let real: OpenedEventStore;
    beforeAll(() => {
      real = openEventStoreDbEventStore({ connectionString: realServerUrl, keysDatabaseUrl: db.url, masterKey: TEST_MASTER_KEY, checkpoints: { maxSearchWindow: 1 } });
    });
    afterAll(async () => {
      await real?.close();
    });
    describeEventStoreContract('EventStoreDB (real server)', () => ({ store: real.store, keys: real.keys }));
  });
} else {
  describe('EventStoreDB (real server)', () => {
    it('is not run: EVENTSTORE_URL is not set', () => {
      process.stderr.write(
        '\nThe event-store contract ran against the EventStoreDB test double only, which is not the server.\n' +
          'To run it against a real one: EVENTSTORE_URL="esdb://localhost:2113?tls=false" npx jest libs/event-store/src/eventstoredb\n',
      );
      expect(realServerUrl).toBeUndefined();
    });
  });
}

// ---- what the adapter writes ----

describe('EventStoreDB adapter: the stored form', () => {
  it('writes JSON data and the canonical core metadata plus the chain, and hands the chain back in its own fields', async () => {
    const s = `template-${randomUUID()}`;
    const meta = writeMetadata({ actorId: randomUUID() });
    await opened.store.append(s, [templateCreated(randomUUID()), templateRevised(randomUUID(), 1)], 'no_stream', meta);

    const client = EventStoreDBClient.connectionString(double.url);
    try {
      const raw = [];
      for await (const resolved of client.readStream(s)) raw.push(resolved.event);
      expect(raw.map((e) => [e?.isJson, e?.type])).toEqual([
        [true, 'TemplateCreated'],
        [true, 'TemplateRevised'],
      ]);
      expect(raw[1]?.metadata).toEqual({ ...meta, schemaVersion: 1, eventVersion: 1, prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    } finally {
      await client.dispose();
    }

    const stored = await opened.store.adapter.readStream(s);
    expect(JSON.parse(stored[1]!.metadata)).toEqual({ ...meta, schemaVersion: 1 });
    expect(stored[1]!.prevHash).toBe(stored[0]!.hash);
    expect(stored[0]!.position).toMatch(/^C:\d+\/P:\d+$/);
    expect(verifyChain(stored)).toMatchObject({ ok: true, events: 2 });
  });

  it('refuses a PostgreSQL position as a checkpoint instead of resuming somewhere', async () => {
    await expect(opened.store.adapter.readAll({ from: '1234/5' })).rejects.toThrow(/not an EventStoreDB position/);
  });

  it('orders positions the same through orderKey as through comparePositions', async () => {
    const s = `template-${randomUUID()}`;
    await opened.store.append(s, [templateCreated(randomUUID()), templateRevised(randomUUID(), 1), templateRevised(randomUUID(), 2)], 'no_stream', writeMetadata());
    const positions = (await opened.store.adapter.readStream(s)).map((e) => e.position);
    for (let i = 1; i < positions.length; i++) {
      expect(opened.store.comparePositions(positions[i - 1]!, positions[i]!)).toBe(-1);
      expect(opened.store.adapter.orderKey(positions[i - 1]!) < opened.store.adapter.orderKey(positions[i]!)).toBe(true);
    }
  });
});

describe('EventStoreDB adapter without an event-id registry', () => {
  let bare: EventStoreDbEventStore;
  beforeAll(() => {
    bare = new EventStoreDbEventStore({ connectionString: double.url });
  });
  afterAll(async () => {
    await bare?.close();
  });
  const encode = (count: number): Promise<RawEvent[]> =>
    opened.store.codec.encode(
      Array.from({ length: count }, (_, i) => ({ ...templateRevised(randomUUID(), i + 1), id: randomUUID() })),
      writeMetadata(),
    );

  it('still recognises a retry while its events are the stream\'s newest', async () => {
    const s = `template-${randomUUID()}`;
    const raw = await encode(2);
    const first = await bare.append(s, raw, 'no_stream');
    expect(await bare.append(s, raw, 'no_stream')).toEqual({ ...first, duplicate: true });
    expect(await bare.append(s, raw, 'any')).toEqual({ ...first, duplicate: true });
    await bare.append(s, await encode(1), 1);
    // No longer the newest: found by reading the stream, on the conflict path.
    expect(await bare.append(s, raw, 'no_stream')).toEqual({ ...first, duplicate: true });
    await expect(bare.append(s, [raw[1]!, ...(await encode(1))], 2)).rejects.toThrow(/already used/);
    expect(await bare.readStream(s)).toHaveLength(3);
  });

  it('does not notice an id reused in another stream: EventStoreDB does not check, which is what the registry is for', async () => {
    const [event] = await encode(1);
    await bare.append(`template-${randomUUID()}`, [event!], 'no_stream');
    await expect(bare.append(`template-${randomUUID()}`, [event!], 'no_stream')).resolves.toMatchObject({ duplicate: false });
  });
});

// ---- faults: drops, unavailability, restarts ----

type Consumer = { seen: StoredEvent[]; checkpoint: string | null; retries: number; stop: () => Promise<void> };

/**
 * A consumer as the projector runner will be: it keeps its checkpoint with what it applied
 * and resubscribes from it with backoff.
 */
function consume(prefix: string, from: string | null): Consumer {
  const controller = new AbortController();
  const state: Consumer = { seen: [], checkpoint: from, retries: 0, stop: async () => undefined };
  const subscribe = (at: string | null): AsyncIterable<Batch<StoredEvent>> =>
    opened.store.adapter.subscribeAll({ from: at, filter: { streamPrefixes: [prefix] }, signal: controller.signal, batchSize: 5 });
  const done = (async () => {
    const batches = resubscribing(subscribe, {
      from,
      loadCheckpoint: async () => state.checkpoint,
      signal: controller.signal,
      initialDelayMs: 10,
      maxDelayMs: 200,
      onRetry: () => state.retries++,
    });
    for await (const batch of batches) {
      state.seen.push(...batch.events);
      state.checkpoint = batch.checkpoint;
    }
  })();
  state.stop = async () => {
    controller.abort();
    await done;
  };
  return state;
}

/** Appends until it succeeds, with the same ids each time: a client that retries a failed request. */
async function appendSurely(stream: string, events: { type: 'TemplateRevised'; data: ReturnType<typeof templateRevised>['data']; id: string }[], expected: number | 'no_stream') {
  for (let attempt = 1; ; attempt++) {
    try {
      return await opened.store.append(stream, events, expected, writeMetadata());
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('EventStoreDB adapter against a failing server', () => {
  it('delivers every event exactly once and in order through drops, unavailable appends and a restart', async () => {
    const prefix = `fault${randomUUID().slice(0, 8)}-`;
    const start = await opened.store.headPosition();
    const consumer = consume(prefix, start);
    const streams = [`${prefix}a`, `${prefix}b`, `${prefix}c`];
    const revisions = new Map<string, number>();
    const written: string[] = [];
    const writeSome = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const stream = streams[i % streams.length] as string;
        const next = (revisions.get(stream) ?? -1) + 1;
        const events = [0, 1].slice(0, 1 + (i % 2)).map((k) => ({ ...templateRevised(randomUUID(), next + k + 1), id: randomUUID() }));
        const result = await appendSurely(stream, events, next === 0 ? 'no_stream' : next - 1);
        revisions.set(stream, result.nextExpectedRevision);
        written.push(...events.map((e) => e.id));
      }
    };

    await writeSome(10);
    await waitFor(() => consumer.seen.length === written.length, { message: 'consumer did not catch up' });

    expect(double.dropSubscriptions()).toBeGreaterThan(0);
    await writeSome(10);

    // Refused outright, then written-but-unanswered: the retry must not write twice.
    double.failAppends({ count: 3 });
    await writeSome(4);
    double.failAppends({ count: 2, afterWrite: true });
    await writeSome(4);
    double.failAppends({ forMs: 300 });
    await writeSome(4);
    expect(double.stats.failedAppends).toBeGreaterThanOrEqual(7);

    await double.restart();
    await writeSome(10);
    double.dropSubscriptions();
    await writeSome(5);

    // Down for a while: the consumer keeps trying with growing waits, the writer keeps retrying.
    await double.stop();
    const retriesBefore = consumer.retries;
    const writing = writeSome(6);
    await waitFor(() => consumer.retries >= retriesBefore + 3, { message: 'the consumer did not keep retrying while the server was down' });
    await double.start();
    await writing;

    await waitFor(() => consumer.seen.length >= written.length, { timeoutMs: 20_000, message: 'consumer did not see every event' });
    await consumer.stop();

    expect(consumer.retries).toBeGreaterThanOrEqual(2);
    const seenIds = consumer.seen.map((e) => e.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect(seenIds).toEqual(written);
    // The log itself holds each event once, and every chain still verifies.
    const log = await opened.store.adapter.readAll({ from: start, filter: { streamPrefixes: [prefix] }, limit: 10_000 });
    expect(log.map((e) => e.id)).toEqual(written);
    for (const stream of streams) expect(verifyChain(await opened.store.adapter.readStream(stream)).ok).toBe(true);

    // A clean build from the start sees exactly what the consumer saw.
    const clean = consume(prefix, start);
    await waitFor(() => clean.seen.length >= written.length);
    await clean.stop();
    expect(clean.seen.map((e) => e.id)).toEqual(seenIds);
    expect(clean.retries).toBe(0);
  });

  it('ends a dropped subscription with SubscriptionDropped instead of hanging or resuming silently', async () => {
    const prefix = `drop${randomUUID().slice(0, 8)}-`;
    await opened.store.append(`${prefix}x`, [templateCreated(randomUUID())], 'no_stream', writeMetadata());
    const controller = new AbortController();
    const seen: StoredEvent[] = [];
    const consuming = (async () => {
      for await (const batch of opened.store.adapter.subscribeAll({ filter: { streamPrefixes: [prefix] }, signal: controller.signal })) seen.push(...batch.events);
    })();
    await waitFor(() => seen.length === 1);
    double.dropSubscriptions();
    await expect(consuming).rejects.toMatchObject({ name: 'SubscriptionDropped' });
  });

  it('fails an append with the server error once its retries are spent', async () => {
    double.failAppends({ forMs: 60_000 });
    try {
      const stream = `template-${randomUUID()}`;
      await expect(opened.store.append(stream, [templateCreated(randomUUID())], 'no_stream', writeMetadata())).rejects.toThrow(/unavailable/i);
    } finally {
      double.failAppends({ count: 0 });
    }
  });
});

describe('EventStoreDB adapter: backpressure', () => {
  it('leaves events unsent on the server while the consumer is busy, and delivers them all after', async () => {
    const prefix = `slow${randomUUID().slice(0, 8)}-`;
    const start = await opened.store.headPosition();
    const total = 2000;
    for (let i = 0; i < total / 50; i++) {
      const events = Array.from({ length: 50 }, (_, k) => templateRevised(randomUUID(), i * 50 + k + 1));
      await opened.store.append(`${prefix}s`, events, i === 0 ? 'no_stream' : i * 50 - 1, writeMetadata());
    }
    const controller = new AbortController();
    let taken = 0;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sentBefore = double.stats.subscriptionEventsSent;
    const consuming = (async () => {
      for await (const batch of opened.store.adapter.subscribeAll({ from: start, filter: { streamPrefixes: [prefix] }, signal: controller.signal, batchSize: 10 })) {
        taken += batch.events.length;
        if (taken === 10) await held;
        if (taken >= total) controller.abort();
      }
    })();
    await waitFor(() => taken === 10);
    // Poll until the server stops sending: buffers between it and the consumer are full.
    let last = -1;
    const stalled = await waitFor(
      () => {
        const sent = double.stats.subscriptionEventsSent - sentBefore;
        const stable = sent === last;
        last = sent;
        return stable && sent;
      },
      { intervalMs: 200, message: 'the server never stopped sending' },
    );
    expect(stalled).toBeLessThan(total / 2);
    release();
    await consuming;
    expect(taken).toBe(total);
  });
});
