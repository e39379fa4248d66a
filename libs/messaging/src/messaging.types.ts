/** "Projection X has applied everything up to checkpoint C." */
export type ProgressNotice = { projection: string; checkpoint: string };

/** Core pub/sub for progress notices: fire and forget, latest wins. */
export interface ProgressBus {
  publish(notice: ProgressNotice): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (notice: ProgressNotice) => void): () => void;
  close(): Promise<void>;
}

export type WorkItem<T> = {
  /** The message id: a second publish with the same id is dropped. */
  id: string;
  payload: T;
  /**
   * 1 on the first try, one more after each `retry` (or thrown error). A `defer` does not
   * count: waiting for a paused campaign is not failing, and a pause may last for days.
   */
  attempt: number;
};

/** What a worker decided about a delivery. */
export type WorkOutcome =
  | { kind: 'done' }
  /** The attempt failed: try again after `afterMs` (a provider asked us to wait, or a transient failure). */
  | { kind: 'retry'; afterMs: number }
  /** Not now, and not a failure: hand it back after `afterMs` with the same attempt number. */
  | { kind: 'defer'; afterMs: number }
  /** Never retry (the worker has recorded why, e.g. as a dead letter). */
  | { kind: 'drop' };

export type WorkHandler<T> = (item: WorkItem<T>) => Promise<WorkOutcome>;

export type ConsumeOptions = {
  /** Deliveries handled at once by this consumer. */
  concurrency?: number;
};

/** A running consumer; `stop` lets in-flight work finish and hands undelivered messages back. */
export type WorkConsumer = { stop: () => Promise<void> };

/**
 * A durable work queue with competing consumers: each message is handled by one worker at a
 * time, acknowledged explicitly, handed to another worker when one dies, and retried or
 * deferred when the worker asks.
 */
export interface WorkQueue<T> {
  publish(id: string, payload: T): Promise<{ duplicate: boolean }>;
  consume(handler: WorkHandler<T>, options?: ConsumeOptions): WorkConsumer;
  close(): Promise<void>;
}

export type WorkQueueSettings = {
  /**
   * A message still asking for a retry at this attempt is dropped by the queue. Workers that
   * must record a failure (a dead letter) do so before, at their own lower bound.
   */
  maxAttempts: number;
  /** How long a worker may hold a message without a sign of life before it goes to another. */
  ackWaitMs: number;
};

export const DEFAULT_WORK_QUEUE_SETTINGS: WorkQueueSettings = { maxAttempts: 8, ackWaitMs: 60_000 };

/** Backoff for a handler that threw instead of answering: 0.5 s, 1 s, 2 s ... capped at 30 s. */
export function thrownRetryDelayMs(attempt: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
}
