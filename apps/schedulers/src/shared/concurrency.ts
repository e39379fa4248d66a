/**
 * Runs `work` over `items` with at most `limit` in flight. Every item is attempted; the first
 * error is rethrown once all have settled, so one failure never leaves others half-started.
 */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  });
  await Promise.all(lanes);
  if (errors.length) throw errors[0];
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
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

export const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** PostgreSQL's "undefined table": a read model not built yet (a fresh install, a projection just added). */
export const isMissingReadModel = (error: unknown) => (error as { code?: unknown })?.code === '42P01';
