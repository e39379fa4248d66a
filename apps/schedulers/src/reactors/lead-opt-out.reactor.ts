import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { RecordedEvent } from '@app/event-store';
import { Reactor, ReactorContext } from '@app/projections';
import { forEachLimited } from '../shared/concurrency';
import { SCHEDULER_ACTOR, reactingTo } from '../shared/system-actor';
import { REACTOR_CONCURRENCY, ReactorDependencies, enrollmentsWhere, tolerateRefusal } from './reactor-support';
import { suppressionFor } from './reactors.policy';

/**
 * LeadUnsubscribed: every open enrollment of the lead, in every campaign of the workspace, is
 * stopped (UNSUBSCRIBED) at once rather than at its next step. EmailBounced HARD: the lead is
 * suppressed (HARD_BOUNCE), so no campaign ever sends to that address again.
 */
export function leadOptOutReactor(deps: Pick<ReactorDependencies, 'db' | 'enrollments' | 'commands' | 'watermark' | 'logger'>): Reactor {
  const { db, enrollments, commands, watermark, logger } = deps;

  const react = async (event: RecordedEvent, context: ReactorContext) => {
    const workspaceId = event.metadata.tenantId;
    if (event.type === 'LeadUnsubscribed') {
      const leadId = event.data.leadId;
      await watermark.waitFor('enrollments', await watermark.lastStatusChangeAtOrBefore(event.position, event.type), { signal: context.signal });
      for await (const page of enrollmentsWhere(db, { leadId, workspaceId, statuses: ['waiting', 'active'] })) {
        await forEachLimited(page, REACTOR_CONCURRENCY, (row) =>
          tolerateRefusal(logger, 'stop enrollment of an unsubscribed lead', { leadId, enrollmentId: row.enrollmentId }, () =>
            enrollments.stop({ workspaceId: row.workspaceId, enrollmentId: row.enrollmentId, reason: 'UNSUBSCRIBED', actorId: SCHEDULER_ACTOR }),
          ),
        );
      }
      return;
    }
    if (event.type === 'EmailBounced') {
      const suppression = suppressionFor(event.data);
      if (!suppression) return;
      const leadId = event.data.leadId;
      await tolerateRefusal(logger, 'suppress a hard-bounced lead', { leadId, emailId: suppression.emailId }, () =>
        commands.execute({
          name: 'SuppressLead',
          streamId: streams.lead(leadId),
          decider: leadDecider,
          tenantId: workspaceId,
          actorId: SCHEDULER_ACTOR,
          command: { type: 'SuppressLead', reason: suppression.reason, emailId: suppression.emailId, now: commands.now() },
        }),
      );
    }
  };

  return {
    name: 'lead_opt_out',
    handles: ['LeadUnsubscribed', 'EmailBounced'],
    async handle(events, context) {
      for (const event of events) await reactingTo(event, () => react(event, context));
    },
  };
}
