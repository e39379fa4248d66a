import { EventStore } from '../event-store';
import { KeyStore } from './key-store';

type Logger = { warn(message: string, details?: Record<string, unknown>): void };

/**
 * Makes a process stop decrypting an erased lead at once: it follows the log from its head for
 * LeadErased and drops the lead's key from this process's cache (the key itself is already
 * gone from the key table; without this a cached copy would live until its TTL). Every process
 * that decrypts runs one. Being the log, it works across processes and stores alike and misses
 * nothing while it runs; a process that starts later has an empty cache anyway.
 */
export class ErasureWatcher {
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private forgotten = 0;

  constructor(
    private readonly store: EventStore,
    private readonly keys: Pick<KeyStore, 'forget'>,
    private readonly logger?: Logger,
  ) {}

  /** How many erasures it has applied to this process's cache. */
  get applied(): number {
    return this.forgotten;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    const from = await this.store.headPosition();
    this.running = this.follow(from, controller.signal);
  }

  private async follow(start: string | null, signal: AbortSignal): Promise<void> {
    let from = start;
    for (let failures = 0; !signal.aborted; ) {
      try {
        for await (const batch of this.store.subscribeAll({ from, filter: { types: ['LeadErased'] }, signal })) {
          for (const event of batch.events) {
            if (event.type !== 'LeadErased') continue;
            this.keys.forget(event.data.leadId);
            this.forgotten++;
          }
          from = batch.checkpoint;
          failures = 0;
        }
      } catch (error) {
        if (signal.aborted) return;
        failures++;
        this.logger?.warn('erasure watcher lost the log; following it again', { error: error instanceof Error ? error.message : String(error) });
        // Meanwhile the key cache's own TTL still bounds how long an erased key is used.
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 250 * 2 ** Math.min(failures, 7))));
      }
    }
  }

  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = null;
  }
}
