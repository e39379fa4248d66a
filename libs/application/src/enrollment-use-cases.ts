import {
  CampaignFacts,
  CampaignState,
  EnrollmentNotFound,
  EnrollmentState,
  LeadFacts,
  LeadState,
  SendWindowFacts,
  SequenceFacts,
  SequenceState,
  TemplateFacts,
  enrollmentDecider,
} from '@app/domain';
import { ReplyKinds, BounceKinds, SkipReason, StopReason, streams } from '@app/events';
import { CommandOutcome } from '@app/event-store';
import { CommandRunner } from './command-runner';
import { Facts } from './facts';
import { stableIds, variantRoll } from './ids';

type Active<S> = Exclude<S, { status: 'none' }>;
export type Appended = { enrollmentId: string; position: string | null; events: number };

export function campaignFacts(state: Active<CampaignState>): CampaignFacts {
  return { status: state.status, launchedAt: 'launchedAt' in state ? state.launchedAt : null, stopOnReply: state.stopOnReply };
}

/** The campaign's window in the lead's zone, else the campaign's, else UTC; none when unset. */
export function sendWindowFacts(campaign: Active<CampaignState>, lead: Active<LeadState>): SendWindowFacts {
  const window = campaign.sending.sendWindow;
  if (!window) return null;
  return { window, zone: lead.profile.timezone ?? campaign.sending.timezone ?? 'UTC' };
}

export function sequenceFacts(state: Active<SequenceState>): SequenceFacts {
  return { sequenceId: state.sequenceId, steps: state.steps };
}

/** Template variables of a lead: its standard fields, its custom fields, and who sends. */
export function leadFacts(lead: Active<LeadState>, sender: { name?: string; email?: string }): LeadFacts {
  const p = lead.profile;
  const fullName = [p.firstName, p.lastName].filter(Boolean).join(' ') || undefined;
  return {
    status: lead.status,
    email: p.email,
    variables: {
      ...p.customFields,
      firstName: p.firstName,
      lastName: p.lastName,
      fullName,
      email: p.email,
      company: p.company,
      title: p.title,
      senderName: sender.name,
      senderEmail: sender.email,
    },
  };
}

function requireEnrollment(state: EnrollmentState, enrollmentId: string, workspaceId: string): Active<EnrollmentState> {
  if (state.status === 'none' || state.workspaceId !== workspaceId) throw new EnrollmentNotFound(enrollmentId);
  return state;
}

const result = (enrollmentId: string, outcome: CommandOutcome<unknown, unknown>): Appended => ({
  enrollmentId,
  position: outcome.appended?.position ?? null,
  events: outcome.events.length,
});

/**
 * Everything that happens to one lead in one campaign, as commands on its enrollment stream:
 * facts are read from the other streams at decision time and handed to the pure decider.
 */
export class EnrollmentUseCases {
  constructor(
    private readonly runner: CommandRunner,
    private readonly facts: Facts,
  ) {}

  private run(
    name: string,
    workspaceId: string,
    enrollmentId: string,
    build: (state: EnrollmentState) => Promise<Parameters<typeof enrollmentDecider.decide>[0]>,
    actorId?: string,
    assumeNewStream = false,
  ) {
    return this.runner.execute({ name, streamId: streams.enrollment(enrollmentId), decider: enrollmentDecider, tenantId: workspaceId, actorId, command: build, assumeNewStream });
  }

  /**
   * Enrols a lead. Occasion enrollments are one per lead, date and year, due at the given time
   * (the same date and year can never be sent twice: the id is derived from them).
   */
  async enroll(input: {
    workspaceId: string;
    campaignId: string;
    leadId: string;
    actorId?: string;
    occasion?: { dateId: string; year: number; dueAt: string };
  }): Promise<Appended> {
    const { workspaceId, campaignId, leadId, occasion } = input;
    const enrollmentId = occasion ? stableIds.occasionEnrollment(campaignId, leadId, occasion.dateId, occasion.year) : stableIds.enrollment(campaignId, leadId);
    const outcome = await this.run(
      'EnrollLead',
      workspaceId,
      enrollmentId,
      async () => {
        const { campaign, lead } = await this.facts.campaignAndLeadStatus(campaignId, leadId, workspaceId);
        const sequence = await this.facts.sequence(campaign.state.sequenceId, workspaceId);
        return {
          type: 'EnrollLead',
          enrollmentId,
          workspaceId,
          campaignId,
          leadId,
          campaign: campaignFacts(campaign.state),
          lead: { status: lead.status },
          sequence: sequenceFacts(sequence),
          occasion,
          now: this.runner.now(),
        };
      },
      input.actorId,
      // The id is derived from campaign and lead, so the stream is almost always new.
      true,
    );
    return result(enrollmentId, outcome);
  }

  /** The campaign was launched after this enrollment was made: schedule its first step. */
  async start(input: { workspaceId: string; enrollmentId: string; actorId?: string }): Promise<Appended> {
    const { workspaceId, enrollmentId } = input;
    const outcome = await this.run(
      'StartEnrollment',
      workspaceId,
      enrollmentId,
      async (state) => {
        const enrollment = requireEnrollment(state, enrollmentId, workspaceId);
        const campaign = await this.facts.campaign(enrollment.campaignId, workspaceId);
        const launchedAt = campaignFacts(campaign.state).launchedAt;
        const sequence = await this.facts.sequence(enrollment.sequenceId, workspaceId);
        // Not launched (any more): nothing to start, which the decider answers with no events.
        return { type: 'StartEnrollment', launchedAt, sequence: sequenceFacts(sequence), now: this.runner.now() };
      },
      input.actorId,
    );
    return result(enrollmentId, outcome);
  }

  /**
   * Fires the current step: from a timer (`stepIndex` of the timer; a stale timer is a no-op)
   * or by hand (sendStep: the current step, now, or a clear error).
   */
  async fireStep(input: { workspaceId: string; enrollmentId: string; stepIndex?: number; manual: boolean; actorId?: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, manual } = input;
    const outcome = await this.run(
      manual ? 'SendStep' : 'FireStep',
      workspaceId,
      enrollmentId,
      async (state) => {
        const enrollment = requireEnrollment(state, enrollmentId, workspaceId);
        const stepIndex = input.stepIndex ?? (enrollment.status === 'active' ? enrollment.step.stepIndex : 0);
        const [campaign, lead, sequence] = await Promise.all([
          this.facts.campaign(enrollment.campaignId, workspaceId),
          this.facts.lead(enrollment.leadId, workspaceId),
          this.facts.sequence(enrollment.sequenceId, workspaceId),
        ]);
        const sender = await this.facts.user(campaign.createdBy);
        const step = sequence.steps[stepIndex];
        const templates: Record<string, TemplateFacts[string]> = {};
        for (const variant of step?.variants ?? []) {
          const template = await this.facts.template(variant.templateId);
          if (template.status === 'active' && template.workspaceId === workspaceId) {
            templates[variant.templateId] = { subject: template.subject, body: template.body, revision: template.revision };
          }
        }
        const emailId = stableIds.email(enrollmentId, stepIndex);
        return {
          type: 'FireStep',
          stepIndex,
          manual,
          campaign: campaignFacts(campaign.state),
          lead: leadFacts(lead, sender.status === 'registered' ? { name: sender.name, email: sender.email } : {}),
          sequence: sequenceFacts(sequence),
          templates,
          variantRoll: variantRoll(enrollmentId, stepIndex),
          emailId,
          trackingId: stableIds.tracking(emailId),
          sendWindow: sendWindowFacts(campaign.state, lead),
          now: this.runner.now(),
        };
      },
      input.actorId,
    );
    return result(enrollmentId, outcome);
  }

  async recordSent(input: {
    workspaceId: string;
    enrollmentId: string;
    emailId: string;
    transport: string;
    providerMessageId: string;
    messageIdHeader?: string;
    threadId?: string;
    mailboxId?: string;
    from?: string;
    sentAt: string;
  }): Promise<Appended> {
    const { workspaceId, enrollmentId } = input;
    const outcome = await this.run('RecordEmailSent', workspaceId, enrollmentId, async (state) => {
      const enrollment = requireEnrollment(state, enrollmentId, workspaceId);
      const sequence = await this.facts.sequence(enrollment.sequenceId, workspaceId);
      const { emailId, transport, providerMessageId, messageIdHeader, threadId, mailboxId, from, sentAt } = input;
      return { type: 'RecordEmailSent', emailId, transport, providerMessageId, messageIdHeader, threadId, mailboxId, from, sequence: sequenceFacts(sequence), sentAt };
    });
    return result(enrollmentId, outcome);
  }

  async recordFailed(input: { workspaceId: string; enrollmentId: string; emailId: string; reason: string; attempts: number; permanent: boolean; failedAt: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, emailId, reason, attempts, permanent, failedAt } = input;
    const outcome = await this.run('RecordEmailFailed', workspaceId, enrollmentId, async (state) => {
      requireEnrollment(state, enrollmentId, workspaceId);
      return { type: 'RecordEmailFailed', emailId, reason, attempts, permanent, failedAt };
    });
    return result(enrollmentId, outcome);
  }

  /** At send time the lead may not be emailed any more: the step is skipped with the reason, the email not sent. */
  async withhold(input: { workspaceId: string; enrollmentId: string; emailId: string; reason: SkipReason; detail: string; stop: StopReason; attempts: number; at: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, emailId, reason, detail, stop, attempts, at } = input;
    const outcome = await this.run('WithholdEmail', workspaceId, enrollmentId, async (state) => {
      requireEnrollment(state, enrollmentId, workspaceId);
      return { type: 'WithholdEmail', emailId, reason, detail, stop, attempts, at };
    });
    return result(enrollmentId, outcome);
  }

  async recordOpen(input: { workspaceId: string; enrollmentId: string; emailId: string; ip?: string; userAgent?: string; machine: boolean; openedAt: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, emailId, ip, userAgent, machine, openedAt } = input;
    const outcome = await this.run('RecordOpen', workspaceId, enrollmentId, async (state) => {
      requireEnrollment(state, enrollmentId, workspaceId);
      return { type: 'RecordOpen', emailId, ip, userAgent, machine, openedAt };
    });
    return result(enrollmentId, outcome);
  }

  async recordClick(input: { workspaceId: string; enrollmentId: string; emailId: string; linkIndex: number; ip?: string; userAgent?: string; clickedAt: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, emailId, linkIndex, ip, userAgent, clickedAt } = input;
    const outcome = await this.run('RecordClick', workspaceId, enrollmentId, async (state) => {
      requireEnrollment(state, enrollmentId, workspaceId);
      return { type: 'RecordClick', emailId, linkIndex, ip, userAgent, clickedAt };
    });
    return result(enrollmentId, outcome);
  }

  async recordReply(input: {
    workspaceId: string;
    enrollmentId: string;
    emailId: string;
    kind: (typeof ReplyKinds)[number];
    snippet?: string;
    replyMessageId?: string;
    receivedAt: string;
  }): Promise<Appended> {
    const { workspaceId, enrollmentId, emailId, kind, snippet, replyMessageId, receivedAt } = input;
    const outcome = await this.run('RecordReply', workspaceId, enrollmentId, async (state) => {
      const enrollment = requireEnrollment(state, enrollmentId, workspaceId);
      const campaign = await this.facts.campaign(enrollment.campaignId, workspaceId);
      return { type: 'RecordReply', emailId, kind, snippet, replyMessageId, stopOnReply: campaign.state.stopOnReply, receivedAt };
    });
    return result(enrollmentId, outcome);
  }

  async recordBounce(input: { workspaceId: string; enrollmentId: string; emailId: string; kind: (typeof BounceKinds)[number]; reason: string; bouncedAt: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, emailId, kind, reason, bouncedAt } = input;
    const outcome = await this.run('RecordBounce', workspaceId, enrollmentId, async (state) => {
      requireEnrollment(state, enrollmentId, workspaceId);
      return { type: 'RecordBounce', emailId, kind, reason, bouncedAt };
    });
    return result(enrollmentId, outcome);
  }

  async stop(input: { workspaceId: string; enrollmentId: string; reason: StopReason; actorId?: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, reason } = input;
    const outcome = await this.run(
      'StopEnrollment',
      workspaceId,
      enrollmentId,
      async (state) => {
        requireEnrollment(state, enrollmentId, workspaceId);
        return { type: 'StopEnrollment', reason, now: this.runner.now() };
      },
      input.actorId,
    );
    return result(enrollmentId, outcome);
  }

  /** After a campaign resumes: a step that fell due during the pause is due now. */
  async resume(input: { workspaceId: string; enrollmentId: string; resumedAt: string; actorId?: string }): Promise<Appended> {
    const { workspaceId, enrollmentId, resumedAt } = input;
    const outcome = await this.run(
      'ResumeEnrollment',
      workspaceId,
      enrollmentId,
      async (state) => {
        requireEnrollment(state, enrollmentId, workspaceId);
        return { type: 'ResumeEnrollment', resumedAt };
      },
      input.actorId,
    );
    return result(enrollmentId, outcome);
  }
}
