import { InProcessWorkQueue, WorkQueue } from '@app/messaging';
import { waitFor, workQueueContract } from '@app/testing';

workQueueContract('InProcessWorkQueue', () => {
  let queue: InProcessWorkQueue<{ n: number }> | null = null;
  return {
    // One process, one queue: every "handle" is the same object.
    open: async (settings) => (queue ??= new InProcessWorkQueue(settings)),
    cleanUp: async () => queue?.close(),
  };
});

describe('the in-process work queue', () => {
  it('recognises a done id for the dedupe window, then accepts it again', async () => {
    const queue: WorkQueue<{ n: number }> = new InProcessWorkQueue({ maxAttempts: 3, ackWaitMs: 1000 }, 200);
    const seen: string[] = [];
    const consumer = queue.consume(async (item) => (seen.push(item.id), { kind: 'done' }));
    await queue.publish('a', { n: 1 });
    await waitFor(() => seen.length === 1);
    expect(await queue.publish('a', { n: 1 })).toEqual({ duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 1250));
    expect(await queue.publish('a', { n: 1 })).toEqual({ duplicate: false });
    await waitFor(() => seen.length === 2);
    await consumer.stop();
    await queue.close();
  });

  it('hands out due messages before delayed ones, soonest first', async () => {
    const queue = new InProcessWorkQueue<{ n: number }>({ maxAttempts: 5, ackWaitMs: 1000 });
    const order: number[] = [];
    const deferred = new Set<string>();
    const consumer = queue.consume(
      async (item) => {
        order.push(item.payload.n);
        if (!deferred.has(item.id) && item.payload.n < 3) {
          deferred.add(item.id);
          return { kind: 'defer', afterMs: item.payload.n === 1 ? 300 : 150 };
        }
        return { kind: 'done' };
      },
      { concurrency: 1 },
    );
    for (const n of [1, 2, 3]) await queue.publish(`m${n}`, { n });
    await waitFor(() => order.length === 5);
    expect(order).toEqual([1, 2, 3, 2, 1]);
    expect(queue.size()).toBe(0);
    await consumer.stop();
    await queue.close();
  });
});
