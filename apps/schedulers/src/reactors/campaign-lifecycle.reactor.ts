import { RecordedEvent } from '@app/event-store';
import { Reactor, ReactorContext } from '@app/projections';
import { forEachLimited } from '../shared/concurrency';
import { SCHEDULER_ACTOR, reactingTo } from '../shared/system-actor';
import { REACTOR_CONCURRENCY, ReactorDependencies, enrollmentsWhere, tolerateRefusal } from './reactor-support';
import { Sweep, shouldResume, sweepFor } from './reactors.policy';

/**
 * CampaignLaunched: start every waiting enrollment. CampaignResumed: bring every step that
 * fell due during the pause to the resume time. CampaignArchived: stop every open enrollment.
 * The enrollments are found in the enrollments read model once it has applied every status
 * change up to the event, so none made before the event is missed; ones made after it see
 * the new campaign state themselves (EnrollLead, and the enrollment_start reactor).
 */
export function campaignLifecycleReactor(deps: Pick<ReactorDependencies, 'db' | 'enrollments' | 'facts' | 'watermark' | 'logger'>): Reactor {
  const { db, enrollments, facts, watermark, logger } = deps;

  const apply = async (sweep: Sweep, workspaceId: string, enrollmentId: string) => {
    switch (sweep.command) {
      case 'start':
        await enrollments.start({ workspaceId, enrollmentId, actorId: SCHEDULER_ACTOR });
        return;
      case 'resume':
        if (shouldResume(await facts.enrollment(enrollmentId), sweep.resumedAt)) {
          await enrollments.resume({ workspaceId, enrollmentId, resumedAt: sweep.resumedAt, actorId: SCHEDULER_ACTOR });
        }
        return;
      case 'stop':
        await enrollments.stop({ workspaceId, enrollmentId, reason: sweep.reason, actorId: SCHEDULER_ACTOR });
        return;
      default: {
        const unknown: never = sweep;
        throw new Error(`unknown sweep ${JSON.stringify(unknown)}`);
      }
    }
  };

  const react = async (event: RecordedEvent, context: ReactorContext) => {
    const sweep = sweepFor(event);
    if (!sweep) return;
    const campaignId = sweep.campaignId;
    const workspaceId = event.metadata.tenantId;
    if (sweep.command === 'start') {
      // Launched, then archived before we got here: there is nothing left to start.
      const campaign = await facts.campaign(campaignId, workspaceId);
      if (campaign.state.status !== 'active' && campaign.state.status !== 'paused') return;
    }
    await watermark.waitFor('enrollments', await watermark.lastStatusChangeAtOrBefore(event.position, event.type), { signal: context.signal });
    let touched = 0;
    for await (const page of enrollmentsWhere(db, { campaignId, workspaceId, statuses: sweep.statuses })) {
      await forEachLimited(page, REACTOR_CONCURRENCY, (row) =>
        tolerateRefusal(logger, `${sweep.command} enrollment after ${event.type}`, { campaignId, enrollmentId: row.enrollmentId }, () => apply(sweep, row.workspaceId, row.enrollmentId)),
      );
      touched += page.length;
    }
    logger.info({ campaignId, event: event.type, enrollments: touched }, `campaign ${sweep.command} sweep done`);
  };

  return {
    name: 'campaign_lifecycle',
    handles: ['CampaignLaunched', 'CampaignResumed', 'CampaignArchived'],
    async handle(events, context) {
      // In log order: a launch, pause and resume in one batch must be swept in that order.
      for (const event of events) await reactingTo(event, () => react(event, context));
    },
  };
}
