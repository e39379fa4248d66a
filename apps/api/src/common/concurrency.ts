/**
 * Runs `work` over `items` with at most `limit` in flight, pulling items only as workers free
 * up: a streamed source (a CSV of a million rows) is never read ahead into memory.
 */
export async function forEachConcurrently<T>(items: AsyncIterable<T> | Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  let failed = false;
  // Pulls are serialised: several workers never call next() on the source at the same time.
  let pulling: Promise<IteratorResult<T>> = Promise.resolve({ done: false, value: undefined as unknown as T });
  const pull = (): Promise<IteratorResult<T>> => {
    pulling = pulling.then(() => iterator.next());
    return pulling;
  };
  const worker = async (): Promise<void> => {
    while (!failed) {
      const next = await pull();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // Settle every worker before answering: nothing keeps running after a failure is reported.
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, limit) }, worker));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await iterator.return?.();
    throw failure.reason;
  }
}
