import { CommandRunner, EnrollmentUseCases, Facts, RunOptions, emailHash, stableIds } from '@app/application';
import {
  Decider,
  LeadFields,
  SequenceStepInput,
  campaignDecider,
  leadDecider,
  normaliseEmail,
  sequenceDecider,
  templateDecider,
  userDecider,
  workspaceDecider,
} from '@app/domain';
import { BounceKinds, DomainEvent, ReplyKinds, StopReason, SuppressionReason, TemplateCategory, UnsubscribeSources, WriteMetadata, streams } from '@app/events';
import { CommandOutcome, EventStore, handleCommand } from '@app/event-store';
import { idFactory } from './fixtures';

export type StoryOptions = {
  /** Where the story's clock starts (default 2025-03-03T09:00:00.000Z, a Monday). */
  start?: string;
  /** Label for the deterministic ids of this story (two stories in one store need two labels). */
  label?: string;
  ownerName?: string;
  workspaceName?: string;
};

const HASH_SECRET = 'story-email-hash-secret';

/**
 * Writes a realistic history through the real deciders, use cases and event store, on a
 * clock the test moves: every event is one the system itself would append. Ids are
 * deterministic per label; time only moves when the test says so.
 */
export class Story {
  readonly workspaceId: string;
  readonly ownerId: string;
  readonly facts: Facts;
  readonly use: EnrollmentUseCases;
  private clock: number;
  private readonly ids: (label?: string) => string;
  private readonly label: string;
  private readonly templates = new Set<string>();
  private readonly enrollmentsOf = new Map<string, string[]>();
  private readonly enrollmentOfEmail = new Map<string, string>();
  private readonly leadsByHash = new Map<string, string>();

  private constructor(
    readonly store: EventStore,
    options: StoryOptions,
  ) {
    this.clock = Date.parse(options.start ?? '2025-03-03T09:00:00.000Z');
    this.label = options.label ?? 'story';
    this.ids = idFactory();
    this.workspaceId = this.id('workspace');
    this.ownerId = this.id('user');
    this.facts = new Facts(store);
    const runner: CommandRunner = {
      execute: <C, E extends DomainEvent, S>(run: RunOptions<C, E, S>): Promise<CommandOutcome<E, S>> => {
        const { name: _name, tenantId, actorId, ...rest } = run;
        return handleCommand({ ...rest, store: this.store, metadata: this.metadata(tenantId, actorId) });
      },
      now: () => this.now(),
    };
    this.use = new EnrollmentUseCases(runner, this.facts);
  }

  /** Opens a story: its owner registers and creates the workspace. */
  static async begin(store: EventStore, options: StoryOptions = {}): Promise<Story> {
    const story = new Story(store, options);
    await story.decide(streams.user(story.ownerId), userDecider, {
      type: 'RegisterUser',
      userId: story.ownerId,
      email: `${story.label}-owner@example.com`,
      name: options.ownerName ?? 'Olive Owner',
      now: story.now(),
    });
    await story.decide(streams.workspace(story.workspaceId), workspaceDecider, {
      type: 'CreateWorkspace',
      workspaceId: story.workspaceId,
      name: options.workspaceName ?? `${story.label} workspace`,
      ownerId: story.ownerId,
      now: story.now(),
    });
    return story;
  }

  private id(kind: string): string {
    return this.ids(`${this.label}:${kind}`);
  }

  now(): string {
    return new Date(this.clock).toISOString();
  }

  /** Moves the clock forward. */
  advance(ms: number): string {
    if (ms < 0) throw new Error('a story never goes back in time');
    this.clock += ms;
    return this.now();
  }

  private metadata(tenantId?: string, actorId?: string): WriteMetadata {
    return {
      tenantId: tenantId ?? this.workspaceId,
      actorId: actorId ?? this.ownerId,
      correlationId: this.id('correlation'),
      causationId: null,
      occurredAt: this.now(),
    };
  }

  /** Runs one command through its decider and appends what it decides. */
  async decide<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, command: C | ((state: S) => C | Promise<C>)): Promise<E[]> {
    const outcome = await handleCommand({ store: this.store, streamId, decider, command, metadata: this.metadata() });
    return outcome.events;
  }

  async template(input: { name?: string; subject?: string; body?: string; category?: TemplateCategory } = {}): Promise<string> {
    const templateId = this.id('template');
    await this.decide(streams.template(templateId), templateDecider, {
      type: 'CreateTemplate',
      templateId,
      workspaceId: this.workspaceId,
      name: input.name ?? 'Intro',
      subject: input.subject ?? 'Hello {{ firstName | default: "there" }}',
      body: input.body ?? 'Hi {{ firstName | default: "there" }},\n\nhave a look at https://example.com/demo and https://example.com/pricing\n\n{{ senderName }}',
      category: input.category ?? 'COLD_OUTREACH',
      now: this.now(),
    });
    this.templates.add(templateId);
    return templateId;
  }

  async sequence(steps: readonly SequenceStepInput[], name = 'Outreach'): Promise<string> {
    const sequenceId = this.id('sequence');
    await this.decide(streams.sequence(sequenceId), sequenceDecider, {
      type: 'CreateSequence',
      sequenceId,
      workspaceId: this.workspaceId,
      name,
      steps,
      knownTemplateIds: this.templates,
      now: this.now(),
    });
    return sequenceId;
  }

  async campaign(input: { sequenceId: string; name?: string; stopOnReply?: boolean }): Promise<string> {
    const campaignId = this.id('campaign');
    const sequence = await this.facts.sequence(input.sequenceId, this.workspaceId);
    await this.decide(streams.campaign(campaignId), campaignDecider, {
      type: 'CreateCampaign',
      campaignId,
      workspaceId: this.workspaceId,
      name: input.name ?? 'Spring outreach',
      sequenceId: input.sequenceId,
      stopOnReply: input.stopOnReply ?? true,
      sequence: { stepCount: sequence.steps.length },
      now: this.now(),
    });
    this.enrollmentsOf.set(campaignId, []);
    return campaignId;
  }

  /** Launches the campaign and starts the enrollments made before (as the API does). */
  async launch(campaignId: string): Promise<void> {
    await this.decide(streams.campaign(campaignId), campaignDecider, { type: 'LaunchCampaign', now: this.now() });
    for (const enrollmentId of this.enrollmentsOf.get(campaignId) ?? []) await this.use.start({ workspaceId: this.workspaceId, enrollmentId });
  }

  async pause(campaignId: string): Promise<void> {
    await this.decide(streams.campaign(campaignId), campaignDecider, { type: 'PauseCampaign', now: this.now() });
  }

  /** Resumes the campaign; steps that fell due during the pause are due now. */
  async resume(campaignId: string): Promise<void> {
    await this.decide(streams.campaign(campaignId), campaignDecider, { type: 'ResumeCampaign', now: this.now() });
    for (const enrollmentId of this.enrollmentsOf.get(campaignId) ?? []) await this.use.resume({ workspaceId: this.workspaceId, enrollmentId, resumedAt: this.now() });
  }

  async complete(campaignId: string): Promise<void> {
    let unfinished = 0;
    for (const enrollmentId of this.enrollmentsOf.get(campaignId) ?? []) {
      const state = await this.facts.enrollment(enrollmentId);
      if (state.status === 'waiting' || state.status === 'active') unfinished++;
    }
    await this.decide(streams.campaign(campaignId), campaignDecider, { type: 'CompleteCampaign', unfinishedEnrollments: unfinished, now: this.now() });
  }

  async archive(campaignId: string): Promise<void> {
    await this.decide(streams.campaign(campaignId), campaignDecider, { type: 'ArchiveCampaign', now: this.now() });
  }

  async lead(fields: LeadFields & { source?: 'MANUAL' | 'IMPORT' }): Promise<string> {
    const hash = emailHash(HASH_SECRET, normaliseEmail(fields.email));
    const leadId = stableIds.lead(this.workspaceId, hash);
    const { source, ...rest } = fields;
    await this.decide(streams.lead(leadId), leadDecider, {
      type: 'CreateLead',
      leadId,
      workspaceId: this.workspaceId,
      emailHash: hash,
      source: source ?? 'MANUAL',
      existingLeadId: this.leadsByHash.get(hash) ?? null,
      now: this.now(),
      ...rest,
    });
    this.leadsByHash.set(hash, leadId);
    return leadId;
  }

  async updateLead(leadId: string, changes: Partial<LeadFields>): Promise<void> {
    const hash = changes.email === undefined ? undefined : emailHash(HASH_SECRET, normaliseEmail(changes.email));
    await this.decide(streams.lead(leadId), leadDecider, {
      type: 'UpdateLead',
      ...changes,
      emailHash: hash,
      existingLeadId: hash ? (this.leadsByHash.get(hash) ?? null) : null,
      now: this.now(),
    });
    if (hash) this.leadsByHash.set(hash, leadId);
  }

  async suppress(leadId: string, reason: SuppressionReason, emailId?: string): Promise<void> {
    await this.decide(streams.lead(leadId), leadDecider, { type: 'SuppressLead', reason, emailId, now: this.now() });
  }

  async unsubscribe(leadId: string, options: { source?: (typeof UnsubscribeSources)[number]; emailId?: string; campaignId?: string } = {}): Promise<void> {
    await this.decide(streams.lead(leadId), leadDecider, {
      type: 'UnsubscribeLead',
      source: options.source ?? 'LINK',
      emailId: options.emailId,
      campaignId: options.campaignId,
      now: this.now(),
    });
  }

  async enroll(campaignId: string, leadId: string): Promise<string> {
    const { enrollmentId } = await this.use.enroll({ workspaceId: this.workspaceId, campaignId, leadId });
    const list = this.enrollmentsOf.get(campaignId) ?? [];
    if (!list.includes(enrollmentId)) list.push(enrollmentId);
    this.enrollmentsOf.set(campaignId, list);
    return enrollmentId;
  }

  /** The email of an enrollment's step (ids are derived, so it is known before it exists). */
  emailOf(enrollmentId: string, stepIndex: number): string {
    const emailId = stableIds.email(enrollmentId, stepIndex);
    this.enrollmentOfEmail.set(emailId, enrollmentId);
    return emailId;
  }

  private allEnrollments(): string[] {
    return [...this.enrollmentsOf.values()].flat();
  }

  /** Fires every scheduled step that is due by now (what the timer loop does). */
  async fireDue(): Promise<number> {
    let fired = 0;
    for (const enrollmentId of this.allEnrollments()) {
      const state = await this.facts.enrollment(enrollmentId);
      if (state.status !== 'active' || state.step.phase !== 'scheduled' || Date.parse(state.step.dueAt) > this.clock) continue;
      const stepIndex = state.step.stepIndex;
      await this.use.fireStep({ workspaceId: this.workspaceId, enrollmentId, stepIndex, manual: false });
      this.emailOf(enrollmentId, stepIndex);
      fired++;
    }
    return fired;
  }

  /** Sends the enrollment's current step now (the sendStep mutation). */
  async sendNow(enrollmentId: string): Promise<void> {
    const state = await this.facts.enrollment(enrollmentId);
    const stepIndex = state.status === 'active' ? state.step.stepIndex : 0;
    await this.use.fireStep({ workspaceId: this.workspaceId, enrollmentId, manual: true });
    this.emailOf(enrollmentId, stepIndex);
  }

  /** Delivers every queued email (what the delivery workers do); `fail` lists emails that fail. */
  async deliver(options: { fail?: readonly string[] } = {}): Promise<number> {
    let delivered = 0;
    for (const enrollmentId of this.allEnrollments()) {
      const state = await this.facts.enrollment(enrollmentId);
      if (state.status === 'none') continue;
      for (const email of state.emails.filter((e) => e.delivery === 'queued')) {
        this.enrollmentOfEmail.set(email.emailId, enrollmentId);
        if (options.fail?.includes(email.emailId)) {
          await this.use.recordFailed({ workspaceId: this.workspaceId, enrollmentId, emailId: email.emailId, reason: 'mailbox refused the message', attempts: 3, permanent: true, failedAt: this.now() });
          continue;
        }
        await this.use.recordSent({
          workspaceId: this.workspaceId,
          enrollmentId,
          emailId: email.emailId,
          transport: 'outbox',
          providerMessageId: `outbox-${email.emailId}`,
          messageIdHeader: `<${email.emailId}@copilot.test>`,
          sentAt: this.now(),
        });
        delivered++;
      }
    }
    return delivered;
  }

  /** Advances the clock, fires what fell due and delivers it. */
  async tick(ms: number): Promise<void> {
    this.advance(ms);
    await this.fireDue();
    await this.deliver();
  }

  private enrollmentFor(emailId: string): string {
    const enrollmentId = this.enrollmentOfEmail.get(emailId);
    if (!enrollmentId) throw new Error(`the story does not know email ${emailId}: fire its step first`);
    return enrollmentId;
  }

  async open(emailId: string, options: { machine?: boolean } = {}): Promise<void> {
    await this.use.recordOpen({
      workspaceId: this.workspaceId,
      enrollmentId: this.enrollmentFor(emailId),
      emailId,
      machine: options.machine ?? false,
      ip: '203.0.113.7',
      userAgent: options.machine ? 'GoogleImageProxy' : 'Mozilla/5.0',
      openedAt: this.now(),
    });
  }

  async click(emailId: string, linkIndex = 0): Promise<void> {
    await this.use.recordClick({ workspaceId: this.workspaceId, enrollmentId: this.enrollmentFor(emailId), emailId, linkIndex, userAgent: 'Mozilla/5.0', clickedAt: this.now() });
  }

  async reply(emailId: string, kind: (typeof ReplyKinds)[number] = 'HUMAN'): Promise<void> {
    await this.use.recordReply({ workspaceId: this.workspaceId, enrollmentId: this.enrollmentFor(emailId), emailId, kind, snippet: 'Thanks, tell me more', receivedAt: this.now() });
  }

  async bounce(emailId: string, kind: (typeof BounceKinds)[number] = 'HARD'): Promise<void> {
    await this.use.recordBounce({ workspaceId: this.workspaceId, enrollmentId: this.enrollmentFor(emailId), emailId, kind, reason: `${kind.toLowerCase()} bounce`, bouncedAt: this.now() });
  }

  async stop(enrollmentId: string, reason: StopReason = 'MANUAL'): Promise<void> {
    await this.use.stop({ workspaceId: this.workspaceId, enrollmentId, reason });
  }

  /** The enrollment's state as its own stream tells it (for assertions that need no read model). */
  enrollment(enrollmentId: string) {
    return this.facts.enrollment(enrollmentId);
  }
}
