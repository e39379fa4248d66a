import { Inject, Injectable } from '@nestjs/common';
import { SendWindowSchema } from '@app/events';
import { KYSELY } from '@app/platform';
import { DB } from '@app/read-store';
import { Kysely } from 'kysely';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { MailboxesQuery } from '../../mailboxes/queries/mailboxes.query';
import { CampaignSendingModel, OccasionKindEnum, WeekdayEnum } from './campaign-sending.model';

const kinds = new Set<string>(Object.values(OccasionKindEnum));

/** Reads a campaign's sending settings from the campaign_sending read model. */
@Injectable()
export class CampaignSendingQuery {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    private readonly mailboxes: MailboxesQuery,
    private readonly watermarks: ProjectionWatermarks,
  ) {}

  /** The settings as the read model shows them once it has applied a write (read-your-writes). */
  async afterWrite(workspaceId: string, campaignId: string, position: string | null): Promise<CampaignSendingModel> {
    await this.watermarks.waitFor(['mailboxes'], position);
    const sending = await this.byCampaign(workspaceId, campaignId);
    if (!sending) throw notFound('Campaign', campaignId);
    return sending;
  }

  async byCampaign(workspaceId: string, campaignId: string): Promise<CampaignSendingModel | null> {
    const row = await this.db.selectFrom('campaignSending').selectAll().where('workspaceId', '=', workspaceId).where('campaignId', '=', campaignId).executeTakeFirst();
    if (!row) return null;
    const mailboxIds = Array.isArray(row.mailboxIds) ? row.mailboxIds.filter((id): id is string => typeof id === 'string') : [];
    const window = row.sendWindow === null ? null : SendWindowSchema.safeParse(row.sendWindow);
    return {
      campaignId: row.campaignId,
      mailboxes: await this.mailboxes.byIds(workspaceId, mailboxIds),
      sendWindow: window?.success ? { days: window.data.days.map((d) => d as WeekdayEnum), start: window.data.start, end: window.data.end } : null,
      timezone: row.timezone,
      occasion:
        row.occasion && kinds.has(row.occasion) && row.sendAtLocalTime
          ? { kind: row.occasion as OccasionKindEnum, customLabel: row.occasionLabel, sendAtLocalTime: row.sendAtLocalTime }
          : null,
    };
  }
}
