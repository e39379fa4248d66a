import { Inject, Injectable } from '@nestjs/common';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, Selectable } from 'kysely';
import { BounceKindEnum, EmailModel, EmailStatusEnum } from './email.model';

type Row = Selectable<DB['emails']>;

/** What recording a tracking fact needs to know about an email. */
export type EmailRef = {
  emailId: string;
  workspaceId: string;
  enrollmentId: string;
  campaignId: string;
  leadId: string;
  links: { index: number; url: string }[];
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The links column holds EmailQueued's `[{index, url}]`. */
export function toLinks(value: unknown): { index: number; url: string }[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).flatMap((link) => (typeof link.index === 'number' && typeof link.url === 'string' ? [{ index: link.index, url: link.url }] : []));
}

function toModel(row: Row): EmailModel {
  const status = row.status.toUpperCase();
  if (status !== 'QUEUED' && status !== 'SENT' && status !== 'FAILED') throw new Error(`emails read model: unknown status "${row.status}"`);
  const bounceKind = row.bounceKind?.toUpperCase();
  return {
    id: row.emailId,
    enrollmentId: row.enrollmentId,
    campaignId: row.campaignId,
    leadId: row.leadId,
    stepIndex: row.stepIndex,
    variant: row.variant,
    templateId: row.templateId,
    templateRevision: row.templateRevision,
    to: row.toAddress,
    subject: row.subject,
    body: row.bodyHtml,
    bodyText: row.bodyText,
    status: EmailStatusEnum[status],
    queuedAt: row.queuedAt,
    sentAt: row.sentAt,
    failedAt: row.failedAt,
    failureReason: row.failureReason,
    openCount: row.openCount,
    machineOpenCount: row.machineOpenCount,
    firstOpenedAt: row.firstOpenedAt,
    clickCount: row.clickCount,
    firstClickedAt: row.firstClickedAt,
    repliedAt: row.repliedAt,
    bouncedAt: row.bouncedAt,
    bounceKind: bounceKind === 'HARD' || bounceKind === 'SOFT' ? BounceKindEnum[bounceKind] : null,
    links: toLinks(row.links),
  };
}

/** Reads the emails read model. */
@Injectable()
export class EmailsQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async byId(workspaceId: string, id: string): Promise<EmailModel | null> {
    const row = await this.db.selectFrom('emails').selectAll().where('workspaceId', '=', workspaceId).where('emailId', '=', id).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  /** An enrollment's emails in step order. */
  async ofEnrollment(workspaceId: string, enrollmentId: string): Promise<EmailModel[]> {
    const rows = await this.db
      .selectFrom('emails')
      .selectAll()
      .where('workspaceId', '=', workspaceId)
      .where('enrollmentId', '=', enrollmentId)
      .orderBy('stepIndex')
      .orderBy('queuedAt')
      .execute();
    return rows.map(toModel);
  }

  /**
   * Where an email belongs, by id alone: tracking hits carry only a signed email id. Callers
   * with an actor must compare the workspace themselves.
   */
  async ref(emailId: string): Promise<EmailRef | null> {
    const row = await this.db
      .selectFrom('emails')
      .select(['emailId', 'workspaceId', 'enrollmentId', 'campaignId', 'leadId', 'links'])
      .where('emailId', '=', emailId)
      .executeTakeFirst();
    return row ? { ...row, links: toLinks(row.links) } : null;
  }
}
