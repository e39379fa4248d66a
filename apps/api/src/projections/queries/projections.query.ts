import { Inject, Injectable } from '@nestjs/common';
import { EventStore } from '@app/event-store';
import { CLOCK, Clock, EVENT_STORE, KYSELY } from '@app/platform';
import { projectionDefinitions, projectionStatuses } from '@app/projections';
import { DB } from '@app/read-store';
import { Kysely, sql } from 'kysely';
import { ProjectionStatusModel } from './projection-status.model';
import { SendTimeReplyRateModel, WeekdayEnum } from './reply-rates.model';

const weekdays = [WeekdayEnum.MON, WeekdayEnum.TUE, WeekdayEnum.WED, WeekdayEnum.THU, WeekdayEnum.FRI, WeekdayEnum.SAT, WeekdayEnum.SUN];

/**
 * Read models about read models: their status (from the checkpoints, with what each handles
 * as the projector hosts recorded it) and the analysts' reply rates by send time.
 */
@Injectable()
export class ProjectionsQuery {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async status(): Promise<ProjectionStatusModel[]> {
    const db = this.db as unknown as Kysely<unknown>;
    const rows = await projectionStatuses(db, this.store, await projectionDefinitions(db), this.clock.now());
    return rows.map((r) => ({
      name: r.projection,
      version: r.version,
      schema: r.schema,
      purpose: r.purpose,
      state: r.state,
      checkpoint: r.checkpoint,
      eventsApplied: r.eventsApplied,
      eventsBehind: r.eventsBehind,
      lagSeconds: r.lagSeconds,
      until: r.until ? new Date(r.until) : null,
      parked: r.parked,
      lastError: r.lastError,
      updatedAt: r.updatedAt ? new Date(r.updatedAt) : null,
    }));
  }

  /** By weekday and hour; one campaign, or the whole workspace added up. */
  async replyRates(workspaceId: string, campaignId: string | null): Promise<SendTimeReplyRateModel[]> {
    let query = this.db
      .selectFrom('replyRatesBySendTime')
      .select(['weekday', 'hour', (eb) => sql<string>`sum(${eb.ref('sent')})`.as('sent'), (eb) => sql<string>`sum(${eb.ref('replied')})`.as('replied')])
      .where('workspaceId', '=', workspaceId);
    if (campaignId) query = query.where('campaignId', '=', campaignId);
    const rows = await query.groupBy(['weekday', 'hour']).orderBy('weekday').orderBy('hour').execute();
    return rows.map((r) => {
      const sent = Number(r.sent);
      const replied = Number(r.replied);
      return { weekday: weekdays[r.weekday - 1] ?? WeekdayEnum.MON, hour: r.hour, sent, replied, replyRate: sent ? Math.round((replied / sent) * 10_000) / 10_000 : 0 };
    });
  }

  async campaignExists(workspaceId: string, campaignId: string): Promise<boolean> {
    return (await this.db.selectFrom('campaigns').select('campaignId').where('workspaceId', '=', workspaceId).where('campaignId', '=', campaignId).executeTakeFirst()) !== undefined;
  }
}
