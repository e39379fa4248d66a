import { EventType } from '@app/events';
import { EventStore } from '@app/event-store';
import { ProgressBus } from '@app/messaging';
import { Kysely, sql } from 'kysely';
import { pause } from './concurrency';

/** The events that change an enrollment's status in the enrollments read model. */
export const ENROLLMENT_STATUS_EVENTS: readonly EventType[] = ['LeadEnrolled', 'StepScheduled', 'EnrollmentCompleted', 'EnrollmentStopped'];

export class ReadModelBehind extends Error {
  constructor(projection: string, position: string, waitedMs: number) {
    super(`the ${projection} read model has not reached ${position} after ${waitedMs} ms`);
    this.name = 'ReadModelBehind';
  }
}

/**
 * Waits for a read model to have applied the log up to a position, before a reactor asks it
 * "which enrollments of this campaign are waiting?". Projectors announce progress on the
 * progress bus (fast path); the stored checkpoint is polled as well, since a notice can be
 * missed and the projectors may run in another process.
 */
export class ReadModelWatermark {
  private readonly latest = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly store: EventStore,
    progress?: ProgressBus,
  ) {
    this.unsubscribe =
      progress?.subscribe(({ projection, checkpoint }) => {
        this.advance(projection, checkpoint);
      }) ?? null;
  }

  close(): void {
    this.unsubscribe?.();
    for (const wake of [...this.listeners]) wake();
  }

  private advance(projection: string, checkpoint: string): void {
    const known = this.latest.get(projection);
    if (known && this.store.comparePositions(known, checkpoint) >= 0) return;
    this.latest.set(projection, checkpoint);
    for (const wake of [...this.listeners]) wake();
  }

  private passed(projection: string, position: string): boolean {
    const checkpoint = this.latest.get(projection);
    return checkpoint !== undefined && this.store.comparePositions(checkpoint, position) >= 0;
  }

  private async readCheckpoint(projection: string): Promise<void> {
    const { rows } = await sql<{ position: string | null }>`
      select position from projection_checkpoints where projection = ${projection} and state = 'live'`.execute(this.db);
    const position = rows[0]?.position;
    if (position) this.advance(projection, position);
  }

  /**
   * The position a read model must reach to reflect every enrollment status change up to
   * `position` (inclusive): the last such event at or before it. Waiting for that rather
   * than for `position` itself matters when the trigger (CampaignLaunched) is not an event the
   * read model handles: its stored checkpoint may stay behind such an event for a while.
   */
  async lastStatusChangeAtOrBefore(position: string, type: EventType, types: readonly EventType[] = ENROLLMENT_STATUS_EVENTS): Promise<string | null> {
    if (types.includes(type)) return position;
    const [last] = await this.store.readAll({ from: position, direction: 'backwards', limit: 1, filter: { types } });
    return last?.position ?? null;
  }

  /** Resolves once `projection` has applied `position`; throws ReadModelBehind after `timeoutMs`. */
  async waitFor(projection: string, position: string | null, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (!position || this.passed(projection, position)) return;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const started = Date.now();
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      await this.readCheckpoint(projection);
      if (this.passed(projection, position)) return;
      if (options.signal?.aborted) throw new ReadModelBehind(projection, position, Date.now() - started);
      if (Date.now() - started > timeoutMs) throw new ReadModelBehind(projection, position, Date.now() - started);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.listeners.delete(wake);
          resolve();
        };
        this.listeners.add(wake);
        void pause(delay, options.signal).then(wake);
      });
    }
  }
}
