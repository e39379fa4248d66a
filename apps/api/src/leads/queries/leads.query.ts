import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, Selectable } from 'kysely';
import { Connection, decodeCursor, pageSize, toConnection } from '../../common/pagination/connection';
import { LeadModel, LeadSourceEnum, LeadStatusEnum, SuppressionReasonEnum } from './lead.model';

type Row = Selectable<DB['leads']>;

export type LeadsFilter = { status?: LeadStatusEnum | null; search?: string | null; campaignId?: string | null };

function oneOf<E extends string>(values: Record<string, E>, value: string, what: string): E {
  const upper = value.toUpperCase();
  const found = Object.values(values).find((v) => v === upper);
  if (!found) throw new Error(`leads read model: unknown ${what} "${value}"`);
  return found;
}

function toCustomFields(value: unknown): { key: string; value: string }[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, v]) => ({ key, value: v }));
}

function toModel(row: Row): LeadModel {
  return {
    id: row.leadId,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    company: row.company,
    title: row.title,
    timezone: row.timezone,
    customFields: toCustomFields(row.customFields),
    status: oneOf(LeadStatusEnum, row.status, 'status'),
    suppressionReason: row.suppressionReason ? oneOf(SuppressionReasonEnum, row.suppressionReason, 'suppression reason') : null,
    unsubscribedAt: row.unsubscribedAt,
    source: oneOf(LeadSourceEnum, row.source, 'source'),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** `%` and `_` typed by a user are literal characters, not wildcards. */
const likePattern = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Reads the leads read model, always within one workspace. */
@Injectable()
export class LeadsQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async byId(workspaceId: string, id: string): Promise<LeadModel | null> {
    const row = await this.db.selectFrom('leads').selectAll().where('workspaceId', '=', workspaceId).where('leadId', '=', id).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  /**
   * Another lead of the workspace already using this address. Lead ids derive from the address,
   * so a second creation collides on the stream by itself; this catches a lead whose address was
   * changed to it later (its id derives from its first address).
   */
  async otherWithEmailHash(workspaceId: string, emailHash: string, leadId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('leads')
      .select('leadId')
      .where('workspaceId', '=', workspaceId)
      .where('emailHash', '=', emailHash)
      .where('leadId', '<>', leadId)
      .limit(1)
      .executeTakeFirst();
    return row?.leadId ?? null;
  }

  async list(workspaceId: string, filter: LeadsFilter, first: number | null | undefined, after: string | null | undefined): Promise<Connection<LeadModel>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after);
    let scope = this.db.selectFrom('leads').where('leads.workspaceId', '=', workspaceId);
    if (filter.status) scope = scope.where('leads.status', '=', filter.status.toLowerCase());
    const search = filter.search?.trim();
    if (search) {
      const pattern = likePattern(search);
      scope = scope.where((eb) =>
        eb.or([eb('leads.email', 'ilike', pattern), eb('leads.firstName', 'ilike', pattern), eb('leads.lastName', 'ilike', pattern), eb('leads.company', 'ilike', pattern)]),
      );
    }
    const campaignId = filter.campaignId;
    if (campaignId) {
      scope = scope.where((eb) =>
        eb.exists(eb.selectFrom('enrollments').select('enrollments.enrollmentId').whereRef('enrollments.leadId', '=', 'leads.leadId').where('enrollments.campaignId', '=', campaignId)),
      );
    }
    let page = scope.selectAll('leads');
    if (cursor) {
      page = page.where((eb) => eb.or([eb('leads.createdAt', '>', new Date(cursor.at)), eb.and([eb('leads.createdAt', '=', new Date(cursor.at)), eb('leads.leadId', '>', cursor.id)])]));
    }
    const [rows, total] = await Promise.all([
      page.orderBy('leads.createdAt').orderBy('leads.leadId').limit(size + 1).execute(),
      scope.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow(),
    ]);
    return toConnection(rows, size, Number(total.count), toModel, (r) => ({ at: r.createdAt.toISOString(), id: r.leadId }));
  }
}
