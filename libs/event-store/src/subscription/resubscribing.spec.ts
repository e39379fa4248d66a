import { Batch } from '../event-store.types';
import { resubscribing } from './resubscribing';

/** A log of numbered events; each subscription fails after `failAfter[n]` batches (n-th call). */
function flakyLog(length: number, failAfter: number[]) {
  const calls: (string | null)[] = [];
  const subscribe = (from: string | null): AsyncIterable<Batch<number>> => {
    calls.push(from);
    const budget = failAfter[calls.length - 1];
    return (async function* () {
      let next = from === null ? 1 : Number(from) + 1;
      for (let served = 0; next <= length; served++) {
        if (budget !== undefined && served >= budget) throw new Error(`dropped after ${served} batches`);
        // Two events per batch, the checkpoint is the last one.
        const events = [next, next + 1].filter((n) => n <= length);
        next += events.length;
        yield { events, checkpoint: String(events[events.length - 1]) };
      }
    })();
  };
  return { subscribe, calls };
}

async function take(batches: AsyncIterable<Batch<number>>, until: number): Promise<number[]> {
  const seen: number[] = [];
  for await (const batch of batches) {
    seen.push(...batch.events);
    if (seen.length >= until) break;
  }
  return seen;
}

describe('resubscribing after drops', () => {
  it('hands out every event once, in order, resuming after the last batch the consumer took', async () => {
    const log = flakyLog(20, [2, 0, 3, 1]);
    const retries: { attempt: number; delayMs: number; from: string | null }[] = [];
    const seen = await take(resubscribing(log.subscribe, { initialDelayMs: 1, onRetry: ({ attempt, delayMs, from }) => retries.push({ attempt, delayMs, from }) }), 20);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(log.calls).toEqual([null, '4', '4', '10', '12']);
    // The backoff doubles while nothing arrives and starts over once a batch gets through.
    expect(retries.map((r) => [r.attempt, r.delayMs])).toEqual([
      [1, 1],
      [2, 2],
      [1, 1],
      [1, 1],
    ]);
  });

  it('resumes from the checkpoint the consumer stored, when it keeps one', async () => {
    const log = flakyLog(10, [3]);
    let stored: string | null = '2';
    const seen: number[] = [];
    const batches = resubscribing(log.subscribe, { loadCheckpoint: async () => stored, initialDelayMs: 1 });
    for await (const batch of batches) {
      seen.push(...batch.events);
      // This consumer commits only every other batch: after a drop it must redo the rest.
      if (batch.events.includes(6)) stored = batch.checkpoint;
      if (seen.includes(10)) break;
    }
    expect(log.calls).toEqual(['2', '6']);
    expect(seen).toEqual([3, 4, 5, 6, 7, 8, 7, 8, 9, 10]);
  });

  it('gives up with the last error after maxAttempts failures in a row', async () => {
    const log = flakyLog(10, [0, 0, 0, 0]);
    await expect(take(resubscribing(log.subscribe, { initialDelayMs: 1, maxAttempts: 3 }), 10)).rejects.toThrow('dropped after 0 batches');
    expect(log.calls).toHaveLength(3);
  });

  it('stops waiting and ends quietly when aborted during a backoff', async () => {
    const log = flakyLog(10, [0, 0]);
    const controller = new AbortController();
    const batches = resubscribing(log.subscribe, { initialDelayMs: 60_000, signal: controller.signal, onRetry: () => controller.abort() });
    const started = Date.now();
    expect(await take(batches, 10)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(log.calls).toEqual([null]);
  });

  it('ends when the subscription itself ends without an error', async () => {
    const log = flakyLog(4, []);
    expect(await take(resubscribing(log.subscribe), 100)).toEqual([1, 2, 3, 4]);
    expect(log.calls).toEqual([null]);
  });
});
