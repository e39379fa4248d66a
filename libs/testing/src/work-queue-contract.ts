import { WorkItem, WorkOutcome, WorkQueue, WorkQueueSettings } from '@app/messaging';
import { waitFor } from './wait-for';

export type WorkQueueHarness = {
  /**
   * Another handle on the same queue, as a second process would have (for NATS: its own
   * connection). The first call creates the queue with `settings`.
   */
  open(settings: WorkQueueSettings): Promise<WorkQueue<{ n: number }>>;
  /** Closes every handle and deletes what the test created. */
  cleanUp(): Promise<void>;
};

type Seen = { id: string; attempt: number; at: number; n: number; worker: string };

/**
 * The behaviour every WorkQueue adapter must show, run against each (in-process, NATS):
 * competing consumers, dedupe by id, retry after the asked delay, defer without spending an
 * attempt, a bounded number of attempts, and clean stops.
 */
export function workQueueContract(name: string, makeHarness: () => WorkQueueHarness): void {
  describe(`${name}: the work queue contract`, () => {
    let harness: WorkQueueHarness;
    const settings: WorkQueueSettings = { maxAttempts: 3, ackWaitMs: 2000 };
    const stops: Array<() => Promise<void>> = [];

    beforeEach(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      for (const stop of stops.splice(0)) await stop();
      await harness.cleanUp();
    });

    const consume = (queue: WorkQueue<{ n: number }>, worker: string, seen: Seen[], decide: (item: WorkItem<{ n: number }>) => WorkOutcome | Promise<WorkOutcome>, concurrency = 2) => {
      const consumer = queue.consume(
        async (item) => {
          seen.push({ id: item.id, attempt: item.attempt, at: Date.now(), n: item.payload.n, worker });
          return decide(item);
        },
        { concurrency },
      );
      stops.push(consumer.stop);
      return consumer;
    };

    it('hands each message to exactly one of several competing workers', async () => {
      const a = await harness.open(settings);
      const b = await harness.open(settings);
      const seen: Seen[] = [];
      consume(a, 'a', seen, () => ({ kind: 'done' }));
      consume(b, 'b', seen, () => ({ kind: 'done' }));
      for (let n = 0; n < 20; n++) await a.publish(`m-${n}`, { n });
      await waitFor(() => seen.length >= 20, { message: 'all 20 messages handled' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.map((s) => s.id).sort()).toEqual(Array.from({ length: 20 }, (_, n) => `m-${n}`).sort());
      expect(seen.every((s) => s.attempt === 1)).toBe(true);
    });

    it('drops a second publish with the same id', async () => {
      const queue = await harness.open(settings);
      expect(await queue.publish('same', { n: 1 })).toEqual({ duplicate: false });
      expect(await queue.publish('same', { n: 2 })).toEqual({ duplicate: true });
      const seen: Seen[] = [];
      consume(queue, 'a', seen, () => ({ kind: 'done' }));
      await waitFor(() => seen.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.map((s) => [s.id, s.n])).toEqual([['same', 1]]);
    });

    it('retries after the delay the worker asked for, counting the attempt', async () => {
      const queue = await harness.open(settings);
      const seen: Seen[] = [];
      consume(queue, 'a', seen, (item) => (item.attempt === 1 ? { kind: 'retry', afterMs: 400 } : { kind: 'done' }));
      await queue.publish('flaky', { n: 7 });
      await waitFor(() => seen.length >= 2, { message: 'the retry arrived' });
      const [first, second] = seen as [Seen, Seen];
      expect([first.attempt, second.attempt]).toEqual([1, 2]);
      expect(second.n).toBe(7);
      expect(second.at - first.at).toBeGreaterThanOrEqual(380);
    });

    it('defers without spending an attempt', async () => {
      const queue = await harness.open(settings);
      const seen: Seen[] = [];
      // More defers than the attempt limit: a long pause must not kill the message.
      consume(queue, 'a', seen, () => (seen.length <= settings.maxAttempts + 1 ? { kind: 'defer', afterMs: 50 } : { kind: 'done' }));
      await queue.publish('held', { n: 1 });
      await waitFor(() => seen.length >= settings.maxAttempts + 2, { message: 'deferred deliveries' });
      expect(seen.map((s) => s.attempt)).toEqual(Array(settings.maxAttempts + 2).fill(1));
    });

    it('retries a worker that threw, as a failed attempt', async () => {
      const queue = await harness.open(settings);
      const seen: Seen[] = [];
      consume(queue, 'a', seen, (item) => {
        if (item.attempt === 1) throw new Error('worker crashed mid-task');
        return { kind: 'done' };
      });
      await queue.publish('crashy', { n: 1 });
      await waitFor(() => seen.length >= 2, { message: 'redelivered after the throw' });
      expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    });

    it('gives up on a message still failing at the last attempt', async () => {
      const queue = await harness.open(settings);
      const seen: Seen[] = [];
      consume(queue, 'a', seen, () => ({ kind: 'retry', afterMs: 20 }));
      await queue.publish('doomed', { n: 1 });
      await waitFor(() => seen.length >= settings.maxAttempts);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    });

    it('lets in-flight work finish on stop and leaves the rest to another worker', async () => {
      const a = await harness.open(settings);
      const b = await harness.open(settings);
      const seen: Seen[] = [];
      let release: () => void = () => undefined;
      const slow = new Promise<void>((resolve) => (release = resolve));
      const finished: string[] = [];
      const consumerA = consume(a, 'a', seen, async (item) => {
        await slow;
        finished.push(item.id);
        return { kind: 'done' };
      }, 1);
      await a.publish('in-flight', { n: 1 });
      await waitFor(() => seen.length === 1);
      const stopping = consumerA.stop();
      release();
      await stopping;
      expect(finished).toEqual(['in-flight']);
      await a.publish('after-stop', { n: 2 });
      consume(b, 'b', seen, () => ({ kind: 'done' }));
      await waitFor(() => seen.some((s) => s.id === 'after-stop'));
      expect(seen.filter((s) => s.id === 'in-flight')).toHaveLength(1);
      expect(seen.find((s) => s.id === 'after-stop')?.worker).toBe('b');
    });
  });
}
