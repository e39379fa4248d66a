import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, Selectable } from 'kysely';
import { Connection, decodeCursor, pageSize, toConnection } from '../../common/pagination/connection';
import { CampaignModel, CampaignStatusEnum, ratesOf } from './campaign.model';

type Row = Selectable<DB['campaigns']>;

const statuses = new Set<string>(Object.values(CampaignStatusEnum));

function toStatus(status: string): CampaignStatusEnum {
  const upper = status.toUpperCase();
  if (!statuses.has(upper)) throw new Error(`campaigns read model: unknown status "${status}"`);
  return upper as CampaignStatusEnum;
}

function toModel(row: Row): CampaignModel {
  const counters = {
    enrolled: row.enrolled,
    active: row.active,
    completed: row.completed,
    stopped: row.stopped,
    emailsSent: row.emailsSent,
    leadsContacted: row.leadsContacted,
    opened: row.opened,
    clicked: row.clicked,
    replied: row.replied,
    bounced: row.bounced,
    unsubscribed: row.unsubscribed,
    failed: row.failed,
  };
  return {
    id: row.campaignId,
    name: row.name,
    status: toStatus(row.status),
    stopOnReply: row.stopOnReply,
    sequenceId: row.sequenceId,
    createdAt: row.createdAt,
    launchedAt: row.launchedAt,
    pausedAt: row.pausedAt,
    completedAt: row.completedAt,
    archivedAt: row.archivedAt,
    counters,
    rates: ratesOf(counters),
  };
}

/** Reads the campaigns read model, always within one workspace. */
@Injectable()
export class CampaignsQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async byId(workspaceId: string, id: string): Promise<CampaignModel | null> {
    const row = await this.db.selectFrom('campaigns').selectAll().where('workspaceId', '=', workspaceId).where('campaignId', '=', id).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  async exists(workspaceId: string, id: string): Promise<boolean> {
    const row = await this.db.selectFrom('campaigns').select('campaignId').where('workspaceId', '=', workspaceId).where('campaignId', '=', id).executeTakeFirst();
    return row !== undefined;
  }

  async list(workspaceId: string, status: CampaignStatusEnum | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<CampaignModel>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    let scope = this.db.selectFrom('campaigns').where('workspaceId', '=', workspaceId);
    if (status) scope = scope.where('status', '=', status.toLowerCase());
    let page = scope.selectAll();
    if (cursor) page = page.where((eb) => eb.or([eb('createdAt', '>', new Date(cursor.at)), eb.and([eb('createdAt', '=', new Date(cursor.at)), eb('campaignId', '>', cursor.id)])]));
    const [rows, total] = await Promise.all([
      page.orderBy('createdAt').orderBy('campaignId').limit(size + 1).execute(),
      scope.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow(),
    ]);
    return toConnection(rows, size, Number(total.count), toModel, (r) => ({ at: r.createdAt.toISOString(), id: r.campaignId }));
  }
}
