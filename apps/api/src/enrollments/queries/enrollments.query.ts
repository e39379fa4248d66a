import { Inject, Injectable } from '@nestjs/common';
import { StopReasons } from '@app/events';
import { DB } from '@app/read-store';
import { KYSELY } from '@app/platform';
import { Kysely, Selectable } from 'kysely';
import { EnrollmentModel, EnrollmentStatusEnum, StopReasonEnum } from './enrollment.model';

type Row = Selectable<DB['enrollments']>;

const statuses = new Set<string>(Object.values(EnrollmentStatusEnum));

function toModel(row: Row): EnrollmentModel {
  const status = row.status.toUpperCase();
  if (!statuses.has(status)) throw new Error(`enrollments read model: unknown status "${row.status}"`);
  const stopReason = StopReasons.find((r) => r === row.stopReason?.toUpperCase()) ?? null;
  return {
    id: row.enrollmentId,
    campaignId: row.campaignId,
    leadId: row.leadId,
    sequenceId: row.sequenceId,
    status: status as EnrollmentStatusEnum,
    stopReason: stopReason as StopReasonEnum | null,
    currentStep: row.currentStep,
    stepCount: row.stepCount,
    nextDueAt: row.nextDueAt,
    emailsSent: row.emailsSent,
    enrolledAt: row.enrolledAt,
    firstSentAt: row.firstSentAt,
    firstOpenedAt: row.firstOpenedAt,
    firstClickedAt: row.firstClickedAt,
    repliedAt: row.repliedAt,
    bouncedAt: row.bouncedAt,
    unsubscribedAt: row.unsubscribedAt,
    finishedAt: row.finishedAt,
  };
}

/** Reads the enrollments read model, always within one workspace. */
@Injectable()
export class EnrollmentsQuery {
  constructor(@Inject(KYSELY) private readonly db: Kysely<DB>) {}

  async byId(workspaceId: string, id: string): Promise<EnrollmentModel | null> {
    const row = await this.db.selectFrom('enrollments').selectAll().where('workspaceId', '=', workspaceId).where('enrollmentId', '=', id).executeTakeFirst();
    return row ? toModel(row) : null;
  }

  async byIds(workspaceId: string, ids: readonly string[]): Promise<EnrollmentModel[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('enrollments').selectAll().where('workspaceId', '=', workspaceId).where('enrollmentId', 'in', [...ids]).execute();
    return rows.map(toModel);
  }

  /** A lead's enrollments, newest first. */
  async ofLead(workspaceId: string, leadId: string): Promise<EnrollmentModel[]> {
    const rows = await this.db
      .selectFrom('enrollments')
      .selectAll()
      .where('workspaceId', '=', workspaceId)
      .where('leadId', '=', leadId)
      .orderBy('enrolledAt', 'desc')
      .orderBy('enrollmentId')
      .execute();
    return rows.map(toModel);
  }
}
