import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases, Facts, stableIds } from '@app/application';
import { AlreadyEnrolled, CampaignClosed, LeadNotContactable, LeadNotFound } from '@app/domain';
import { EventStore } from '@app/event-store';
import { EVENT_STORE } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { forEachConcurrently } from '../../common/concurrency';

export type EnrollOutcome = 'ENROLLED' | 'ALREADY_ENROLLED' | 'NOT_CONTACTABLE' | 'NOT_FOUND';
export type EnrollLeadsOutcome = {
  results: { leadId: string; outcome: EnrollOutcome; enrollmentId: string | null; message: string | null }[];
  position: string | null;
};

export class EnrollLeadsCommand extends Command<EnrollLeadsOutcome> {
  constructor(
    readonly actor: Actor,
    readonly campaignId: string,
    readonly leadIds: readonly string[],
  ) {
    super();
  }
}

const CONCURRENCY = 8;

/** A refusal that concerns one lead only; anything else (the campaign, the store) fails the batch. */
function perLead(error: unknown): { outcome: EnrollOutcome; message: string } | null {
  if (error instanceof AlreadyEnrolled) return { outcome: 'ALREADY_ENROLLED', message: error.message };
  if (error instanceof LeadNotContactable) return { outcome: 'NOT_CONTACTABLE', message: error.message };
  if (error instanceof LeadNotFound) return { outcome: 'NOT_FOUND', message: error.message };
  return null;
}

/**
 * Enrols each lead on its own enrollment stream; one lead's refusal does not fail the others.
 * The campaign is checked once up front, so an unknown or closed campaign refuses the whole
 * batch before anything is appended.
 */
@CommandHandler(EnrollLeadsCommand)
export class EnrollLeadsHandler implements ICommandHandler<EnrollLeadsCommand> {
  constructor(
    private readonly enrollments: EnrollmentUseCases,
    private readonly facts: Facts,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ actor, campaignId, leadIds }: EnrollLeadsCommand): Promise<EnrollLeadsOutcome> {
    const campaign = await this.facts.campaign(campaignId, actor.workspaceId);
    if (campaign.state.status === 'completed' || campaign.state.status === 'archived') throw new CampaignClosed(campaign.state.status);

    const unique = [...new Set(leadIds)];
    const byLead = new Map<string, EnrollLeadsOutcome['results'][number]>();
    let position: string | null = null;
    await forEachConcurrently(unique, CONCURRENCY, async (leadId) => {
      try {
        const enrolled = await this.enrollments.enroll({ workspaceId: actor.workspaceId, campaignId, leadId, actorId: actor.userId });
        byLead.set(leadId, { leadId, outcome: 'ENROLLED', enrollmentId: enrolled.enrollmentId, message: null });
        if (enrolled.position && (!position || this.store.comparePositions(enrolled.position, position) > 0)) position = enrolled.position;
      } catch (error) {
        const refusal = perLead(error);
        if (!refusal) throw error;
        const enrollmentId = refusal.outcome === 'ALREADY_ENROLLED' ? stableIds.enrollment(campaignId, leadId) : null;
        byLead.set(leadId, { leadId, ...refusal, enrollmentId });
      }
    });
    return { results: leadIds.map((leadId) => byLead.get(leadId) as EnrollLeadsOutcome['results'][number]), position };
  }
}
