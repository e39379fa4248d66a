import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { TEST_MASTER_KEY, describeEventStoreContract, templateCreated, templateRevised, useTestDatabase, waitFor, writeMetadata } from '@app/testing';
import { OpenedEventStore, RawEvent, StoredEvent, openPostgresEventStore } from '@app/event-store';

const db = useTestDatabase();
let opened: OpenedEventStore;

beforeAll(() => {
  opened = openPostgresEventStore({ connectionString: db.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 200 });
});
afterAll(async () => {
  await opened.close();
});

describeEventStoreContract('PostgreSQL', () => ({ store: opened.store, keys: opened.keys }));

/** Appends inside an explicit transaction that the test commits or rolls back later. */
async function openTransactionAppend(stream: string, raw: RawEvent[]): Promise<{ client: Client; commit: () => Promise<void>; rollback: () => Promise<void> }> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  await client.query('begin');
  await client.query('select * from es_append($1, $2, $3, $4::uuid[], $5::text[], $6::int[], $7::text[], $8::text[])', [
    stream,
    'any',
    null,
    raw.map((e) => e.id),
    raw.map((e) => e.type),
    raw.map((e) => e.version),
    raw.map((e) => e.data),
    raw.map((e) => e.metadata),
  ]);
  const finish = async (sql: string) => {
    await client.query(sql);
    await client.end();
  };
  return { client, commit: () => finish('commit'), rollback: () => finish('rollback') };
}

async function encode(count: number): Promise<RawEvent[]> {
  return opened.store.codec.encode(
    Array.from({ length: count }, (_, i) => ({ ...templateRevised(randomUUID(), i + 1), id: randomUUID() })),
    writeMetadata(),
  );
}

function collect(prefix: string, from: string | null) {
  const controller = new AbortController();
  const seen: StoredEvent[] = [];
  const done = (async () => {
    for await (const batch of opened.store.adapter.subscribeAll({ from, filter: { streamPrefixes: [prefix] }, signal: controller.signal, batchSize: 7 })) {
      seen.push(...batch.events);
    }
  })();
  return { seen, stop: async () => (controller.abort(), done) };
}

describe('PostgreSQL event store: gap safety', () => {
  it('delivers an event that commits after a higher position was committed, in order, not skipped', async () => {
    const prefix = `gap${randomUUID().slice(0, 8)}-`;
    const start = await opened.store.headPosition();
    const sub = collect(prefix, start);

    const slow = await openTransactionAppend(`${prefix}slow`, await encode(1));
    const [slowRow] = (await slow.client.query<{ position: string }>(`select max(position)::text as position from es_events where stream_id = '${prefix}slow'`)).rows;
    await opened.store.append(`${prefix}fast`, [templateCreated(randomUUID())], 'no_stream', writeMetadata());
    const fastPosition = (await db.pool.query<{ position: string }>(`select position::text from es_events where stream_id = '${prefix}fast'`)).rows[0]!.position;
    expect(BigInt(fastPosition)).toBeGreaterThan(BigInt(slowRow!.position));

    // The fast event is committed but must not be handed out while the slower, lower one is open.
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.seen).toEqual([]);

    await slow.commit();
    await waitFor(() => sub.seen.length === 2);
    await sub.stop();
    expect(sub.seen.map((e) => e.streamId)).toEqual([`${prefix}slow`, `${prefix}fast`]);
  });

  it('hands every committed event to a subscriber exactly once, in global order, under concurrent appends', async () => {
    const prefix = `conc${randomUUID().slice(0, 8)}-`;
    const start = await opened.store.headPosition();
    const sub = collect(prefix, start);

    const writers = 6;
    const appendsPerWriter = 40;
    const appended: string[] = [];
    const plain = Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < appendsPerWriter; i++) {
        const events = [{ ...templateRevised(randomUUID(), i + 1), id: randomUUID() }];
        await opened.store.append(`${prefix}w${w}`, events, 'any', writeMetadata());
        appended.push(events[0]!.id);
      }
    });
    // Laggards: take a position, hold the transaction open while others commit, then commit
    // (or roll back: those events must never be seen).
    const rolledBack: string[] = [];
    const laggards = Array.from({ length: 12 }, async (_, i) => {
      const raw = await encode(1 + (i % 3));
      const tx = await openTransactionAppend(`${prefix}lag${i}`, raw);
      await new Promise((r) => setTimeout(r, 20 + ((i * 37) % 120)));
      if (i % 4 === 3) {
        await tx.rollback();
        rolledBack.push(...raw.map((e) => e.id));
      } else {
        await tx.commit();
        appended.push(...raw.map((e) => e.id));
      }
    });
    await Promise.all([...plain, ...laggards]);

    await waitFor(() => sub.seen.length >= appended.length, { timeoutMs: 20_000, message: 'subscriber did not see every event' });
    await new Promise((r) => setTimeout(r, 300));
    await sub.stop();

    const seenIds = sub.seen.map((e) => e.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect([...seenIds].sort()).toEqual([...appended].sort());
    expect(seenIds.filter((id) => rolledBack.includes(id))).toEqual([]);
    const committedOrder = await db.pool.query<{ id: string }>(
      `select event_id::text as id from es_events where stream_id like $1 order by xid, position`,
      [`${prefix}%`],
    );
    expect(seenIds).toEqual(committedOrder.rows.map((r) => r.id));
    for (let i = 1; i < sub.seen.length; i++) {
      expect(opened.store.comparePositions(sub.seen[i - 1]!.position, sub.seen[i]!.position)).toBeLessThan(0);
    }
  });
});

describe('PostgreSQL event store: live latency', () => {
  it('wakes a subscriber for an append made while it handed out the previous batch, not at the next poll', async () => {
    // The subscriber is another process: it learns of appends only through LISTEN/NOTIFY, and
    // its poll interval is long enough that a missed wake-up shows.
    const reader = openPostgresEventStore({ connectionString: db.url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 3000 });
    try {
      const prefix = `lat${randomUUID().slice(0, 8)}-`;
      const start = await reader.store.headPosition();
      const controller = new AbortController();
      const arrivals: number[] = [];
      const consuming = (async () => {
        for await (const batch of reader.store.adapter.subscribeAll({ from: start, filter: { streamPrefixes: [prefix] }, signal: controller.signal })) {
          if (!batch.events.length) continue;
          arrivals.push(Date.now());
          // A projection applying its batch while the next append lands.
          await new Promise((r) => setTimeout(r, 300));
        }
      })();
      await new Promise((r) => setTimeout(r, 100));
      await opened.store.append(`${prefix}a`, [templateCreated(randomUUID())], 'no_stream', writeMetadata());
      await waitFor(() => arrivals.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      const appendedAt = Date.now();
      await opened.store.append(`${prefix}b`, [templateCreated(randomUUID())], 'no_stream', writeMetadata());
      await waitFor(() => arrivals.length === 2, { timeoutMs: 5000 });
      controller.abort();
      await consuming;
      expect((arrivals[1] as number) - appendedAt).toBeLessThan(1000);
    } finally {
      await reader.close();
    }
  });
});

describe('PostgreSQL event store: transactions that append nothing', () => {
  it('do not hold subscriptions back, even left open in another database', async () => {
    const idle = new Client({ connectionString: db.serverUrl });
    await idle.connect();
    await idle.query('begin');
    // A write gives the transaction an xid: with a plain xmin horizon this would stall every reader.
    await idle.query('create temp table held_open (x int)');
    await idle.query('insert into held_open values (1)');
    try {
      const prefix = `idle${randomUUID().slice(0, 8)}-`;
      const start = await opened.store.headPosition();
      const sub = collect(prefix, start);
      await opened.store.append(`${prefix}a`, [templateCreated(randomUUID())], 'no_stream', writeMetadata());
      await waitFor(() => sub.seen.length === 1, { timeoutMs: 3000, message: 'an unrelated open transaction stalled the subscription' });
      expect(await opened.store.readAll({ from: start, filter: { streamPrefixes: [prefix] } })).toHaveLength(1);
      await sub.stop();
    } finally {
      await idle.query('rollback');
      await idle.end();
    }
  });

  it('refuses es_append as a second write of a transaction (the horizon relies on it)', async () => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('begin');
      await client.query('create temp table before_append (x int)');
      await client.query('insert into before_append values (1)');
      const raw = await encode(1);
      await expect(
        client.query('select * from es_append($1, $2, $3, $4::uuid[], $5::text[], $6::int[], $7::text[], $8::text[])', [
          `template-${randomUUID()}`,
          'any',
          null,
          raw.map((e) => e.id),
          raw.map((e) => e.type),
          raw.map((e) => e.version),
          raw.map((e) => e.data),
          raw.map((e) => e.metadata),
        ]),
      ).rejects.toThrow(/first write of its transaction/);
    } finally {
      await client.query('rollback').catch(() => undefined);
      await client.end();
    }
  });
});

describe('PostgreSQL event store: the hash chain in SQL', () => {
  it('computes in es_append exactly the hash the verifier recomputes', async () => {
    const s = `template-${randomUUID()}`;
    await opened.store.append(s, [templateCreated(randomUUID())], 'no_stream', writeMetadata());
    await opened.store.append(s, [templateRevised(randomUUID(), 1)], 0, writeMetadata());
    const { verifyChain } = await import('@app/event-store');
    expect(verifyChain(await opened.store.adapter.readStream(s))).toMatchObject({ ok: true, events: 2 });

    await db.pool.query(`update es_events set data = (replace(data::text, 'r1', 'r9'))::json where stream_id = $1 and revision = 1`, [s]);
    const verdict = verifyChain(await opened.store.adapter.readStream(s));
    expect(verdict).toMatchObject({ ok: false, firstBreak: { streamId: s, revision: 1, reason: 'hash-mismatch' } });
  });
});
