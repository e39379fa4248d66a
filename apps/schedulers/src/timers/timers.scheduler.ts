import { Inject, Injectable } from '@nestjs/common';
import { EnrollmentUseCases } from '@app/application';
import { AppLogger, CLOCK, Clock, LOGGER, MetricsService } from '@app/platform';
import { Kysely, sql } from 'kysely';
import { SchedulersSettings } from '../schedulers.config';
import { SCHEDULERS_DB, SCHEDULERS_SETTINGS } from '../schedulers.tokens';
import { errorText, forEachLimited } from '../shared/concurrency';
import { PollingLoop } from '../shared/polling-loop';
import { SCHEDULER_ACTOR, asScheduler } from '../shared/system-actor';
import { DueRow, FireResult, TimerMemory, classifyFailure, forget, heldBack, latenessSeconds, remember, timerKey } from './timers.policy';

/** Timers fired at once within a tick: enough to overlap store round trips, few enough for two cores. */
const FIRE_CONCURRENCY = 4;
/**
 * A tick holds its claimed rows locked while it fires them, and the due_steps projector,
 * removing a fired row, waits for that lock (and every later due_steps batch behind it). So a
 * tick stops firing after this long and leaves the rest (unlocked at commit) to the next tick.
 */
const TICK_BUDGET_MS = 1_000;
const DUE_GAUGE_EVERY_MS = 5_000;

/**
 * The step timer loop. Every `timerPollMs` it claims due rows of `due_steps` in campaigns
 * that are active (`FOR UPDATE SKIP LOCKED`: several scheduler processes share the work and
 * never hold the same row) and fires each through the enrollment decider, which is
 * idempotent (a timer whose step was already handled appends nothing), so a row claimed again
 * before the projector removed it is harmless. A failing timer is retried with backoff and
 * never blocks the others. Paused campaigns keep their rows and fire nothing.
 */
@Injectable()
export class TimersScheduler {
  private memory: TimerMemory = new Map();
  private readonly loop: PollingLoop;
  private lastDueSampleAt = 0;

  constructor(
    @Inject(SCHEDULERS_DB) private readonly db: Kysely<unknown>,
    private readonly enrollments: EnrollmentUseCases,
    private readonly metrics: MetricsService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: AppLogger,
    @Inject(SCHEDULERS_SETTINGS) private readonly settings: Pick<SchedulersSettings, 'timerPollMs' | 'timerBatchSize'>,
  ) {
    // Healthy when a tick succeeded lately (the read models exist and answer).
    this.loop = new PollingLoop({ name: 'timer loop', staleAfterMs: () => Math.max(30_000, settings.timerPollMs * 20), logger });
  }

  start(): void {
    // A full batch means a backlog: go straight on, else wait for the next poll.
    this.loop.start(async (signal) => (await this.tick(signal)) >= this.settings.timerBatchSize, () => this.settings.timerPollMs);
  }

  /** Stops claiming; the tick in flight finishes its fires and commits (releasing its rows). */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  health(): true | string {
    return this.loop.health();
  }

  /** Claims and fires one batch; returns how many rows it claimed. */
  tick(signal?: AbortSignal): Promise<number> {
    return this.loop.track(() => this.claimAndFire(signal));
  }

  private async claimAndFire(signal?: AbortSignal): Promise<number> {
    const now = this.clock.now();
    this.memory = forget(this.memory, now.getTime());
    const held = heldBack(this.memory, now.getTime());
    const claimed = await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<DueRow>`
        select d.enrollment_id as "enrollmentId", d.workspace_id as "workspaceId", d.campaign_id as "campaignId",
          d.step_index as "stepIndex", d.due_at as "dueAt"
        from due_steps d
        join campaigns c on c.campaign_id = d.campaign_id
        where d.due_at <= now() and c.status = 'active'
          and not exists (
            select 1 from unnest(${held.enrollmentIds}::uuid[], ${held.stepIndexes}::int[], ${held.dueAts}::timestamptz[]) as h(enrollment_id, step_index, due_at)
            where h.enrollment_id = d.enrollment_id and h.step_index = d.step_index and h.due_at = d.due_at)
        order by d.due_at
        limit ${this.settings.timerBatchSize}
        for update of d skip locked`.execute(trx);
      const deadline = Date.now() + TICK_BUDGET_MS;
      await forEachLimited(rows, FIRE_CONCURRENCY, async (row) => {
        // Past the budget (or stopping): leave the row for the next tick instead of holding it.
        if (Date.now() > deadline || signal?.aborted) return;
        const result = await this.fire(row);
        this.memory = remember(this.memory, timerKey(row), result, this.clock.now().getTime());
      });
      return rows.length;
    });
    await this.sampleDue();
    return claimed;
  }

  private async fire(row: DueRow): Promise<FireResult> {
    try {
      const outcome = await asScheduler(row.workspaceId, () =>
        this.enrollments.fireStep({ workspaceId: row.workspaceId, enrollmentId: row.enrollmentId, stepIndex: row.stepIndex, manual: false, actorId: SCHEDULER_ACTOR }),
      );
      if (outcome.events === 0) return 'stale';
      this.metrics.timersFired.inc();
      this.metrics.timerLateness.observe(latenessSeconds(row, this.clock.now()));
      return 'fired';
    } catch (error) {
      const result = classifyFailure(error);
      const details = { enrollmentId: row.enrollmentId, stepIndex: row.stepIndex, dueAt: row.dueAt.toISOString(), result };
      if (result === 'failed') this.logger.warn({ ...details, err: error }, 'step timer failed; it is retried with backoff');
      else this.logger.debug({ ...details, reason: errorText(error) }, 'step timer not fired');
      return result;
    }
  }

  /** The timers_due gauge: due rows of active campaigns not fired yet (sampled, it is a count). */
  private async sampleDue(): Promise<void> {
    if (Date.now() - this.lastDueSampleAt < DUE_GAUGE_EVERY_MS) return;
    this.lastDueSampleAt = Date.now();
    const { rows } = await sql<{ due: number }>`
      select count(*)::int as due from due_steps d join campaigns c on c.campaign_id = d.campaign_id
      where d.due_at <= now() and c.status = 'active'`.execute(this.db);
    this.metrics.timersDue.set(rows[0]?.due ?? 0);
  }
}
