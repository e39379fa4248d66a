import { CommandRunner, EnrollmentUseCases, Facts, stableIds } from '@app/application';
import { campaignDecider, mailboxDecider, workspaceDecider } from '@app/domain';
import { MailboxLimits, MailboxProvider, SendWindowSetting, streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { LocalOutboxTransport, MailProviderSettings, MailboxSecret, Transport, mailboxKeys, sealMailboxSecret } from '@app/mail';
import { Clock, createLogger } from '@app/platform';
import { SequenceStory, TEST_MASTER_KEY, testCommandRunner } from '@app/testing';
import { Kysely, sql } from 'kysely';
import { DeliveryJob } from '../../../apps/schedulers/src/delivery/delivery-job';
import { DeliveryWorker } from '../../../apps/schedulers/src/delivery/delivery.worker';
import { MailboxConnections } from '../../../apps/schedulers/src/mailboxes/mailbox-connections';
import { MailboxCredentials } from '../../../apps/schedulers/src/mailboxes/mailbox-credentials';

export const TRACKING_SECRET = 'tracking-secret-for-delivery-tests-32c';
export const PUBLIC_URL = 'https://api.copilot.test';
export const SEALING_KEY = mailboxKeys(TEST_MASTER_KEY).sealing;

/** A clock the test moves (the worker's; the log's events keep the real time). */
export function movableClock(start = Date.now()): Clock & { set(at: Date | number): void; advance(ms: number): void } {
  let now = start;
  return { now: () => new Date(now), set: (at) => void (now = typeof at === 'number' ? at : at.getTime()), advance: (ms) => void (now += ms) };
}

/** Connects a mailbox through its decider, as the API does, and stores its credentials sealed. */
export async function connectMailbox(
  store: EventStore,
  db: Kysely<unknown>,
  input: { workspaceId: string; userId: string; provider: MailboxProvider; address: string; displayName?: string; limits?: Partial<MailboxLimits>; secret?: MailboxSecret; connectedAt?: string },
): Promise<string> {
  const runner = testCommandRunner(store, () => input.connectedAt ?? new Date().toISOString());
  const mailboxId = stableIds.mailbox(input.workspaceId, input.address);
  await runner.execute({
    name: 'ConnectMailbox',
    streamId: streams.mailbox(mailboxId),
    decider: mailboxDecider,
    tenantId: input.workspaceId,
    actorId: input.userId,
    command: { type: 'ConnectMailbox', mailboxId, workspaceId: input.workspaceId, provider: input.provider, address: input.address, displayName: input.displayName, limits: input.limits, now: runner.now() },
  });
  if (input.secret) await storeSecret(db, { mailboxId, workspaceId: input.workspaceId, provider: input.provider, secret: input.secret });
  return mailboxId;
}

export async function storeSecret(db: Kysely<unknown>, input: { mailboxId: string; workspaceId: string; provider: MailboxProvider; secret: MailboxSecret }): Promise<void> {
  const sealed = sealMailboxSecret(SEALING_KEY, input.mailboxId, input.secret);
  const expires = input.secret.kind === 'oauth' ? (input.secret.accessTokenExpiresAt ?? null) : null;
  await sql`
    insert into mailbox_credentials (mailbox_id, workspace_id, provider, sealed, access_expires_at) values (${input.mailboxId}, ${input.workspaceId}, ${input.provider}, ${sealed}, ${expires})
    on conflict (mailbox_id) do update set sealed = excluded.sealed, access_expires_at = excluded.access_expires_at`.execute(db);
}

export async function mailboxCommand(store: EventStore, workspaceId: string, mailboxId: string, command: Parameters<typeof mailboxDecider.decide>[0]): Promise<void> {
  await testCommandRunner(store).execute({ name: command.type, streamId: streams.mailbox(mailboxId), decider: mailboxDecider, tenantId: workspaceId, actorId: 'test', command });
}

/** The campaign sends from these mailboxes (in rotation), in this window and zone. */
export async function configureSending(store: EventStore, story: SequenceStory, input: { mailboxIds: string[]; sendWindow?: SendWindowSetting | null; timezone?: string | null }): Promise<void> {
  await story.runner.execute({
    name: 'ConfigureCampaignSending',
    streamId: streams.campaign(story.campaignId),
    decider: campaignDecider,
    tenantId: story.workspaceId,
    actorId: story.userId,
    command: {
      type: 'ConfigureCampaignSending',
      mailboxIds: input.mailboxIds,
      sendWindow: input.sendWindow ?? null,
      timezone: input.timezone ?? null,
      mailboxes: Object.fromEntries(input.mailboxIds.map((id) => [id, { connected: true }])),
      now: story.runner.now(),
    },
  });
}

/** The workspace's postal address and name, for the CAN-SPAM footer. */
export async function setProfile(story: SequenceStory, profile: { companyName?: string; postalAddress?: string }): Promise<void> {
  await story.runner.execute({
    name: 'UpdateWorkspaceProfile',
    streamId: streams.workspace(story.workspaceId),
    decider: workspaceDecider,
    tenantId: story.workspaceId,
    actorId: story.userId,
    command: { type: 'UpdateWorkspaceProfile', profile, actorId: story.userId, now: story.runner.now() },
  });
}

/** A delivery worker as the schedulers wire it: the workspace's mailboxes over their sealed credentials. */
export function deliveryWorker(input: {
  store: EventStore;
  db: Kysely<unknown>;
  outboxDir: string;
  providers?: MailProviderSettings;
  clock?: Clock;
  commands?: CommandRunner;
  random?: () => number;
  wrap?: (transport: Transport) => Transport;
  maxAttempts?: number;
}): { worker: DeliveryWorker; connections: MailboxConnections; enrollments: EnrollmentUseCases } {
  const providers = input.providers ?? { google: null, microsoft: null };
  const clock = input.clock ?? { now: () => new Date() };
  const outbox = new LocalOutboxTransport(input.outboxDir);
  const connections = new MailboxConnections(new MailboxCredentials(input.db, SEALING_KEY, providers, clock), providers, outbox);
  if (input.wrap) {
    const wrap = input.wrap;
    const transport = connections.transport.bind(connections);
    connections.transport = async (mailbox) => wrap(await transport(mailbox));
  }
  const commands = input.commands ?? testCommandRunner(input.store);
  const facts = new Facts(input.store);
  const enrollments = new EnrollmentUseCases(commands, facts);
  const worker = new DeliveryWorker({
    store: input.store,
    facts,
    enrollments,
    db: input.db,
    transport: outbox,
    mailboxes: connections,
    commands,
    clock,
    logger: createLogger({ service: 'delivery-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    settings: { publicUrl: PUBLIC_URL, trackingSecret: TRACKING_SECRET, deliveryMaxAttempts: input.maxAttempts ?? 3 },
    random: input.random ?? (() => 0),
  });
  return { worker, connections, enrollments };
}

/** Fires a lead's step as the timer would and returns its delivery job. */
export async function queueStep(story: SequenceStory, leadIndex: number, stepIndex: number): Promise<DeliveryJob> {
  const lead = story.leads[leadIndex];
  if (!lead) throw new Error(`no lead ${leadIndex}`);
  await story.enrollments.fireStep({ workspaceId: story.workspaceId, enrollmentId: lead.enrollmentId, stepIndex, manual: false, actorId: 'system:scheduler' });
  return { workspaceId: story.workspaceId, enrollmentId: lead.enrollmentId, emailId: stableIds.email(lead.enrollmentId, stepIndex) };
}

export const uniqueEmail = (name = 'ada') => `${name}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
