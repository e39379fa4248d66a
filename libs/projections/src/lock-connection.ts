import { Client } from 'pg';

/** One consumer's hold on its advisory lock. */
export type LockSession = {
  tryLock(): Promise<boolean>;
  alive(): Promise<boolean>;
  unlock(): Promise<void>;
  /** Calls `listener` as soon as the lock connection is known to be gone; returns an unsubscribe. */
  onLost(listener: () => void): () => void;
};

const PROBE_INTERVAL_MS = 5000;

/**
 * One connection holding every advisory lock of the process (projections and reactors), so
 * a dozen consumers take one connection instead of a dozen. Session locks are re-entrant in
 * PostgreSQL, so two consumers of the same key in one process are told apart here: the
 * second is refused, as another process would be. When the connection dies every holder is
 * told at once (each steps down; the checkpoint guard keeps a lost lock harmless), and the
 * next lock attempt opens a new connection.
 */
export class LockConnection {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private held = new Set<string>();
  private lostListeners = new Set<() => void>();
  private probedAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** One query at a time on the shared client (pg deprecates overlapping queries on a client). */
  private queue: Promise<unknown> = Promise.resolve();

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  constructor(private readonly connectionString: string) {}

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = new Client({ connectionString: this.connectionString });
      const lose = () => this.lose(client);
      client.on('error', lose);
      client.on('end', lose);
      try {
        await client.connect();
      } catch (error) {
        client.removeAllListeners();
        throw error;
      } finally {
        this.connecting = null;
      }
      this.client = client;
      this.probedAt = performance.now();
      return client;
    })();
    return this.connecting;
  }

  private lose(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.held.clear();
    const listeners = [...this.lostListeners];
    this.lostListeners.clear();
    for (const listener of listeners) listener();
    void client.end().catch(() => undefined);
  }

  /** A session for `key`. The lock is only taken by `tryLock`. */
  session(key: string): LockSession {
    let mine: Client | null = null;
    return {
      tryLock: async () => {
        if (this.closed || this.held.has(key)) return false;
        const client = await this.connection();
        const { rows } = await this.serial(() => client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [key]));
        if (rows[0]?.ok !== true) return false;
        this.held.add(key);
        mine = client;
        return true;
      },
      alive: async () => {
        const client = this.client;
        if (!mine || client !== mine) return false;
        if (performance.now() - this.probedAt < PROBE_INTERVAL_MS) return true;
        const ok = await this.serial(() => client.query('select 1')).then(
          () => true,
          () => false,
        );
        this.probedAt = performance.now();
        return ok && this.client === mine;
      },
      unlock: async () => {
        const client = mine;
        mine = null;
        if (!client || this.client !== client || !this.held.delete(key)) return;
        await this.serial(() => client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key])).catch(() => undefined);
      },
      onLost: (listener) => {
        this.lostListeners.add(listener);
        return () => this.lostListeners.delete(listener);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.held.clear();
    this.lostListeners.clear();
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
