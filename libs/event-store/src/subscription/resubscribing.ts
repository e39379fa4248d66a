import { Batch } from '../event-store.types';

export type ResubscribeOptions = {
  /** Exclusive checkpoint to start after; none means from the beginning (or `loadCheckpoint`). */
  from?: string | null;
  /**
   * Where to resume after a drop. Default: the checkpoint of the last batch the consumer took
   * and came back from. A consumer that stores its checkpoint elsewhere (with its read model)
   * passes a loader, so a resubscription never trusts memory over what was committed.
   */
  loadCheckpoint?: () => Promise<string | null>;
  signal?: AbortSignal;
  /** First wait after a failure; doubles each time, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Consecutive failures (without a batch in between) before giving up with the last error. */
  maxAttempts?: number;
  /** Told about each failure before the wait, e.g. to log it. */
  onRetry?: (info: { error: unknown; attempt: number; delayMs: number; from: string | null }) => void;
};

/**
 * Wraps a subscription that can drop (EventStoreDB's does not resume by itself) so the consumer
 * sees one uninterrupted sequence: after an error it subscribes again from the last checkpoint,
 * waiting `initialDelayMs`, then twice as long each time, until a batch arrives again.
 *
 * A batch counts as handled once the consumer asks for the next one; a resubscription resumes
 * after it, so nothing is handed out twice by the wrapper and nothing is skipped.
 */
export async function* resubscribing<E>(subscribe: (from: string | null) => AsyncIterable<Batch<E>>, options: ResubscribeOptions = {}): AsyncGenerator<Batch<E>> {
  const signal = options.signal;
  const initialDelayMs = options.initialDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  let checkpoint = options.from ?? null;
  let failures = 0;
  while (!signal?.aborted) {
    const useLoader = options.loadCheckpoint && (failures > 0 || options.from === undefined);
    const from = useLoader && options.loadCheckpoint ? await options.loadCheckpoint() : checkpoint;
    try {
      for await (const batch of subscribe(from)) {
        failures = 0;
        yield batch;
        checkpoint = batch.checkpoint;
      }
      // A subscription that ends without an error is finished (aborted, or a finite one).
      return;
    } catch (error) {
      if (signal?.aborted) return;
      failures++;
      if (failures >= maxAttempts) throw error;
      const delayMs = Math.min(initialDelayMs * 2 ** (failures - 1), maxDelayMs);
      options.onRetry?.({ error, attempt: failures, delayMs, from: checkpoint });
      await abortableDelay(delayMs, signal);
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
