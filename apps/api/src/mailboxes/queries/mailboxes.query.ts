import { Inject, Injectable } from '@nestjs/common';
import { MailboxLimits, MailboxLimitsSchema } from '@app/events';
import { dailyAllowance } from '@app/mail';
import { CLOCK, Clock, KYSELY } from '@app/platform';
import { DB } from '@app/read-store';
import { Kysely, Selectable, sql } from 'kysely';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { MailboxDisconnectReasonEnum, MailboxModel, MailboxProviderEnum, MailboxStatusEnum } from './mailbox.model';

type Row = Selectable<DB['mailboxes']>;

const providers = new Set<string>(Object.values(MailboxProviderEnum));
const reasons = new Set<string>(Object.values(MailboxDisconnectReasonEnum));

/** Reads the mailboxes read model (and the send counters), always within one workspace. */
@Injectable()
export class MailboxesQuery {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly watermarks: ProjectionWatermarks,
  ) {}

  /** A mailbox as the read model shows it once it has applied a write (read-your-writes). */
  async afterWrite(workspaceId: string, mailboxId: string, position: string | null): Promise<MailboxModel> {
    await this.watermarks.waitFor(['mailboxes'], position);
    const mailbox = await this.byId(workspaceId, mailboxId);
    if (!mailbox) throw notFound('Mailbox', mailboxId);
    return mailbox;
  }

  private async toModels(rows: Row[]): Promise<MailboxModel[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => r.mailboxId);
    const now = this.clock.now();
    const { rows: sent } = await sql<{ mailboxId: string; n: number }>`
      select mailbox_id as "mailboxId", count(*)::int as n from mailbox_sends
      where mailbox_id = any(${ids}::uuid[]) and reserved_at > ${new Date(now.getTime() - 24 * 3600_000)} group by mailbox_id`.execute(this.db);
    const { rows: waiting } = await sql<{ mailboxId: string; n: number }>`
      select m.id as "mailboxId", count(e.email_id)::int as n
      from unnest(${ids}::uuid[]) as m(id)
      join campaign_sending c on c.mailbox_ids ? m.id::text
      join emails e on e.campaign_id = c.campaign_id and e.status = 'queued'
      group by m.id`.execute(this.db);
    const sentBy = new Map(sent.map((r) => [r.mailboxId, r.n]));
    const waitingBy = new Map(waiting.map((r) => [r.mailboxId, r.n]));
    return rows.map((row) => {
      const limits: MailboxLimits = MailboxLimitsSchema.parse(row.limits);
      const connectedAt = new Date(row.connectedAt);
      return {
        id: row.mailboxId,
        provider: providers.has(row.provider) ? (row.provider as MailboxProviderEnum) : MailboxProviderEnum.OUTBOX,
        address: row.address,
        displayName: row.displayName,
        status: row.status === 'disconnected' ? MailboxStatusEnum.DISCONNECTED : MailboxStatusEnum.CONNECTED,
        disconnectReason: row.disconnectReason && reasons.has(row.disconnectReason) ? (row.disconnectReason as MailboxDisconnectReasonEnum) : null,
        disconnectDetail: row.disconnectDetail,
        connectedAt,
        disconnectedAt: row.disconnectedAt ? new Date(row.disconnectedAt) : null,
        limits,
        dailyAllowance: dailyAllowance(limits, connectedAt.toISOString(), now),
        sentLast24Hours: sentBy.get(row.mailboxId) ?? 0,
        waitingEmails: waitingBy.get(row.mailboxId) ?? 0,
      };
    });
  }

  async byId(workspaceId: string, mailboxId: string): Promise<MailboxModel | null> {
    const row = await this.db.selectFrom('mailboxes').selectAll().where('workspaceId', '=', workspaceId).where('mailboxId', '=', mailboxId).executeTakeFirst();
    return row ? ((await this.toModels([row]))[0] ?? null) : null;
  }

  async byIds(workspaceId: string, mailboxIds: readonly string[]): Promise<MailboxModel[]> {
    if (!mailboxIds.length) return [];
    const rows = await this.db.selectFrom('mailboxes').selectAll().where('workspaceId', '=', workspaceId).where('mailboxId', 'in', [...mailboxIds]).execute();
    const models = new Map((await this.toModels(rows)).map((m) => [m.id, m]));
    return mailboxIds.map((id) => models.get(id)).filter((m): m is MailboxModel => m !== undefined);
  }

  /** The workspace's mailboxes, connected first, then by address. */
  async list(workspaceId: string): Promise<MailboxModel[]> {
    const rows = await this.db.selectFrom('mailboxes').selectAll().where('workspaceId', '=', workspaceId).orderBy('status').orderBy('address').execute();
    return this.toModels(rows);
  }
}
