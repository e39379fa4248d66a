import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { auditLogDecider } from '@app/domain';
import { streams } from '@app/events';
import { EventStore, WorkspaceAudit } from '@app/event-store';
import { AppLogger, CommandExecutor, EVENT_STORE, LOGGER, PG_POOL } from '@app/platform';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { SCHEDULER_ACTOR, asScheduler } from '../shared/system-actor';
import { ANCHOR_INTERVAL_MS, AnchorRound, FIRST_ANCHOR_DELAY_MS, emptyRound, tally } from './audit-anchors.policy';

const LOCK_KEY = 'schedulers:audit-anchors';

/**
 * The schedulers' compliance jobs. Every hour each workspace's log is anchored: a Merkle root
 * over every stream's length and head hash, recorded as AuditAnchored on its audit stream, so
 * that removing the tail of a stream (which its own chain cannot show) is detected by the next
 * verification. One scheduler process at a time does it (an advisory lock). An anchor that
 * would cover a stream shorter than the previous anchor saw is refused and reported loudly.
 */
@Injectable()
export class AuditAnchorsScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly audit: WorkspaceAudit;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<AnchorRound | null> | null = null;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: AppLogger,
    private readonly commands: CommandExecutor,
  ) {
    this.audit = new WorkspaceAudit(store, pool);
  }

  onApplicationBootstrap(): void {
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        this.round = this.anchorAll().catch((error: unknown) => {
          this.logger.error({ err: error }, 'audit anchoring round failed; trying again next round');
          return null;
        });
        void this.round.then(() => this.timer && tick(ANCHOR_INTERVAL_MS));
      }, delay);
      this.timer.unref();
    };
    tick(FIRST_ANCHOR_DELAY_MS);
  }

  /** One round over every workspace; null when another process holds the round. */
  async anchorAll(): Promise<AnchorRound | null> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [LOCK_KEY]);
      if (rows[0]?.ok !== true) return null;
      try {
        let round = emptyRound();
        const { rows: workspaces } = await this.pool.query<{ workspace_id: string }>('select workspace_id from workspaces order by workspace_id');
        for (const { workspace_id: workspaceId } of workspaces) {
          try {
            const outcome = await asScheduler(workspaceId, () => this.audit.anchor(workspaceId, uuidv7(), (build) => this.record(workspaceId, build(this.commands.now()))));
            round = tally(round, workspaceId, outcome);
            if (outcome.kind === 'refused') {
              this.logger.error({ workspaceId, streamId: outcome.streamId, detail: outcome.detail }, 'AUDIT ANCHOR REFUSED: a stream lost events or changed since the last anchor; verify the event log');
            }
          } catch (error) {
            round = { ...round, failed: round.failed + 1 };
            this.logger.error({ err: error, workspaceId }, 'could not anchor a workspace');
          }
        }
        this.logger.info({ anchored: round.anchored, unchanged: round.unchanged, refused: round.refused.length, failed: round.failed }, 'audit anchors');
        return round;
      } finally {
        await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  private async record(workspaceId: string, command: Parameters<typeof auditLogDecider.decide>[0]): Promise<{ appended: boolean }> {
    const outcome = await this.commands.execute({ name: 'RecordAnchor', streamId: streams.audit(workspaceId), decider: auditLogDecider, tenantId: workspaceId, actorId: SCHEDULER_ACTOR, command });
    return { appended: outcome.appended !== null };
  }

  /** Stops the timer and lets a round in flight finish. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }
}
