/**
 * bench:replay: rebuilding every read model from a big log, against the floor of COPYing the
 * rows it produced into empty tables of the same shape, measured in the same run on the same
 * server. Phases:
 *   1. generate: BENCH_EVENTS (default 1,000,000) events of campaign history from a fixed seed,
 *      appended through the event store (validated, sealed, hash-chained);
 *   2. rebuild: every registered projection, by the code path of `npm run projections --
 *      rebuild --all` (ProjectionOperations.rebuild: one read of the log for all projections,
 *      each applying its events in its own transaction per page with its checkpoint);
 *   3. floor: the rebuilt rows, COPY TO a temp file, then timed COPY FROM into empty tables
 *      (same columns, constraints and indexes), one table after the other.
 * Prints JSON. "eventsPerSecond" is log events consumed per second by the whole rebuild of all
 * projections (the log is read once and each event goes to every projection that handles it);
 * "projectionEventsPerSecond" counts one per (event, projection that applied it).
 *
 * BENCH_EVENTS, BENCH_SEED (42), BENCH_BATCH_SIZE (the CLI's default page size),
 * BENCH_PROJECTIONS=a,b (rebuild only these, to see what one costs),
 * BENCH_VERIFY=1 (build the read models live first, with the projector host, and compare the
 * rebuilt rows with them by checksum), BENCH_KEEP=1 (keep the database, and reuse its log
 * when it already holds BENCH_EVENTS events: for iterating on the replay path).
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { migrateEventStore, openPostgresEventStore } from '@app/event-store';
import { LockConnection, Projection, ProjectionHost, ProjectionOperations, checkpointsOf } from '@app/projections';
import { DB, migrateReadStore } from '@app/read-store';
import { generateCampaignHistory, waitForProjectionsAtHead } from '@app/testing';
import { projections } from '../apps/projectors/src/index';
import { benchDatabase } from './bench-support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const BATCH_SIZE = process.env.BENCH_BATCH_SIZE ? Number(process.env.BENCH_BATCH_SIZE) : undefined;
const VERIFY = process.env.BENCH_VERIFY === '1';
const KEEP = process.env.BENCH_KEEP === '1';
const selected = process.env.BENCH_PROJECTIONS ? projections.filter((p) => (process.env.BENCH_PROJECTIONS as string).split(',').includes(p.name)) : projections;
const MASTER_KEY = Buffer.alloc(32, 7);
const MiB = 1024 * 1024;

const logger = {
  info: () => undefined,
  warn: (message: string, details?: Record<string, unknown>) => void process.stderr.write(`warning: ${message} ${details ? JSON.stringify(details) : ''}\n`),
  error: (message: string, details?: Record<string, unknown>) => void process.stderr.write(`error: ${message} ${details ? JSON.stringify(details) : ''}\n`),
};
const progress = (line: string) => void process.stderr.write(`${line}\n`);

// Connections stay open for the whole run, so the CPU time of their server processes can be read.
const kysely = (url: string, max: number, options?: string): Kysely<DB> => {
  const pool = new Pool({ connectionString: url, max, options, idleTimeoutMillis: 0 });
  pool.on('error', () => undefined);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
};

/** Peak resident set size, sampled, per phase (the heap and everything native: pg buffers, decoded pages). */
function rssSampler() {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 25);
  timer.unref();
  return {
    reset: () => {
      peak = 0;
      sample();
    },
    peakMiB: () => {
      sample();
      return Math.round(peak / MiB);
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * CPU seconds used so far by the server processes of this database's connections, when the
 * server runs on this machine (read from /proc); null otherwise.
 */
async function serverCpuSeconds(db: Kysely<unknown>): Promise<Map<number, number> | null> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // utime and stime, fields 14 and 15, after the parenthesised command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      return null;
    }
  }
  return out;
}

function cpuBetween(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return round(total, 1);
}

type TableDigest = { rows: number; digest: string };

/** Row count and an order-independent digest of every read-model table, through its public view. */
async function digests(db: Kysely<unknown>): Promise<Record<string, TableDigest>> {
  const out: Record<string, TableDigest> = {};
  for (const table of selected.flatMap((p) => p.tables)) {
    // md5 of each row, then of the sorted row digests: no single huge string for big tables.
    const { rows } = await sql<TableDigest>`
      select count(*)::int as rows, md5(coalesce(string_agg(h, '' order by h), '')) as digest
      from (select md5(t::text) as h from ${sql.id('public', table)} t) d`.execute(db);
    out[table] = rows[0] as TableDigest;
  }
  return out;
}

/** Wall time each projection spends in `apply` (they overlap: the builder applies a page to all at once). */
function timed(of: readonly Projection<DB>[]): { projections: Projection<DB>[]; seconds: Record<string, number> } {
  const seconds: Record<string, number> = {};
  return {
    seconds,
    projections: of.map((p) => ({
      ...p,
      apply: async (context, events) => {
        const t0 = performance.now();
        try {
          await p.apply(context, events);
        } finally {
          seconds[p.name] = (seconds[p.name] ?? 0) + (performance.now() - t0) / 1000;
        }
      },
    })),
  };
}

/** COPY each rebuilt table out to a file, then time COPY FROM into an empty table of the same shape. */
async function floor(url: string, db: Kysely<unknown>) {
  const client = new Pool({ connectionString: url, max: 1, options: '-c synchronous_commit=off' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  const tables: Record<string, { rows: number; mib: number; copyInSeconds: number }> = {};
  let copyOutSeconds = 0;
  let copyInSeconds = 0;
  const connection = await client.connect();
  try {
    await connection.query('drop schema if exists bench_floor cascade; create schema bench_floor');
    for (const projection of selected) {
      const live = (await checkpointsOf(db, projection.name)).find((r) => r.state === 'live');
      if (!live) throw new Error(`${projection.name} has no live schema after the rebuild`);
      for (const table of projection.tables) {
        const source = `"${live.schemaName}"."${table}"`;
        const file = join(dir, `${table}.copy`);
        let t0 = performance.now();
        await pipeline(connection.query(copyTo(`copy ${source} to stdout`)), createWriteStream(file));
        copyOutSeconds += (performance.now() - t0) / 1000;
        await connection.query(`create table bench_floor."${table}" (like ${source} including all)`);
        t0 = performance.now();
        const copy = connection.query(copyFrom(`copy bench_floor."${table}" from stdin`));
        await pipeline(createReadStream(file), copy);
        const seconds = (performance.now() - t0) / 1000;
        copyInSeconds += seconds;
        tables[table] = { rows: Number(copy.rowCount), mib: Math.round((statSync(file).size / MiB) * 10) / 10, copyInSeconds: round(seconds) };
        rmSync(file);
      }
    }
    await connection.query('drop schema bench_floor cascade');
  } finally {
    connection.release();
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
  return { copyInSeconds: round(copyInSeconds), copyOutSeconds: round(copyOutSeconds), tables };
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs this file again as the generate phase, which prints its figures as JSON. */
async function generateInChild(url: string): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string], {
    env: { ...process.env, BENCH_PHASE: 'generate', BENCH_PHASE_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the generate phase failed (exit ${code})`);
  return JSON.parse(out) as Record<string, unknown>;
}

async function generatePhase(url: string): Promise<void> {
  const rss = rssSampler();
  const opened = openPostgresEventStore({ connectionString: url, masterKey: MASTER_KEY, poolSize: 16 });
  try {
    const t0 = performance.now();
    const history = await generateCampaignHistory(opened.store, {
      events: EVENTS,
      seed: SEED,
      onProgress: (written) => {
        if (written % 50_000 < 500) progress(`generate: ${written} events`);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const figures = {
      events: history.events,
      appends: history.appends,
      streams: history.streams,
      leads: history.leads,
      enrollments: history.enrollments,
      seconds: round(seconds, 1),
      eventsPerSecond: Math.round(history.events / seconds),
      peakRssMiB: rss.peakMiB(),
    };
    process.stdout.write(JSON.stringify(figures));
  } finally {
    rss.stop();
    await opened.close();
  }
}

async function main(): Promise<void> {
  const rss = rssSampler();
  const bench = await benchDatabase(`copilot_bench_replay_${EVENTS}_${SEED}`, { keep: KEEP });
  await migrateEventStore(bench.url);
  await migrateReadStore(bench.url);
  const opened = openPostgresEventStore({ connectionString: bench.url, masterKey: MASTER_KEY, poolSize: 4 });
  const { store } = opened;
  const read = kysely(bench.url, 4);
  // As the CLI does: builds write derived data, their commits need not wait for the disk.
  const write = kysely(bench.url, projections.length + 2, '-c synchronous_commit=off');
  const readDb = read as unknown as Kysely<unknown>;
  const locks = new LockConnection(bench.url);
  try {
    // 1. The log, written by a child process: what generating it leaves in memory does not
    // count in the rebuild's RSS.
    const existing = store.adapter.countEvents ? await store.adapter.countEvents({}) : 0;
    let generate: Record<string, unknown>;
    if (KEEP && existing >= EVENTS) {
      const { rows } = await sql<{ figures: Record<string, unknown> }>`select figures from bench_generation`.execute(readDb).catch(() => ({ rows: [] }));
      generate = { reused: true, events: existing, ...(rows[0] ? { whenGenerated: rows[0].figures } : {}) };
    } else {
      if (existing) throw new Error(`${bench.url} holds a partial log (${existing} events): drop it first`);
      generate = await generateInChild(bench.url);
      await sql`create table bench_generation as select ${JSON.stringify(generate)}::jsonb as figures`.execute(readDb);
    }
    const logEvents = store.adapter.countEvents ? await store.adapter.countEvents({}) : EVENTS;
    await sql`vacuum analyze`.execute(readDb);

    // The rows before (a live build, when asked for or kept from a previous run), to compare with.
    if (VERIFY && !(await checkpointsOf(readDb)).some((r) => r.state === 'live')) {
      progress('verify: building the read models live (projector host) first');
      const t0 = performance.now();
      const lockPool = new Pool({ connectionString: bench.url, max: projections.length + 1 });
      lockPool.on('error', () => undefined);
      const host = new ProjectionHost<DB>({ projections, store, db: write, logger, batchSize: 500, lockPool });
      await host.start();
      try {
        await waitForProjectionsAtHead(store, host as ProjectionHost<unknown>, 24 * 3600_000);
      } finally {
        await host.stop();
        await lockPool.end();
      }
      progress(`verify: live build took ${round((performance.now() - t0) / 1000, 1)} s`);
    }
    const before = (await checkpointsOf(readDb)).some((r) => r.state === 'live') ? await digests(readDb) : null;

    // 2. The rebuild, as `npm run projections -- rebuild --all` runs it.
    const timing = timed(selected);
    const operations = new ProjectionOperations<DB>({ projections: timing.projections, store, db: read, writeDb: write, locks, logger, batchSize: BATCH_SIZE });
    await sql`checkpoint`.execute(readDb);
    global.gc?.();
    rss.reset();
    const cpuBefore = await serverCpuSeconds(readDb);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let lastLine = 0;
    const report = await operations.rebuild(
      selected.map((p) => p.name),
      {
        onProgress: (p) => {
          if (p.elapsedMs - lastLine < 5000) return;
          lastLine = p.elapsedMs;
          progress(`rebuild: ${p.events}/${p.total ?? '?'} events, ${Math.round(p.events / (p.elapsedMs / 1000))} events/s, rss ${Math.round(process.memoryUsage.rss() / MiB)} MiB`);
        },
      },
    );
    const rebuildSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const loadAtEnd = loadavg();
    const rebuildPeakRssMiB = rss.peakMiB();
    const serverCpu = cpuBetween(cpuBefore, await serverCpuSeconds(readDb));
    if (!report.completed) throw new Error('the rebuild did not complete');
    const { outcome } = report;
    const applied = Object.values(outcome.applied).reduce((n, a) => n + a, 0);
    const after = await digests(readDb);
    const mismatched = before ? Object.keys(after).filter((t) => before[t]?.digest !== after[t]?.digest || before[t]?.rows !== after[t]?.rows) : null;

    // 3. The floor.
    await sql`checkpoint`.execute(readDb);
    const copy = await floor(bench.url, readDb);
    rss.stop();

    const eventsPerSecond = Math.round(outcome.events / rebuildSeconds);
    const output = {
      benchmark: 'replay',
      // Load averages when the rebuild ended: other work on a shared machine slows the wall-clock figures.
      machine: { cpus: cpus().length, node: process.version, loadAverage: loadAtEnd.map((n) => round(n, 1)) },
      seed: SEED,
      generate,
      logEvents,
      rebuild: {
        projections: selected.length,
        events: outcome.events,
        seconds: round(rebuildSeconds, 2),
        eventsPerSecond,
        eventsPerSecondMeaning: 'log events consumed per second by the rebuild of all projections together (one read of the log feeds every projection)',
        projectionEventsApplied: applied,
        projectionEventsPerSecond: Math.round(applied / rebuildSeconds),
        batchSize: BATCH_SIZE ?? 'default',
        nodeCpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
        postgresCpuSeconds: serverCpu,
        // The machine is shared: wall time includes waiting for other processes' CPU. What the
        // rebuild would do alone, bound by its own CPU: node is one thread, the server has the rest.
        cpuBoundEventsPerSecondEstimate:
          serverCpu === null ? null : Math.round(outcome.events / Math.max((cpu.user + cpu.system) / 1e6, ((cpu.user + cpu.system) / 1e6 + serverCpu) / cpus().length)),
        applyWallSeconds: Object.fromEntries(Object.entries(timing.seconds).map(([name, s]) => [name, round(s, 1)])),
        appliedPerProjection: Object.fromEntries(selected.map((p) => [p.name, outcome.applied[report.switched.find((s) => s.projection === p.name)?.schema ?? ''] ?? 0])),
        parked: outcome.parked,
      },
      peakRssMiB: { rebuild: rebuildPeakRssMiB, processMax: Math.round(process.resourceUsage().maxRSS / 1024) },
      rows: Object.fromEntries(Object.entries(after).map(([t, d]) => [t, d.rows])),
      verify: before
        ? { comparedWith: 'the rows served before the rebuild (a live build, or the previous run)', identical: mismatched?.length === 0, mismatched }
        : { comparedWith: null, note: 'no live build to compare with (BENCH_VERIFY=1 builds one first); row counts above' },
      floor: { ...copy, method: 'COPY TO a temp file, then COPY FROM into empty tables of the same shape (constraints and indexes), sequentially; copyInSeconds is the floor' },
      rebuildVsFloor: round(rebuildSeconds / copy.copyInSeconds, 2),
      target: '>= 50,000 events/s, peak RSS < 1 GiB',
      targetMet: eventsPerSecond >= 50_000 && rebuildPeakRssMiB < 1024,
    };
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  } finally {
    rss.stop();
    await locks.close();
    await opened.close().catch(() => undefined);
    await read.destroy();
    await write.destroy();
    await bench.done();
  }
}

(process.env.BENCH_PHASE === 'generate' ? generatePhase(process.env.BENCH_PHASE_URL as string) : main()).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
