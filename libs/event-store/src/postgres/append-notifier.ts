import { Client, Pool } from 'pg';

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
 */
export class AppendNotifier {
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private waiters = new Set<() => void>();
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;

  private announcing = false;
  private pendingAnnounce = false;

  constructor(
    private readonly connectionString: string,
    private readonly pool: Pool,
  ) {}

  announce(): void {
    this.wakeAll();
    if (this.closed) return;
    if (this.announcing) {
      this.pendingAnnounce = true;
      return;
    }
    this.announcing = true;
    void (async () => {
      do {
        this.pendingAnnounce = false;
        try {
          await this.pool.query("begin; set local synchronous_commit = off; select pg_notify('es_appended', ''); commit;");
        } catch {
          // Subscribers poll; a missed wake-up only delays them.
        }
      } while (this.pendingAnnounce && !this.closed);
      this.announcing = false;
    })();
  }

  /** Resolves at the next notification (or never, when the caller's poll timeout wins). */
  next(): { promise: Promise<void>; cancel: () => void } {
    void this.ensureListening();
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(wake);
    return { promise, cancel: () => this.waiters.delete(wake) };
  }

  private wakeAll(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  private ensureListening(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new Client({ connectionString: this.connectionString });
      client.on('notification', () => this.wakeAll());
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
