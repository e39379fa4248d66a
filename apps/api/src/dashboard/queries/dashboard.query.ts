import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, sql } from 'kysely';
import { ratesOf } from '../../campaigns/queries/campaign.model';
import { DashboardCountsModel, DashboardModel } from './dashboard.model';

const COUNTS = ['enrolled', 'emailsSent', 'leadsContacted', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed'] as const;
const DAY_MS = 86_400_000;

const zero = (): DashboardCountsModel => ({ enrolled: 0, emailsSent: 0, leadsContacted: 0, opened: 0, clicked: 0, replied: 0, bounced: 0, unsubscribed: 0 });

/** Every UTC day from `from` to `to`, both included, as YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Totals and a per-day series from campaign_daily_stats, within one workspace. */
@Injectable()
export class DashboardQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async between(workspaceId: string, from: string, to: string, campaignId: string | null): Promise<DashboardModel> {
    let query = this.db
      .selectFrom('campaignDailyStats')
      .select((eb) => [
        sql<string>`to_char(${eb.ref('day')}, 'YYYY-MM-DD')`.as('day'),
        ...COUNTS.map((column) => eb.fn.sum<string>(column).as(column)),
      ])
      .where('workspaceId', '=', workspaceId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .groupBy('day');
    if (campaignId) query = query.where('campaignId', '=', campaignId);
    const rows = await query.execute();

    const byDay = new Map(
      rows.map((row) => {
        const counts = zero();
        for (const c of COUNTS) counts[c] = Number(row[c] ?? 0);
        return [row.day, counts];
      }),
    );
    const days = daysBetween(from, to).map((day) => ({ day, ...(byDay.get(day) ?? zero()) }));
    const totals = zero();
    for (const day of days) for (const c of COUNTS) totals[c] += day[c];
    return { from, to, campaignId, totals, rates: ratesOf(totals), days };
  }
}
