import { AckPolicy, JSONCodec, JsMsg, NatsConnection, RetentionPolicy, StorageType, nanos } from 'nats';
import { ConsumeOptions, DEFAULT_WORK_QUEUE_SETTINGS, WorkHandler, WorkOutcome, WorkQueue, WorkQueueSettings } from '../messaging.types';

export type NatsWorkQueueOptions = {
  /** JetStream stream name, e.g. DELIVERY. */
  stream: string;
  /** Subject the messages are published on, e.g. delivery.email. */
  subject: string;
  /** Durable consumer shared by all competing workers. */
  consumer: string;
  settings?: WorkQueueSettings;
  /** How long a duplicate message id is recognised. */
  duplicateWindowMs?: number;
};

/**
 * A JetStream work queue: a stream with work-queue retention (a message is gone once acked),
 * `Nats-Msg-Id` dedupe, and one durable pull consumer that many workers share, each
 * acknowledging explicitly. A worker that dies leaves its message to be redelivered after
 * the ack wait; a retry asks for redelivery after the delay the worker chose.
 */
export class NatsWorkQueue<T> implements WorkQueue<T> {
  private readonly codec = JSONCodec<T>();
  private ready: Promise<void> | null = null;
  private readonly settings: WorkQueueSettings;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsWorkQueueOptions,
  ) {
    this.settings = options.settings ?? DEFAULT_WORK_QUEUE_SETTINGS;
  }

  /** Creates the stream and the consumer when missing (idempotent, safe to race). */
  private ensure(): Promise<void> {
    this.ready ??= (async () => {
      const jsm = await this.nc.jetstreamManager();
      const streamConfig = {
        name: this.options.stream,
        subjects: [this.options.subject],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        duplicate_window: nanos(this.options.duplicateWindowMs ?? 10 * 60_000),
      };
      try {
        await jsm.streams.info(this.options.stream);
      } catch {
        await jsm.streams.add(streamConfig).catch(async (error: unknown) => {
          // Another process created it between our look and our add.
          await jsm.streams.info(this.options.stream).catch(() => Promise.reject(error));
        });
      }
      try {
        await jsm.consumers.info(this.options.stream, this.options.consumer);
      } catch {
        await jsm.consumers
          .add(this.options.stream, {
            durable_name: this.options.consumer,
            ack_policy: AckPolicy.Explicit,
            ack_wait: nanos(this.settings.ackWaitMs),
            max_deliver: this.settings.maxDeliveries,
            filter_subject: this.options.subject,
          })
          .catch(async (error: unknown) => {
            await jsm.consumers.info(this.options.stream, this.options.consumer).catch(() => Promise.reject(error));
          });
      }
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async publish(id: string, payload: T): Promise<{ duplicate: boolean }> {
    await this.ensure();
    const ack = await this.nc.jetstream().publish(this.options.subject, this.codec.encode(payload), { msgID: id });
    return { duplicate: ack.duplicate };
  }

  consume(handler: WorkHandler<T>, options: ConsumeOptions = {}): { stop: () => Promise<void> } {
    const concurrency = options.concurrency ?? 4;
    let stopped = false;
    const running = new Set<Promise<void>>();
    let close: (() => Promise<void>) | null = null;

    const handle = async (message: JsMsg) => {
      // Keep the message ours while a slow provider call is in flight.
      const heartbeat = setInterval(() => message.working(), Math.max(1000, this.settings.ackWaitMs / 3));
      let outcome: WorkOutcome;
      try {
        const headerId = message.headers?.get('Nats-Msg-Id');
        const id = headerId || String(message.seq);
        outcome = await handler({ id, payload: this.codec.decode(message.data), attempt: message.info.redeliveryCount + 1 });
      } catch {
        outcome = { kind: 'retry', afterMs: Math.min(30_000, 500 * 2 ** message.info.redeliveryCount) };
      } finally {
        clearInterval(heartbeat);
      }
      if (outcome.kind === 'done') message.ack();
      else if (outcome.kind === 'drop') message.term();
      else message.nak(outcome.afterMs);
    };

    const loop = (async () => {
      while (!stopped) {
        try {
          await this.ensure();
          const consumer = await this.nc.jetstream().consumers.get(this.options.stream, this.options.consumer);
          const messages = await consumer.consume({ max_messages: concurrency });
          close = () => messages.close().then(() => undefined);
          for await (const message of messages) {
            const task = handle(message).finally(() => running.delete(task));
            running.add(task);
            while (running.size >= concurrency) await Promise.race(running);
            if (stopped) break;
          }
        } catch {
          if (stopped) break;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    })();

    return {
      stop: async () => {
        stopped = true;
        await close?.();
        await Promise.allSettled([...running]);
        await Promise.race([loop, new Promise((resolve) => setTimeout(resolve, 2000))]);
      },
    };
  }

  async close(): Promise<void> {
    // The connection belongs to the caller.
  }
}
