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

type Entry<T> = { id: string; payload: T; attempt: number; notBefore: number };

/**
 * The single-process work queue behind the same port: the same dedupe by id (while a message
 * is queued or in flight, and for `dedupeWindowMs` after it is done), the same retry, defer
 * and drop rules. It keeps nothing across restarts: whoever feeds it must re-publish what was
 * not finished when the process stopped (the delivery scheduler sweeps unsent emails at
 * start), and workers check the email's state before sending, so nothing is lost or sent twice.
 */
export class InProcessWorkQueue<T> implements WorkQueue<T> {
  /** Due now, in arrival order. */
  private readonly ready: Entry<T>[] = [];
  /** Waiting for their time, soonest first. */
  private readonly delayed: Entry<T>[] = [];
  /** Every id queued or in flight (null), or done (when), for dedupe. */
  private readonly known = new Map<string, number | null>();
  private readonly wakers = new Set<() => void>();
  private lastSweep = 0;
  private closed = false;

  constructor(
    private readonly settings: WorkQueueSettings = DEFAULT_WORK_QUEUE_SETTINGS,
    private readonly dedupeWindowMs = 120_000,
  ) {}

  async publish(id: string, payload: T): Promise<{ duplicate: boolean }> {
    this.forgetOldIds();
    if (this.known.has(id)) return { duplicate: true };
    this.known.set(id, null);
    this.ready.push({ id, payload, attempt: 1, notBefore: 0 });
    this.wake();
    return { duplicate: false };
  }

  /** Messages queued or in flight (for tests and metrics). */
  size(): number {
    let n = 0;
    for (const doneAt of this.known.values()) if (doneAt === null) n++;
    return n;
  }

  private forgetOldIds(): void {
    const now = Date.now();
    // Amortised: a sweep per second at most, not one per publish.
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [id, doneAt] of this.known) if (doneAt !== null && now - doneAt > this.dedupeWindowMs) this.known.delete(id);
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }

  private later(entry: Entry<T>): void {
    let low = 0;
    let high = this.delayed.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.delayed[mid] as Entry<T>).notBefore <= entry.notBefore) low = mid + 1;
      else high = mid;
    }
    this.delayed.splice(low, 0, entry);
    this.wake();
  }

  private take(): Entry<T> | null {
    const now = Date.now();
    while (this.delayed.length && (this.delayed[0] as Entry<T>).notBefore <= now) this.ready.push(this.delayed.shift() as Entry<T>);
    return this.ready.shift() ?? null;
  }

  private waitForWork(): Promise<void> {
    const next = this.delayed[0];
    const waitMs = next ? Math.min(1000, Math.max(1, next.notBefore - Date.now())) : 1000;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.wakers.add(done);
    });
  }

  private settle(entry: Entry<T>, outcome: WorkOutcome): void {
    switch (outcome.kind) {
      case 'done':
      case 'drop':
        this.known.set(entry.id, Date.now());
        return;
      case 'retry':
        if (entry.attempt >= this.settings.maxAttempts) {
          this.known.set(entry.id, Date.now());
          return;
        }
        this.later({ ...entry, attempt: entry.attempt + 1, notBefore: Date.now() + Math.max(0, outcome.afterMs) });
        return;
      case 'defer':
        this.later({ ...entry, notBefore: Date.now() + Math.max(0, outcome.afterMs) });
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown work outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  consume(handler: WorkHandler<T>, options: ConsumeOptions = {}): WorkConsumer {
    let stopped = false;
    const loops = Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (!stopped && !this.closed) {
        const entry = this.take();
        if (!entry) {
          await this.waitForWork();
          continue;
        }
        let outcome: WorkOutcome;
        try {
          outcome = await handler({ id: entry.id, payload: entry.payload, attempt: entry.attempt });
        } catch {
          outcome = { kind: 'retry', afterMs: thrownRetryDelayMs(entry.attempt) };
        }
        this.settle(entry, outcome);
      }
    });
    return {
      stop: async () => {
        stopped = true;
        this.wake();
        // In-flight handlers finish and their outcome is kept; queued work stays for the next consumer.
        await Promise.all(loops);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }
}
