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
  /** 1 on the first delivery. */
  attempt: number;
};

/** What a worker decided about a delivery. */
export type WorkOutcome =
  | { kind: 'done' }
  /** Try again later (a provider asked us to wait, or a transient failure). */
  | { kind: 'retry'; afterMs: number }
  /** Never retry (recorded as a dead letter by the worker itself). */
  | { kind: 'drop' };

export type WorkHandler<T> = (item: WorkItem<T>) => Promise<WorkOutcome>;

export type ConsumeOptions = {
  /** Deliveries handled at once by this consumer. */
  concurrency?: number;
};

/**
 * A durable work queue with competing consumers: each message is handled by one worker at a
 * time, acknowledged explicitly, redelivered when a worker dies or asks for a retry.
 */
export interface WorkQueue<T> {
  publish(id: string, payload: T): Promise<{ duplicate: boolean }>;
  consume(handler: WorkHandler<T>, options?: ConsumeOptions): { stop: () => Promise<void> };
  close(): Promise<void>;
}

export type WorkQueueSettings = {
  /** Deliveries after which a message is handed to the worker for the last time. */
  maxDeliveries: number;
  /** How long a worker may hold a message before it is given to another. */
  ackWaitMs: number;
};

export const DEFAULT_WORK_QUEUE_SETTINGS: WorkQueueSettings = { maxDeliveries: 8, ackWaitMs: 60_000 };
