import { ConsumeOptions, DEFAULT_WORK_QUEUE_SETTINGS, WorkHandler, WorkQueue, WorkQueueSettings } from '../messaging.types';

type Entry<T> = { id: string; payload: T; attempt: number; notBefore: number };

/**
 * The single-process work queue behind the same port: same dedupe by id (for as long as the
 * message is in the queue or recently done), same retry and redelivery rules. It keeps nothing
 * across restarts; the delivery reactor republishes from its checkpoint, and workers check
 * the email's state before sending, so nothing is lost or sent twice.
 */
export class InProcessWorkQueue<T> implements WorkQueue<T> {
  private readonly pending: Entry<T>[] = [];
  private readonly known = new Map<string, number>();
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly settings: WorkQueueSettings = DEFAULT_WORK_QUEUE_SETTINGS,
    private readonly dedupeWindowMs = 120_000,
  ) {}

  async publish(id: string, payload: T): Promise<{ duplicate: boolean }> {
    const now = Date.now();
    for (const [key, at] of this.known) if (now - at > this.dedupeWindowMs && !this.pending.some((e) => e.id === key)) this.known.delete(key);
    if (this.known.has(id)) return { duplicate: true };
    this.known.set(id, now);
    this.pending.push({ id, payload, attempt: 0, notBefore: now });
    this.wake();
    return { duplicate: false };
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }

  private take(): Entry<T> | null {
    const now = Date.now();
    const index = this.pending.findIndex((e) => e.notBefore <= now);
    if (index < 0) return null;
    return this.pending.splice(index, 1)[0] ?? null;
  }

  private nextDueIn(): number {
    const now = Date.now();
    return this.pending.reduce((min, e) => Math.min(min, Math.max(0, e.notBefore - now)), 1000);
  }

  private waitForWork(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.nextDueIn());
      this.wakers.add(done);
    });
  }

  consume(handler: WorkHandler<T>, options: ConsumeOptions = {}): { stop: () => Promise<void> } {
    let stopped = false;
    const loops = Array.from({ length: options.concurrency ?? 4 }, async () => {
      while (!stopped && !this.closed) {
        const entry = this.take();
        if (!entry) {
          await this.waitForWork();
          continue;
        }
        entry.attempt++;
        let outcome;
        try {
          outcome = await handler({ id: entry.id, payload: entry.payload, attempt: entry.attempt });
        } catch {
          outcome = { kind: 'retry' as const, afterMs: Math.min(30_000, 500 * 2 ** entry.attempt) };
        }
        if (outcome.kind === 'retry' && entry.attempt < this.settings.maxDeliveries) {
          entry.notBefore = Date.now() + outcome.afterMs;
          this.pending.push(entry);
          this.wake();
        }
      }
    });
    return {
      stop: async () => {
        stopped = true;
        this.wake();
        await Promise.all(loops);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }
}
