import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventStore } from '@app/event-store';
import { ProgressBus } from '@app/messaging';
import { API_SETTINGS } from '../../api.tokens';
import { ApiSettings } from '../../api.config';
import { AppLogger, EVENT_STORE, KYSELY, LOGGER, PROGRESS_BUS } from '@app/platform';
import { Kysely, sql } from 'kysely';

type Waiter = { projections: readonly string[]; position: string; resolve: (ok: boolean) => void };

/**
 * Read-your-writes: a mutation appends, then waits until the read models it answers from have
 * passed its events. Projectors announce progress (NATS across processes, in memory in one
 * process); if a notice is missed the stored checkpoints are read instead.
 */
@Injectable()
export class ProjectionWatermarks implements OnModuleInit, OnModuleDestroy {
  private readonly latest = new Map<string, string>();
  private readonly waiters = new Set<Waiter>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    @Inject(PROGRESS_BUS) private readonly progress: ProgressBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KYSELY) private readonly db: Kysely<unknown>,
    @Inject(API_SETTINGS) private readonly settings: ApiSettings,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.progress.subscribe(({ projection, checkpoint }) => this.advance(projection, checkpoint));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }

  private advance(projection: string, checkpoint: string): void {
    const known = this.latest.get(projection);
    if (known && this.store.comparePositions(known, checkpoint) >= 0) return;
    this.latest.set(projection, checkpoint);
    for (const waiter of [...this.waiters]) {
      if (this.passed(waiter.projections, waiter.position)) {
        this.waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
  }

  private passed(projections: readonly string[], position: string): boolean {
    return projections.every((p) => {
      const checkpoint = this.latest.get(p);
      return checkpoint !== undefined && this.store.comparePositions(checkpoint, position) >= 0;
    });
  }

  private async refreshFromCheckpoints(projections: readonly string[]): Promise<void> {
    const { rows } = await sql<{ projection: string; position: string | null }>`
      select projection, position from projection_checkpoints where state = 'live' and projection = any(${[...projections]})`.execute(this.db);
    for (const row of rows) if (row.position) this.advance(row.projection, row.position);
  }

  /**
   * Resolves true once every named projection has applied `position` (or false after the
   * timeout: the caller answers anyway, and the log says the read model was behind).
   */
  async waitFor(projections: readonly string[], position: string | null | undefined): Promise<boolean> {
    if (!position || projections.length === 0 || this.passed(projections, position)) return true;
    const deadline = Date.now() + this.settings.readYourWritesTimeoutMs;
    const notified = new Promise<boolean>((resolve) => this.waiters.add({ projections, position, resolve }));
    // Notices are the fast path; the stored checkpoints are read only as a fallback, for a
    // notice lost on the way (NATS is at-most-once), so not often: under load every query counts.
    for (let delay = 200; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
      const woke = await Promise.race([notified, new Promise<false>((resolve) => setTimeout(() => resolve(false), delay))]);
      if (woke || this.passed(projections, position)) return true;
      await this.refreshFromCheckpoints(projections).catch(() => undefined);
      if (this.passed(projections, position)) return true;
    }
    this.logger.warn({ projections, position }, 'read models did not catch up within the read-your-writes timeout; answering with what they show');
    return false;
  }
}
