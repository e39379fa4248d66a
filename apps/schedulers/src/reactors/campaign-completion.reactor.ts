import { campaignDecider } from '@app/domain';
import { streams } from '@app/events';
import { Reactor } from '@app/projections';
import { SCHEDULER_ACTOR, reactingTo } from '../shared/system-actor';
import { ReactorDependencies, tolerateRefusal, unfinishedEnrollments } from './reactor-support';
import { endingsByCampaign, shouldComplete } from './reactors.policy';

/**
 * EnrollmentCompleted / EnrollmentStopped: once a running campaign has no enrollment left
 * waiting or active, it is completed. The count comes from the enrollments read model after
 * it has applied the ending; the decider refuses a count above zero.
 */
export function campaignCompletionReactor(deps: Pick<ReactorDependencies, 'db' | 'facts' | 'commands' | 'watermark' | 'logger'>): Reactor {
  const { db, facts, commands, watermark, logger } = deps;
  return {
    name: 'campaign_completion',
    handles: ['EnrollmentCompleted', 'EnrollmentStopped'],
    async handle(events, context) {
      // Many endings of one campaign in a batch need one look, after the last of them.
      for (const [campaignId, event] of endingsByCampaign(events)) {
        await reactingTo(event, async () => {
          const workspaceId = event.metadata.tenantId;
          await watermark.waitFor('enrollments', event.position, { signal: context.signal });
          const unfinished = await unfinishedEnrollments(db, campaignId);
          if (unfinished > 0) return;
          await tolerateRefusal(logger, 'complete campaign', { campaignId }, async () => {
            const campaign = await facts.campaign(campaignId, workspaceId);
            if (!shouldComplete(campaign.state.status, unfinished, campaign.state.occasion !== null)) return;
            await commands.execute({
              name: 'CompleteCampaign',
              streamId: streams.campaign(campaignId),
              decider: campaignDecider,
              tenantId: workspaceId,
              actorId: SCHEDULER_ACTOR,
              command: { type: 'CompleteCampaign', unfinishedEnrollments: unfinished, now: commands.now() },
            });
            logger.info({ campaignId }, 'campaign completed: no enrollment left waiting or active');
          });
        });
      }
    },
  };
}
