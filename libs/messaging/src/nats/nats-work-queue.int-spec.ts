import { randomBytes } from 'node:crypto';
import { NatsConnection, NatsWorkQueue, WorkItem, connectNats } from '@app/messaging';
import { waitFor, workQueueContract } from '@app/testing';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Unique names per test, so parallel files and reruns never share a stream. */
function names() {
  const suffix = randomBytes(4).toString('hex').toUpperCase();
  return { stream: `TEST_WQ_${suffix}`, subject: `test.wq.${suffix}`, consumer: `workers-${suffix}` };
}

function natsHarness() {
  const n = names();
  const connections: NatsConnection[] = [];
  return {
    names: n,
    connections,
    async open(settings: { maxAttempts: number; ackWaitMs: number }) {
      const nc = await connectNats({ servers: NATS_URL, name: `test-${n.stream}-${connections.length}` });
      connections.push(nc);
      const queue = new NatsWorkQueue<{ n: number }>(nc, { ...n, settings, storage: 'memory', duplicateWindowMs: 60_000 });
      await queue.ensure();
      return queue;
    },
    async cleanUp() {
      const admin = connections.find((c) => !c.isClosed()) ?? (await connectNats({ servers: NATS_URL }));
      const jsm = await admin.jetstreamManager();
      await jsm.streams.delete(n.stream).catch(() => undefined);
      for (const c of connections) if (!c.isClosed()) await c.close();
      if (!connections.includes(admin)) await admin.close();
    },
  };
}

workQueueContract('NatsWorkQueue', natsHarness);

describe('the NATS work queue when a worker dies', () => {
  let harness: ReturnType<typeof natsHarness>;
  beforeEach(() => {
    harness = natsHarness();
  });
  afterEach(async () => {
    await harness.cleanUp();
  });

  it('hands the message to another worker after the ack wait, with the same attempt', async () => {
    const settings = { maxAttempts: 3, ackWaitMs: 1000 };
    const doomed = await harness.open(settings);
    const survivor = await harness.open(settings);
    const seen: Array<WorkItem<{ n: number }> & { worker: string; at: number }> = [];
    // The first worker takes the message and its process dies before it answers.
    doomed.consume(async (item) => {
      seen.push({ ...item, worker: 'doomed', at: Date.now() });
      await harness.connections[0]?.close();
      return new Promise(() => undefined);
    });
    await survivor.publish('orphan', { n: 42 });
    await waitFor(() => seen.length === 1);
    const consumer = survivor.consume(async (item) => (seen.push({ ...item, worker: 'survivor', at: Date.now() }), { kind: 'done' }));
    await waitFor(() => seen.length === 2, { timeoutMs: 10_000, message: 'redelivered to the survivor' });
    const [first, second] = seen as [(typeof seen)[0], (typeof seen)[0]];
    expect(second).toMatchObject({ id: 'orphan', worker: 'survivor', attempt: 1, payload: { n: 42 } });
    expect(second.at - first.at).toBeGreaterThanOrEqual(900);
    await consumer.stop();
  });

  it('keeps a slow message with heartbeats instead of letting it go to another worker', async () => {
    const settings = { maxAttempts: 3, ackWaitMs: 1000 };
    const a = await harness.open(settings);
    const b = await harness.open(settings);
    const seen: string[] = [];
    const slow = a.consume(async () => {
      seen.push('a');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      return { kind: 'done' };
    });
    const other = b.consume(async () => (seen.push('b'), { kind: 'done' }));
    await a.publish('slow', { n: 1 });
    await waitFor(() => seen.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(seen).toHaveLength(1);
    await slow.stop();
    await other.stop();
  });

  it('recreates its stream when it was deleted under it', async () => {
    const settings = { maxAttempts: 3, ackWaitMs: 1000 };
    const queue = await harness.open(settings);
    const jsm = await (harness.connections[0] as NatsConnection).jetstreamManager();
    await jsm.streams.delete(harness.names.stream);
    expect(await queue.publish('again', { n: 1 })).toEqual({ duplicate: false });
    expect((await jsm.streams.info(harness.names.stream)).state.messages).toBe(1);
  });
});
