import {
  CampaignState,
  CampaignNotFound,
  EnrollmentState,
  LeadNotFound,
  LeadState,
  SequenceNotFound,
  SequenceState,
  TemplateState,
  UserState,
  campaignDecider,
  enrollmentDecider,
  fold,
  leadDecider,
  sequenceDecider,
  templateDecider,
  userDecider,
} from '@app/domain';
import { CampaignEvent, EnrollmentEvent, LeadEvent, SequenceEvent, TemplateEvent, UserEvent, streams } from '@app/events';
import { EventStore, RecordedEvent } from '@app/event-store';

type Active<S> = Exclude<S, { status: 'none' }>;

function campaignFrom(campaignId: string, workspaceId: string, history: readonly RecordedEvent[]): { state: Active<CampaignState>; createdBy: string } {
  const state = fold(campaignDecider, history as unknown as CampaignEvent[]);
  if (state.status === 'none' || state.workspaceId !== workspaceId) throw new CampaignNotFound(campaignId);
  return { state, createdBy: history[0]?.metadata.actorId ?? '' };
}

function leadFrom(leadId: string, workspaceId: string, history: readonly RecordedEvent[]): Active<LeadState> {
  const state = fold(leadDecider, history as unknown as LeadEvent[]);
  if (state.status === 'none' || state.workspaceId !== workspaceId) throw new LeadNotFound(leadId);
  return state;
}

/**
 * Reads aggregates straight from their streams (never from read models) to give deciders
 * their outside facts: always current, whatever the projections' lag.
 */
export class Facts {
  private readonly sequences = new Map<string, Active<SequenceState>>();

  constructor(private readonly store: EventStore) {}

  private async history(streamId: string, withholdPersonalData = false): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId, { withholdPersonalData });
  }

  async campaign(campaignId: string, workspaceId: string): Promise<{ state: Active<CampaignState>; createdBy: string }> {
    return campaignFrom(campaignId, workspaceId, await this.history(streams.campaign(campaignId)));
  }

  /** `withPersonalData: false` when only the status matters: the lead's data stays sealed. */
  async lead(leadId: string, workspaceId: string, options: { withPersonalData?: boolean } = {}): Promise<Active<LeadState>> {
    return leadFrom(leadId, workspaceId, await this.history(streams.lead(leadId), options.withPersonalData === false));
  }

  /** A campaign and a lead in one read (enrolling needs both, and only the lead's status). */
  async campaignAndLeadStatus(campaignId: string, leadId: string, workspaceId: string): Promise<{ campaign: { state: Active<CampaignState>; createdBy: string }; lead: Active<LeadState> }> {
    const histories = await this.store.readStreams([streams.campaign(campaignId), streams.lead(leadId)], { withholdPersonalData: true });
    return {
      campaign: campaignFrom(campaignId, workspaceId, histories.get(streams.campaign(campaignId)) ?? []),
      lead: leadFrom(leadId, workspaceId, histories.get(streams.lead(leadId)) ?? []),
    };
  }

  /** Sequences never change once created, so they are cached. */
  async sequence(sequenceId: string, workspaceId: string): Promise<Active<SequenceState>> {
    let state = this.sequences.get(sequenceId);
    if (!state) {
      const folded = fold(sequenceDecider, (await this.history(streams.sequence(sequenceId))) as unknown as SequenceEvent[]);
      if (folded.status === 'none') throw new SequenceNotFound(sequenceId);
      state = folded;
      if (this.sequences.size > 5000) this.sequences.clear();
      this.sequences.set(sequenceId, state);
    }
    if (state.workspaceId !== workspaceId) throw new SequenceNotFound(sequenceId);
    return state;
  }

  async template(templateId: string): Promise<TemplateState> {
    return fold(templateDecider, (await this.history(streams.template(templateId))) as unknown as TemplateEvent[]);
  }

  async user(userId: string): Promise<UserState> {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return { status: 'none' };
    return fold(userDecider, (await this.history(streams.user(userId))) as unknown as UserEvent[]);
  }

  async enrollment(enrollmentId: string): Promise<EnrollmentState> {
    return fold(enrollmentDecider, (await this.history(streams.enrollment(enrollmentId))) as unknown as EnrollmentEvent[]);
  }
}
