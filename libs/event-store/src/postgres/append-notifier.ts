import { Client, Pool } from 'pg';
import { EventFilter } from '../event-store.types';

type Waiter = { wake: () => void; types: ReadonlySet<string> | null };

/** At most one NOTIFY this often (other processes wake this much later at worst). */
const NOTIFY_INTERVAL_MS = 5;

/** NOTIFY payloads are limited to 8000 bytes; past that, a wake-up simply names no types. */
const MAX_PAYLOAD = 7000;

/**
 * Wakes subscribers when events are appended.
 *
 * Listening: one LISTEN connection per store, shared by every subscription of the process;
 * if it drops, waiters fall back to polling until it is back.
 *
 * Announcing: NOTIFY is not sent from inside the append, because PostgreSQL serialises the
 * commits of notifying transactions on a global lock, which halved append throughput. After
 * an append commits, local waiters are woken at once and one NOTIFY goes out for any number
 * of appends made while the previous one was in flight. It is sent with synchronous_commit
 * off: a wake-up lost in a crash costs one poll interval, never an event.
 *
 * Wake-ups name the event types appended: a subscription filtered on other types sleeps on
 * (a process runs a dozen projections and reactors, and most appends concern few of them).
 * Unknown types (an over-long payload, an old notifier) wake everyone.
 */
export class AppendNotifier {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private waiters = new Set<Waiter>();
  private pendingTypes = new Set<string>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  private announcing = false;
  private pendingAnnounce = false;

  constructor(
    private readonly connectionString: string,
    private readonly pool: Pool,
  ) {}

  /** Events of these types were just committed. */
  announce(types: readonly string[]): void {
    this.wake(types);
    if (this.closed) return;
    for (const type of types) this.pendingTypes.add(type);
    if (this.announcing) {
      this.pendingAnnounce = true;
      return;
    }
    this.announcing = true;
    void (async () => {
      let lastSent = Number.NEGATIVE_INFINITY;
      do {
        // Under a stream of appends, one NOTIFY per few milliseconds wakes other processes as
        // well as one per append would, at a fraction of the cost (each is a transaction).
        const wait = lastSent + NOTIFY_INTERVAL_MS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        lastSent = performance.now();
        this.pendingAnnounce = false;
        const payload = JSON.stringify([...this.pendingTypes]);
        this.pendingTypes.clear();
        try {
          await this.pool.query(`begin; set local synchronous_commit = off; select pg_notify('es_appended', ${literal(payload.length > MAX_PAYLOAD ? '' : payload)}); commit;`);
        } catch {
          // Subscribers poll; a missed wake-up only delays them.
        }
      } while (this.pendingAnnounce && !this.closed);
      this.announcing = false;
    })();
  }

  /**
   * Resolves at the next notification of an append that may match `filter` (or never, when
   * the caller's poll timeout wins).
   */
  next(filter?: EventFilter): { promise: Promise<void>; cancel: () => void } {
    void this.ensureListening();
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    // Only a filter on types can be matched against a wake-up; stream prefixes always wake.
    const waiter: Waiter = { wake, types: filter?.types && !filter.streamPrefixes ? new Set(filter.types) : null };
    this.waiters.add(waiter);
    return { promise, cancel: () => this.waiters.delete(waiter) };
  }

  /** Wakes the waiters that may care; `types` null or empty means "unknown": everyone. */
  private wake(types: readonly string[] | null): void {
    for (const waiter of [...this.waiters]) {
      if (types && types.length && waiter.types && !types.some((t) => waiter.types?.has(t))) continue;
      this.waiters.delete(waiter);
      waiter.wake();
    }
  }

  private wakeAll(): void {
    this.wake(null);
  }

  private ensureListening(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new Client({ connectionString: this.connectionString });
      client.on('notification', (message) => this.wake(typesOf(message.payload)));
      client.on('error', () => this.reset(client));
      client.on('end', () => this.reset(client));
      try {
        await client.connect();
        await client.query('listen es_appended');
        if (this.closed) await client.end();
        else this.client = client;
      } catch {
        this.reset(client);
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private reset(client: Client): void {
    if (this.client === client) this.client = null;
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    // Whoever was waiting re-reads now rather than missing what came while we were away.
    this.wakeAll();
    if (!this.closed && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.ensureListening();
      }, 1000);
      this.retryTimer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.wakeAll();
    await this.connecting;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

function typesOf(payload: string | undefined): string[] | null {
  if (!payload) return null;
  try {
    const parsed: unknown = JSON.parse(payload);
    return Array.isArray(parsed) && parsed.every((t) => typeof t === 'string') ? parsed : null;
  } catch {
    return null;
  }
}

/** A SQL string literal (the payload is JSON of type names; quotes are doubled anyway). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
