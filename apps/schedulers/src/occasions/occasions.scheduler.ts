import { Inject, Injectable } from '@nestjs/common';
import { EnrollmentUseCases, stableIds } from '@app/application';
import { IANAZone } from 'luxon';
import { AppLogger, CLOCK, Clock, LOGGER } from '@app/platform';
import { Kysely, sql } from 'kysely';
import { SchedulersSettings } from '../schedulers.config';
import { SCHEDULERS_DB, SCHEDULERS_SETTINGS } from '../schedulers.tokens';
import { isMissingReadModel } from '../shared/concurrency';
import { PollingLoop } from '../shared/polling-loop';
import { SCHEDULER_ACTOR, asScheduler } from '../shared/system-actor';
import { tolerateRefusal } from '../reactors/reactor-support';
import { ImportantDate, OccasionKind, candidateDays, dueOccasions } from './occasions.policy';

type OccasionCampaign = { campaignId: string; workspaceId: string; occasion: OccasionKind; occasionLabel: string | null; sendAtLocalTime: string; timezone: string | null };
type DateRow = { leadId: string; dateId: string; kind: OccasionKind; year: number | null; month: number; day: number; recurrence: 'YEARLY' | 'ONCE'; timezone: string | null };

const zoneOr = (zone: string | null | undefined, fallback: string) => (zone && IANAZone.isValidZone(zone) ? zone : fallback);

/**
 * Occasion emails: for every running occasion campaign, the leads whose date (of the campaign's
 * kind) is due now in their zone (else the campaign's, else UTC) are enrolled with that date
 * and year. The enrollment id is derived from campaign, lead, date and year, so a date and year
 * is enrolled once, whichever process or restart gets there; the enrollments read model only
 * spares the repeated attempts. Opted-out and suppressed leads are refused by the enrollment
 * rules (and skipped here first).
 */
@Injectable()
export class OccasionsScheduler {
  private readonly loop: PollingLoop;

  constructor(
    @Inject(SCHEDULERS_DB) private readonly db: Kysely<unknown>,
    private readonly enrollments: EnrollmentUseCases,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: AppLogger,
    @Inject(SCHEDULERS_SETTINGS) private readonly settings: Pick<SchedulersSettings, 'occasionPollMs'>,
  ) {
    this.loop = new PollingLoop({ name: 'occasion job', staleAfterMs: () => Math.max(5 * 60_000, (settings.occasionPollMs ?? 60_000) * 5), logger });
  }

  start(): void {
    this.loop.start(async () => (await this.tick(), false), () => this.settings.occasionPollMs ?? 60_000);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  health(): true | string {
    return this.loop.health();
  }

  /** Enrols every occasion due now; returns how many enrollments it made. */
  tick(now: Date = this.clock.now()): Promise<number> {
    return this.loop.track(async () => {
      try {
        let enrolled = 0;
        for (const campaign of await this.campaigns()) enrolled += await this.enrolDue(campaign, now);
        return enrolled;
      } catch (error) {
        // The read models it reads are still being built: nothing is due yet.
        if (isMissingReadModel(error)) return 0;
        throw error;
      }
    });
  }

  private async campaigns(): Promise<OccasionCampaign[]> {
    const { rows } = await sql<OccasionCampaign>`
      select campaign_id as "campaignId", workspace_id as "workspaceId", occasion, occasion_label as "occasionLabel",
        send_at_local_time as "sendAtLocalTime", timezone
      from campaign_sending where status = 'active' and occasion is not null and send_at_local_time is not null`.execute(this.db);
    return rows;
  }

  private async enrolDue(campaign: OccasionCampaign, now: Date): Promise<number> {
    const days = candidateDays(now);
    const { rows } = await sql<DateRow>`
      select d.lead_id as "leadId", d.date_id as "dateId", d.kind, d.year, d.month, d.day, d.recurrence, l.timezone
      from lead_dates d
      join leads l on l.lead_id = d.lead_id
      where d.workspace_id = ${campaign.workspaceId} and d.kind = ${campaign.occasion}
        ${campaign.occasion === 'CUSTOM' ? sql`and lower(d.label) = lower(${campaign.occasionLabel ?? ''})` : sql``}
        and (d.month, d.day) in (${sql.join(days.map((d) => sql`(${d.month}::int, ${d.day}::int)`))})
        and l.status = 'contactable'
        and not exists (select 1 from suppressions s where s.workspace_id = l.workspace_id and s.email_hash = l.email_hash)`.execute(this.db);
    const campaignZone = zoneOr(campaign.timezone, 'UTC');
    const due = rows.flatMap((row) => {
      const date: ImportantDate = { dateId: row.dateId, kind: row.kind, year: row.year, month: row.month, day: row.day, recurrence: row.recurrence };
      return dueOccasions(date, campaign, zoneOr(row.timezone, campaignZone), now).map((o) => ({ ...o, leadId: row.leadId, enrollmentId: stableIds.occasionEnrollment(campaign.campaignId, row.leadId, o.dateId, o.year) }));
    });
    if (!due.length) return 0;
    const { rows: existing } = await sql<{ enrollmentId: string }>`
      select enrollment_id as "enrollmentId" from enrollments where enrollment_id = any(${due.map((d) => d.enrollmentId)}::uuid[])`.execute(this.db);
    const known = new Set(existing.map((r) => r.enrollmentId));
    let enrolled = 0;
    for (const occasion of due.filter((d) => !known.has(d.enrollmentId))) {
      const details = { campaignId: campaign.campaignId, leadId: occasion.leadId, dateId: occasion.dateId, year: occasion.year };
      await asScheduler(campaign.workspaceId, () =>
        tolerateRefusal(this.logger, 'enrol an occasion', details, async () => {
          const outcome = await this.enrollments.enroll({
            workspaceId: campaign.workspaceId,
            campaignId: campaign.campaignId,
            leadId: occasion.leadId,
            occasion: { dateId: occasion.dateId, year: occasion.year, dueAt: occasion.dueAt },
            actorId: SCHEDULER_ACTOR,
          });
          if (outcome.events > 0) {
            enrolled++;
            this.logger.info({ ...details, dueAt: occasion.dueAt }, 'occasion enrolled');
          }
        }),
      );
    }
    return enrolled;
  }
}
