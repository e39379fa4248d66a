import { randomUUID } from 'node:crypto';
import { CommandRunner, EnrollmentUseCases, Facts, emailHash } from '@app/application';
import { Decider, campaignDecider, leadDecider, sequenceDecider, templateDecider, userDecider, workspaceDecider } from '@app/domain';
import { DomainEvent, StepCondition, streams } from '@app/events';
import { EventStore, handleCommand } from '@app/event-store';

/**
 * A CommandRunner for tests: the platform's CommandExecutor without Nest, metrics or the
 * request context (tenant and actor come with each command).
 */
export function testCommandRunner(store: EventStore, now: () => string = () => new Date().toISOString()): CommandRunner {
  return {
    now,
    execute: async (options) => {
      const { name: _name, tenantId, actorId, ...command } = options;
      if (!tenantId) throw new Error('testCommandRunner: a command needs tenantId');
      return handleCommand({
        ...command,
        store,
        metadata: { tenantId, actorId: actorId ?? 'test', correlationId: randomUUID(), causationId: null, occurredAt: now() },
      });
    },
  };
}

export type StoryStep = { delay: string; condition?: StepCondition; subject: string; body: string };
export type StoryLead = { email: string; firstName?: string; lastName?: string };

export type SequenceStory = {
  workspaceId: string;
  userId: string;
  sender: { name: string; email: string };
  sequenceId: string;
  campaignId: string;
  templateIds: string[];
  leads: { leadId: string; email: string; enrollmentId: string }[];
  runner: CommandRunner;
  enrollments: EnrollmentUseCases;
  /** Runs a campaign command (LaunchCampaign, PauseCampaign...) as the campaign's creator. */
  campaign(type: 'LaunchCampaign' | 'PauseCampaign' | 'ResumeCampaign' | 'ArchiveCampaign'): Promise<void>;
};

const HASH_SECRET = 'test-email-hash-secret-of-32-chars!!';

/**
 * Writes the story of a sequence campaign through the real deciders and store: a registered
 * user (the sender), a workspace, one template per step, the sequence, a campaign, the
 * leads, their enrollments, and the launch (before or after enrolling, or not at all).
 */
export async function seedSequenceStory(
  store: EventStore,
  options: { steps: StoryStep[]; leads: StoryLead[]; launch: 'before-enrolling' | 'after-enrolling' | 'no'; sender?: { name: string; email: string }; stopOnReply?: boolean },
): Promise<SequenceStory> {
  const runner = testCommandRunner(store);
  const enrollments = new EnrollmentUseCases(runner, new Facts(store));
  const workspaceId = randomUUID();
  const userId = randomUUID();
  const sender = options.sender ?? { name: 'Grace Hopper', email: 'grace@acme.test' };
  const as = { tenantId: workspaceId, actorId: userId };
  const run = <C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>, command: C) => runner.execute({ name: 'story', streamId, decider, command, ...as });

  await run(streams.user(userId), userDecider, { type: 'RegisterUser', userId, email: sender.email, name: sender.name, now: runner.now() });
  await run(streams.workspace(workspaceId), workspaceDecider, { type: 'CreateWorkspace', workspaceId, name: 'Acme Sales', ownerId: userId, now: runner.now() });
  const templateIds: string[] = [];
  for (const [i, step] of options.steps.entries()) {
    const templateId = randomUUID();
    templateIds.push(templateId);
    await run(streams.template(templateId), templateDecider, {
      type: 'CreateTemplate',
      templateId,
      workspaceId,
      name: `Step ${i + 1}`,
      subject: step.subject,
      body: step.body,
      category: i === 0 ? 'COLD_OUTREACH' : 'FOLLOW_UP',
      now: runner.now(),
    });
  }
  const sequenceId = randomUUID();
  await run(streams.sequence(sequenceId), sequenceDecider, {
    type: 'CreateSequence',
    sequenceId,
    workspaceId,
    name: 'Story sequence',
    steps: options.steps.map((step, i) => ({ delay: step.delay, condition: step.condition ?? 'ALWAYS', templateId: templateIds[i] })),
    knownTemplateIds: new Set(templateIds),
    now: runner.now(),
  });
  const campaignId = randomUUID();
  await run(streams.campaign(campaignId), campaignDecider, {
    type: 'CreateCampaign',
    campaignId,
    workspaceId,
    name: 'Story campaign',
    sequenceId,
    stopOnReply: options.stopOnReply ?? true,
    sequence: { stepCount: options.steps.length },
    now: runner.now(),
  });
  const campaign = async (type: 'LaunchCampaign' | 'PauseCampaign' | 'ResumeCampaign' | 'ArchiveCampaign') => {
    await run(streams.campaign(campaignId), campaignDecider, { type, now: runner.now() });
  };
  if (options.launch === 'before-enrolling') await campaign('LaunchCampaign');

  const leads: SequenceStory['leads'] = [];
  for (const lead of options.leads) {
    const leadId = randomUUID();
    await run(streams.lead(leadId), leadDecider, {
      type: 'CreateLead',
      leadId,
      workspaceId,
      emailHash: emailHash(HASH_SECRET, lead.email.trim().toLowerCase()),
      source: 'MANUAL',
      existingLeadId: null,
      email: lead.email,
      firstName: lead.firstName,
      lastName: lead.lastName,
      now: runner.now(),
    });
    const { enrollmentId } = await enrollments.enroll({ workspaceId, campaignId, leadId, actorId: userId });
    leads.push({ leadId, email: lead.email, enrollmentId });
  }
  if (options.launch === 'after-enrolling') await campaign('LaunchCampaign');
  return { workspaceId, userId, sender, sequenceId, campaignId, templateIds, leads, runner, enrollments, campaign };
}
