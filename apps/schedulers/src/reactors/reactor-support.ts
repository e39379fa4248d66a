import { CommandRunner, EnrollmentUseCases, Facts } from '@app/application';
import { DomainError } from '@app/domain';
import { WorkQueue } from '@app/messaging';
import { AppLogger } from '@app/platform';
import { Kysely, sql } from 'kysely';
import { DeliveryJob } from '../delivery/delivery-job';
import { ReadModelWatermark } from '../shared/read-model-watermark';

/** What the reactors need; each takes only its part. */
export type ReactorDependencies = {
  db: Kysely<unknown>;
  enrollments: EnrollmentUseCases;
  facts: Facts;
  commands: CommandRunner;
  watermark: ReadModelWatermark;
  queue: WorkQueue<DeliveryJob>;
  logger: AppLogger;
};

/** Enrollments touched per reactor step at once: store round trips overlap, two cores stay free. */
export const REACTOR_CONCURRENCY = 4;

/**
 * Runs one command of a reaction. A rule the decider refuses (the enrollment ended, the
 * campaign moved on) is the world having changed since the event: logged, not retried.
 * Anything else propagates, and the runner retries the batch with backoff.
 */
export async function tolerateRefusal(logger: AppLogger, what: string, details: Record<string, unknown>, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    logger.info({ ...details, code: error.code, reason: error.message }, `${what}: refused by the rules, nothing to do`);
  }
}

type EnrollmentRef = { enrollmentId: string; workspaceId: string };

/** Pages through enrollments of the read model (keyset on the id: stable while rows change). */
export async function* enrollmentsWhere(
  db: Kysely<unknown>,
  where: { campaignId?: string; leadId?: string; workspaceId?: string; statuses: readonly string[] },
  pageSize = 500,
): AsyncGenerator<EnrollmentRef[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<EnrollmentRef>`
      select enrollment_id as "enrollmentId", workspace_id as "workspaceId" from enrollments
      where status = any(${[...where.statuses]}::text[])
        ${where.campaignId ? sql`and campaign_id = ${where.campaignId}` : sql``}
        ${where.leadId ? sql`and lead_id = ${where.leadId}` : sql``}
        ${where.workspaceId ? sql`and workspace_id = ${where.workspaceId}` : sql``}
        and enrollment_id > ${after}
      order by enrollment_id
      limit ${pageSize}`.execute(db);
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    after = (rows[rows.length - 1] as EnrollmentRef).enrollmentId;
  }
}

/** Enrollments of the campaign still waiting or active. */
export async function unfinishedEnrollments(db: Kysely<unknown>, campaignId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from enrollments where campaign_id = ${campaignId} and status in ('waiting', 'active')`.execute(db);
  return rows[0]?.n ?? 0;
}
