import { AckPolicy, DeliverPolicy, JsMsg, MsgHdrs, NatsConnection, RetentionPolicy, StorageType, headers as natsHeaders, nanos } from 'nats';
import {
  ConsumeOptions,
  DEFAULT_WORK_QUEUE_SETTINGS,
  WorkConsumer,
  WorkHandler,
  WorkOutcome,
  WorkQueue,
  WorkQueueSettings,
  thrownRetryDelayMs,
} from '../messaging.types';

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
  /** File (default) survives a server restart; memory is for tests. */
  storage?: 'file' | 'memory';
};

/** Our headers on every message; JetStream's own `Nats-Msg-Id` does the dedupe. */
export const WORK_HEADERS = {
  id: 'Work-Id',
  attempt: 'Work-Attempt',
  notBefore: 'Work-Not-Before',
  copy: 'Work-Copy',
} as const;

/** What a message says about itself: its logical id, its attempt, and when it may be handled. */
export type WorkEnvelope = { id: string; attempt: number; notBefore: number | null; copy: number };

const positiveInt = (value: string, fallback: number) => (/^\d+$/.test(value) ? Number(value) : fallback);

/** Reads our headers; messages published without them (by hand, by an older version) are attempt 1. */
export function readWorkEnvelope(h: MsgHdrs | undefined, fallbackId: string): WorkEnvelope {
  const get = (name: string) => h?.get(name) ?? '';
  return {
    id: get(WORK_HEADERS.id) || get('Nats-Msg-Id') || fallbackId,
    attempt: Math.max(1, positiveInt(get(WORK_HEADERS.attempt), 1)),
    notBefore: get(WORK_HEADERS.notBefore) ? positiveInt(get(WORK_HEADERS.notBefore), 0) : null,
    copy: positiveInt(get(WORK_HEADERS.copy), 0),
  };
}

/**
 * A JetStream work queue: a stream with work-queue retention (a message is gone once acked),
 * `Nats-Msg-Id` dedupe, and one durable pull consumer that many workers share, each
 * acknowledging explicitly. A worker that dies leaves its message to be redelivered after the
 * ack wait; a live worker keeps a slow message with progress heartbeats.
 *
 * Retries and defers are published as a successor copy (same `Work-Id`, the attempt and a
 * not-before time in headers, `Nats-Msg-Id` = `<id>~<copy>`) before the original is acked,
 * rather than NAKed with a delay: JetStream's redelivery count cannot tell a failed attempt
 * from a wait, and a campaign paused for a week must not use up the attempts of its emails.
 * If the process dies between the two steps the original comes back, is handled again, and its
 * successor's publish is recognised as a duplicate. The consumer itself never gives up
 * (`max_deliver` -1): the worker decides when a message is dead.
 */
export class NatsWorkQueue<T> implements WorkQueue<T> {
  private ready: Promise<void> | null = null;
  private readonly settings: WorkQueueSettings;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsWorkQueueOptions,
  ) {
    this.settings = options.settings ?? DEFAULT_WORK_QUEUE_SETTINGS;
  }

  /** Creates the stream and the consumer when missing (idempotent, safe to race). */
  ensure(): Promise<void> {
    this.ready ??= (async () => {
      const jsm = await this.nc.jetstreamManager();
      const { stream, subject, consumer } = this.options;
      try {
        await jsm.streams.info(stream);
      } catch {
        await jsm.streams
          .add({
            name: stream,
            subjects: [subject],
            retention: RetentionPolicy.Workqueue,
            storage: this.options.storage === 'memory' ? StorageType.Memory : StorageType.File,
            duplicate_window: nanos(this.options.duplicateWindowMs ?? 10 * 60_000),
          })
          .catch(async (error: unknown) => {
            // Another process created it between our look and our add.
            await jsm.streams.info(stream).catch(() => Promise.reject(error));
          });
      }
      try {
        await jsm.consumers.info(stream, consumer);
      } catch {
        await jsm.consumers
          .add(stream, {
            durable_name: consumer,
            ack_policy: AckPolicy.Explicit,
            deliver_policy: DeliverPolicy.All,
            ack_wait: nanos(this.settings.ackWaitMs),
            max_deliver: -1,
            filter_subject: subject,
          })
          .catch(async (error: unknown) => {
            await jsm.consumers.info(stream, consumer).catch(() => Promise.reject(error));
          });
      }
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async publish(id: string, payload: T): Promise<{ duplicate: boolean }> {
    const data = new TextEncoder().encode(JSON.stringify(payload));
    return this.publishCopy(data, { id, attempt: 1, notBefore: null, copy: 0 }, id);
  }

  private async publishCopy(data: Uint8Array, envelope: WorkEnvelope, msgID: string): Promise<{ duplicate: boolean }> {
    const h = natsHeaders();
    h.set(WORK_HEADERS.id, envelope.id);
    h.set(WORK_HEADERS.attempt, String(envelope.attempt));
    h.set(WORK_HEADERS.copy, String(envelope.copy));
    if (envelope.notBefore !== null) h.set(WORK_HEADERS.notBefore, String(envelope.notBefore));
    const send = async () => {
      await this.ensure();
      const ack = await this.nc.jetstream().publish(this.options.subject, data, { msgID, headers: h });
      return { duplicate: ack.duplicate };
    };
    try {
      return await send();
    } catch {
      // The stream may have been deleted under us (an operator, a test): make it again, once.
      this.ready = null;
      return send();
    }
  }

  /** Publishes the successor copy, then acks this one; if publishing fails, NAKs instead. */
  private async handBack(message: JsMsg, envelope: WorkEnvelope, attempt: number, afterMs: number): Promise<void> {
    const delay = Math.max(0, afterMs);
    const next: WorkEnvelope = { id: envelope.id, attempt, notBefore: Date.now() + delay, copy: envelope.copy + 1 };
    try {
      await this.publishCopy(message.data, next, `${envelope.id}~${next.copy}`);
      await message.ackAck();
    } catch {
      message.nak(delay);
    }
  }

  private async settle(message: JsMsg, envelope: WorkEnvelope, outcome: WorkOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'done':
        // Waiting for the server's answer: a lost ack would hand the message to another worker.
        await message.ackAck().catch(() => undefined);
        return;
      case 'drop':
        message.term();
        return;
      case 'retry':
        if (envelope.attempt >= this.settings.maxAttempts) {
          message.term(`gave up after ${envelope.attempt} attempts`);
          return;
        }
        await this.handBack(message, envelope, envelope.attempt + 1, outcome.afterMs);
        return;
      case 'defer':
        await this.handBack(message, envelope, envelope.attempt, outcome.afterMs);
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown work outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  consume(handler: WorkHandler<T>, options: ConsumeOptions = {}): WorkConsumer {
    const concurrency = options.concurrency ?? 4;
    let stopped = false;
    const running = new Set<Promise<void>>();
    let close: (() => Promise<void>) | null = null;

    const handle = async (message: JsMsg) => {
      const envelope = readWorkEnvelope(message.headers, String(message.seq));
      const now = Date.now();
      if (envelope.notBefore !== null && envelope.notBefore > now) {
        // A retry or defer copy that arrived before its time: back to the stream until then.
        message.nak(envelope.notBefore - now);
        return;
      }
      let payload: T;
      try {
        payload = JSON.parse(new TextDecoder().decode(message.data)) as T;
      } catch {
        message.term('payload is not JSON');
        return;
      }
      // Keep the message ours while a slow provider call is in flight.
      const heartbeat = setInterval(() => message.working(), Math.max(500, this.settings.ackWaitMs / 3));
      let outcome: WorkOutcome;
      try {
        outcome = await handler({ id: envelope.id, payload, attempt: envelope.attempt });
      } catch {
        outcome = { kind: 'retry', afterMs: thrownRetryDelayMs(envelope.attempt) };
      } finally {
        clearInterval(heartbeat);
      }
      await this.settle(message, envelope, outcome).catch(() => undefined);
    };

    const loop = (async () => {
      while (!stopped) {
        try {
          await this.ensure();
          const consumer = await this.nc.jetstream().consumers.get(this.options.stream, this.options.consumer);
          const messages = await consumer.consume({ max_messages: concurrency });
          close = () => messages.close().then(() => undefined);
          if (stopped) await close();
          for await (const message of messages) {
            if (stopped) {
              // Pulled but not started: give it straight back instead of making it wait the ack wait.
              message.nak();
              continue;
            }
            const task = handle(message).finally(() => running.delete(task));
            running.add(task);
            while (running.size >= concurrency) await Promise.race(running);
          }
          // The iterator ended without a stop (consumer deleted, server restarted): pull again.
          if (!stopped) await new Promise((resolve) => setTimeout(resolve, 250));
        } catch {
          if (stopped || this.nc.isClosed()) break;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
        if (this.nc.isClosed()) break;
      }
    })();

    return {
      stop: async () => {
        stopped = true;
        await close?.().catch(() => undefined);
        await Promise.allSettled([...running]);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([loop, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
        clearTimeout(timer);
      },
    };
  }

  async close(): Promise<void> {
    // The connection belongs to the caller.
  }
}
