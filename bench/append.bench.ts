/**
 * bench:append: single-event and 10-event appends from 8 concurrent writers to 10,000 streams,
 * against the floor of raw autocommit single-row INSERTs of the same rows into a plain table,
 * measured in the same run on the same server. Prints JSON.
 *
 * BENCH_SECONDS (default 20) sets each phase's length.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { migrateEventStore, openPostgresEventStore } from '@app/event-store';
import { benchDatabase, percentiles, timedLoad } from './bench-support';

const WRITERS = 8;
const STREAMS = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const MASTER_KEY = Buffer.alloc(32, 1);
const FAKE_HASH = 'f'.repeat(64);
const meta = {
  tenantId: randomUUID(),
  actorId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: new Date().toISOString(),
};

function revised(templateId: string, revision: number) {
  return {
    type: 'TemplateRevised' as const,
    data: { templateId, revision, subject: `Quick question, {{firstName}} (${revision})`, body: 'Hi {{firstName}}, worth a chat this week?', variables: ['firstName'], revisedAt: meta.occurredAt },
  };
}

async function main(): Promise<void> {
  const bench = await benchDatabase('copilot_bench_append');
  await migrateEventStore(bench.url);
  const opened = openPostgresEventStore({ connectionString: bench.url, masterKey: MASTER_KEY, poolSize: WRITERS });
  const store = opened.store;
  const streams = Array.from({ length: STREAMS }, () => randomUUID());
  // Each writer owns a slice of the streams and tracks their revisions: appends use exact
  // expected revisions, as command handlers do, without conflicts between writers.
  const revisions = new Map<string, number>();
  const streamFor = (writer: number, i: number) => streams[(writer + i * WRITERS) % STREAMS] as string;

  // The floor: the same encoded rows, plain autocommit single-row INSERTs into a plain table.
  await bench.pool.query(`create table raw_events (
    position bigint generated always as identity primary key, event_id uuid not null, stream_id text not null, revision bigint not null,
    type text not null, version integer not null, data json not null, metadata json not null, prev_hash text not null, hash text not null,
    recorded_at timestamptz not null default now())`);
  const sample = (await store.codec.encode([{ ...revised(randomUUID(), 1), id: randomUUID() }], meta))[0]!;
  const rawPool = new Pool({ connectionString: bench.url, max: WRITERS });
  const rawLoad = (seconds: number) =>
    timedLoad(WRITERS, seconds, async (w, i) => {
      await rawPool.query(
        'insert into raw_events (event_id, stream_id, revision, type, version, data, metadata, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        [randomUUID(), `template-${streamFor(w, i)}`, i, sample.type, sample.version, sample.data, sample.metadata, FAKE_HASH, FAKE_HASH],
      );
      return 1;
    });

  const appendLoad = (perAppend: number, seconds: number) =>
    timedLoad(WRITERS, seconds, async (w, i) => {
      const id = streamFor(w, i);
      const current = revisions.get(id) ?? -1;
      const events = Array.from({ length: perAppend }, (_, k) => revised(id, current + 2 + k));
      const result = await store.append(`template-${id}`, events, current < 0 ? 'no_stream' : current, meta);
      revisions.set(id, result.nextExpectedRevision);
      return perAppend;
    });

  // Same conditions for every phase: each starts right after a checkpoint, and the floor and
  // the store alternate over two rounds so neither always runs on a fresher database.
  const settle = () => bench.pool.query('checkpoint');
  const rounds: { raw: Awaited<ReturnType<typeof timedLoad>>; single: Awaited<ReturnType<typeof timedLoad>> }[] = [];
  for (let round = 0; round < 2; round++) {
    await settle();
    const raw = await rawLoad(SECONDS / 2);
    await settle();
    const single = await appendLoad(1, SECONDS / 2);
    rounds.push({ raw, single });
  }
  await rawPool.end();
  await settle();
  const batch = await appendLoad(10, SECONDS);
  const combine = (parts: Awaited<ReturnType<typeof timedLoad>>[]) => ({
    operations: parts.reduce((n, p) => n + p.operations, 0),
    events: parts.reduce((n, p) => n + p.events, 0),
    seconds: parts.reduce((n, p) => n + p.seconds, 0),
    latencies: parts.flatMap((p) => p.latencies),
  });
  const raw = combine(rounds.map((r) => r.raw));
  const single = combine(rounds.map((r) => r.single));

  const summary = (r: Awaited<ReturnType<typeof timedLoad>>) => ({
    eventsPerSecond: Math.round(r.events / r.seconds),
    appendsPerSecond: Math.round(r.operations / r.seconds),
    latencyMs: percentiles(r.latencies),
    events: r.events,
  });
  const rawSummary = summary(raw);
  const singleSummary = summary(single);
  const batchSummary = summary(batch);
  const output = {
    benchmark: 'append',
    machine: { cpus: require('node:os').cpus().length, node: process.version },
    writers: WRITERS,
    streams: STREAMS,
    secondsPerPhase: SECONDS,
    baseline_rawInsert: rawSummary,
    singleEventAppends: singleSummary,
    tenEventAppends: batchSummary,
    singleVsRawInsert: Math.round((singleSummary.eventsPerSecond / rawSummary.eventsPerSecond) * 1000) / 1000,
    target: 'single-event appends >= 0.6 x raw insert rate',
    targetMet: singleSummary.eventsPerSecond >= 0.6 * rawSummary.eventsPerSecond,
  };
  await opened.close();
  await bench.done();
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
