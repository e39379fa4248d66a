import { RecordedEvent } from '@app/event-store';
import { Reactor } from '@app/projections';
import { forEachLimited } from '../shared/concurrency';
import { SCHEDULER_ACTOR, reactingTo } from '../shared/system-actor';
import { REACTOR_CONCURRENCY, ReactorDependencies, tolerateRefusal } from './reactor-support';
import { actionOnEnrollment } from './reactors.policy';

/**
 * LeadEnrolled: an enrollment that is still waiting although its campaign is launched gets its
 * first step scheduled (StartEnrollment); one that slipped into an archived campaign is stopped.
 */
export function enrollmentStartReactor(deps: Pick<ReactorDependencies, 'enrollments' | 'facts' | 'logger'>): Reactor {
  const { enrollments, facts, logger } = deps;
  return {
    name: 'enrollment_start',
    handles: ['LeadEnrolled'],
    async handle(events: readonly RecordedEvent[]) {
      // Within a batch a campaign is read once: its launch after the batch was read is the
      // launch sweep's business, which sees these enrollments in the read model.
      const campaigns = new Map<string, ReturnType<typeof facts.campaign>>();
      await forEachLimited(events, REACTOR_CONCURRENCY, async (event) => {
        if (event.type !== 'LeadEnrolled') return;
        const { enrollmentId, campaignId, workspaceId } = event.data;
        const key = `${workspaceId}:${campaignId}`;
        if (!campaigns.has(key)) campaigns.set(key, facts.campaign(campaignId, workspaceId));
        await reactingTo(event, async () => {
          const details = { enrollmentId, campaignId };
          await tolerateRefusal(logger, 'start enrollment', details, async () => {
            const campaign = (await campaigns.get(key)) as Awaited<ReturnType<typeof facts.campaign>>;
            // A draft campaign (a bulk import before launch) needs nothing: skip the stream read.
            if (campaign.state.status === 'draft' || campaign.state.status === 'completed') return;
            const launched = 'launchedAt' in campaign.state && campaign.state.launchedAt !== null;
            const enrollment = await facts.enrollment(enrollmentId);
            const action = actionOnEnrollment(campaign.state.status, launched, enrollment.status);
            if (action === 'start') await enrollments.start({ workspaceId, enrollmentId, actorId: SCHEDULER_ACTOR });
            if (action === 'stop') await enrollments.stop({ workspaceId, enrollmentId, reason: 'CAMPAIGN_ARCHIVED', actorId: SCHEDULER_ACTOR });
          });
        });
      });
    },
  };
}
