import { Pool } from 'pg';
import { canConnect, dropDatabase, ensureDatabase, startEmbeddedPostgres, withDatabase } from '@app/database';

/** Latency summary in milliseconds. */
export function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  if (!samples.length) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1] as number) };
}

/**
 * A scratch database for a benchmark on BENCH_DATABASE_URL's server, else the local one, else
 * an embedded server. Dropped at the end, unless `keep` (then it is also kept from a previous
 * run: a benchmark can reuse a big generated log while its author iterates).
 */
export async function benchDatabase(name: string, options: { keep?: boolean } = {}): Promise<{ url: string; pool: Pool; done: () => Promise<void> }> {
  let server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let stop: (() => Promise<void>) | undefined;
  if (!(await canConnect(server))) {
    const embedded = await startEmbeddedPostgres({ dataDir: `.data/bench-postgres-${process.pid}`, persistent: false });
    server = embedded.url;
    stop = embedded.stop;
  }
  if (!options.keep) await dropDatabase(server, name);
  await ensureDatabase(server, name);
  const url = withDatabase(server, name);
  const pool = new Pool({ connectionString: url, max: 4 });
  return {
    url,
    pool,
    done: async () => {
      await pool.end();
      if (!options.keep) await dropDatabase(server, name);
      await stop?.();
    },
  };
}

/** Runs `writers` loops of `op` for `seconds`, timing each call. */
export async function timedLoad(writers: number, seconds: number, op: (writer: number, i: number) => Promise<number>): Promise<{ operations: number; events: number; seconds: number; latencies: number[] }> {
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let events = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t0 = performance.now();
        const count = await op(w, i);
        events += count;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { operations: latencies.length, events, seconds: (performance.now() - started) / 1000, latencies };
}
