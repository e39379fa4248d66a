import { CommandRunner, EnrollmentUseCases, Facts, sendWindowFacts } from '@app/application';
import { CampaignNotFound, DomainError, LeadNotFound, LeadState, MailboxState, SendWindowFacts, WorkspaceProfile, enrollmentDecider, fold, mailboxDecider, workspaceDecider } from '@app/domain';
import { EnrollmentEvent, MailboxEvent, Recorded, SkipReason, StopReason, WorkspaceEvent, streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { EmailAddress, SendJournal, SentReceipt, Transport, composeEmail, domainOf, messageIdFor } from '@app/mail';
import { WorkItem, WorkOutcome } from '@app/messaging';
import { AppLogger, Clock, runWithContext } from '@app/platform';
import { trackingUrls } from '@app/tracking';
import { Kysely, sql } from 'kysely';
import { MailboxConnections } from '../mailboxes/mailbox-connections';
import { errorText } from '../shared/concurrency';
import { DeliveryJob, parseDeliveryJob } from './delivery-job';
import { DeliveryFacts, HOLD_FOR_MAILBOX_MS, afterSendFailure, decideDelivery, mailboxProblem, sendWindowHold } from './delivery.policy';
import { MailboxFacts, routeFor } from './mailbox-rotation.policy';
import { Reservation, SendReservations } from './send-reservations';

/** The delivery workers act as themselves in the log. */
export const DELIVERY_ACTOR = 'system:delivery';

/** How long to wait when another worker holds the same email, or the database is away. */
const BUSY_RETRY_MS = 2_000;
const TROUBLE_RETRY_MS = 15_000;

export type DeliveryOutcome = 'sent' | 'skipped' | 'held' | 'retried' | 'failed' | 'abandoned';

export type DeliveryWorkerDependencies = {
  store: EventStore;
  facts: Facts;
  enrollments: EnrollmentUseCases;
  /** For the per-email lock (its connections are held while a message is sent), reservations and the suppression list. */
  db: Kysely<unknown>;
  /** The default transport: campaigns that name no mailbox send through it (the local outbox). */
  transport: Transport;
  /** The workspace's mailboxes (Gmail, Graph, SMTP, outbox); without it, only the default transport. */
  mailboxes?: MailboxConnections;
  /** Runs mailbox commands (a revoked grant disconnects its mailbox). */
  commands?: CommandRunner;
  clock: Clock;
  logger: AppLogger;
  settings: { publicUrl: string; trackingSecret: string; deliveryMaxAttempts: number };
  onOutcome?: (outcome: DeliveryOutcome, transport: string) => void;
  /** In [0, 1): the random part of the spacing between two sends of a mailbox. */
  random?: () => number;
};

/** Why an enrollment stops when its step is skipped at send time (the decider stops only an open one). */
const stopFor: Partial<Record<SkipReason, StopReason>> = { LEAD_SUPPRESSED: 'SUPPRESSED', LEAD_UNSUBSCRIBED: 'UNSUBSCRIBED', LEAD_ERASED: 'LEAD_ERASED' };

type Queued = Extract<Recorded<EnrollmentEvent>, { type: 'EmailQueued' }>;
type SentFacts = { messageIdHeader?: string; threadId?: string; providerMessageId: string; mailboxId?: string; transport: string };
type Active<S> = Exclude<S, { status: 'none' }>;

type Loaded = {
  facts: DeliveryFacts;
  queued: Queued | null;
  /** EmailSent of each email of the enrollment: the first email's, for threading. */
  sent: Map<string, SentFacts>;
  lead: Extract<LeadState, { profile: unknown }> | null;
  /** The campaign's creator: the sender when the campaign names no mailbox. */
  creator: EmailAddress;
  campaignMailboxIds: readonly string[];
  window: SendWindowFacts;
  /** The step was sent by hand (sendStep): it does not wait for the send window. */
  manual: boolean;
  profile: WorkspaceProfile;
};

/** Where a message goes out: a mailbox of the workspace, or the default transport. */
type Route = { transport: Transport; from: EmailAddress; mailboxId: string | null; reservation: Reservation | null };

/**
 * Sends one queued email per delivery message: reads the email from its EmailQueued event
 * (decrypted by the store), decides from the current facts whether to send, hold, skip or
 * abandon it (the lead's status, the suppression list, the campaign, the send window), picks
 * the mailbox (the campaign's, in rotation within their limits), builds the MIME message and
 * hands it to that mailbox's provider, then records EmailSent.
 *
 * Sending is idempotent per email: under a per-email advisory lock (two copies of a message
 * never send at once), the provider's receipt is recorded in `mailbox_sends` as soon as it
 * answers, and a later attempt reads that, then asks the provider whether it already has the
 * message (Gmail by Message-ID, Graph by the draft id journaled before sending), before
 * anything is sent again.
 */
export class DeliveryWorker {
  /** Workspaces already told they have no postal address (once per process is enough). */
  private readonly warnedNoAddress = new Set<string>();

  constructor(private readonly deps: DeliveryWorkerDependencies) {}

  readonly handle = async (item: WorkItem<unknown>): Promise<WorkOutcome> => {
    const job = parseDeliveryJob(item.payload);
    if (!job) {
      this.deps.logger.error({ id: item.id, payload: item.payload }, 'delivery message is not a delivery job; dropped');
      return { kind: 'drop' };
    }
    return runWithContext({ actorId: DELIVERY_ACTOR, workspaceId: job.workspaceId }, async () => {
      try {
        return await this.deliver(job, item.attempt);
      } catch (error) {
        // The database or the store is in trouble, not the email: wait without spending an attempt.
        this.deps.logger.warn({ ...job, attempt: item.attempt, err: error }, 'delivery could not run; trying again later');
        return { kind: 'defer', afterMs: TROUBLE_RETRY_MS };
      }
    });
  };

  private outcome(outcome: DeliveryOutcome, transport: string = this.deps.transport.name): void {
    this.deps.onOutcome?.(outcome, transport);
  }

  private hold(job: DeliveryJob, afterMs: number, why: string): WorkOutcome {
    this.deps.logger.info({ ...job, why, retryInMs: afterMs }, 'delivery held');
    this.outcome('held');
    return { kind: 'defer', afterMs: Math.max(1000, afterMs) };
  }

  private async deliver(job: DeliveryJob, attempt: number): Promise<WorkOutcome> {
    const loaded = await this.load(job);
    const decision = decideDelivery(loaded.facts);
    const log = { ...job, attempt };
    switch (decision.kind) {
      case 'skip':
        this.deps.logger.debug({ ...log, why: decision.why }, 'delivery skipped');
        this.outcome('skipped');
        return { kind: 'done' };
      case 'hold':
        return this.hold(job, decision.afterMs, decision.why);
      case 'abandon':
        await this.abandon(job, attempt, decision.reason, decision.stop, decision.skip);
        return { kind: 'done' };
      case 'send': {
        const closed = sendWindowHold(this.deps.clock.now(), loaded.window, loaded.manual);
        if (closed) return this.hold(job, closed.afterMs, closed.why);
        return this.send(job, attempt, loaded);
      }
      default: {
        const unknown: never = decision;
        throw new Error(`unknown delivery decision ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async load(job: DeliveryJob): Promise<Loaded> {
    const { store, facts } = this.deps;
    const history = (await store.readStream(streams.enrollment(job.enrollmentId))) as Recorded<EnrollmentEvent>[];
    const state = fold(enrollmentDecider, history);
    const queued = history.find((e): e is Queued => e.type === 'EmailQueued' && e.data.emailId === job.emailId) ?? null;
    const record = state.status === 'none' ? undefined : state.emails.find((e) => e.emailId === job.emailId);
    const sent = new Map<string, SentFacts>();
    for (const e of history) if (e.type === 'EmailSent') sent.set(e.data.emailId, e.data);
    const stepDue = queued ? history.filter((e) => e.type === 'StepDue' && e.data.stepIndex === queued.data.stepIndex && e.revision < queued.revision).pop() : undefined;
    const base = { queued: null, sent, lead: null, campaignMailboxIds: [], window: null, manual: false, profile: {} };
    const unknown: Loaded = {
      ...base,
      facts: { email: 'unknown', personalDataErased: false, enrollment: state.status, campaign: 'none', lead: 'none', suppressed: null },
      creator: { address: 'no-reply@localhost' },
    };
    // A job naming another workspace than the enrollment's is not ours to act on.
    if (state.status === 'none' || state.workspaceId !== job.workspaceId || !queued || !record) return unknown;

    const campaign = await facts.campaign(state.campaignId, job.workspaceId).catch((error: unknown) => (error instanceof CampaignNotFound ? null : Promise.reject(error)));
    const lead = await facts.lead(state.leadId, job.workspaceId).catch((error: unknown) => (error instanceof LeadNotFound ? null : Promise.reject(error)));
    const user = campaign ? await facts.user(campaign.createdBy) : { status: 'none' as const };
    const leadWithProfile = lead && 'profile' in lead ? lead : null;
    const workspace = fold(workspaceDecider, (await store.readStream(streams.workspace(job.workspaceId))) as unknown as WorkspaceEvent[]);
    return {
      facts: {
        email: record.delivery,
        personalDataErased: queued.personalDataErased,
        enrollment: state.status,
        campaign: campaign?.state.status ?? 'none',
        lead: lead?.status ?? 'none',
        suppressed: leadWithProfile ? await this.suppression(job.workspaceId, leadWithProfile.profile.emailHash) : null,
      },
      queued,
      sent,
      lead: leadWithProfile,
      creator: user.status === 'registered' ? { name: user.name, address: user.email } : { address: `no-reply@${new URL(this.deps.settings.publicUrl).hostname}` },
      campaignMailboxIds: campaign?.state.sending.mailboxIds ?? [],
      window: campaign && leadWithProfile ? sendWindowFacts(campaign.state as Active<typeof campaign.state>, leadWithProfile) : null,
      manual: stepDue?.type === 'StepDue' && stepDue.data.manual,
      profile: workspace.status === 'active' ? workspace.profile : {},
    };
  }

  /** The suppression list (a read model keyed by the address's hash): an opt-out recorded on any lead record counts. */
  private async suppression(workspaceId: string, emailHash: string): Promise<string | null> {
    try {
      const { rows } = await sql<{ reason: string }>`select reason from suppressions where workspace_id = ${workspaceId} and email_hash = ${emailHash}`.execute(this.deps.db);
      return rows[0]?.reason ?? null;
    } catch (error) {
      // 42P01: the read model is not built yet (a fresh install): the lead's own status still applies.
      if ((error as { code?: string }).code === '42P01') return null;
      throw error;
    }
  }

  private async abandon(job: DeliveryJob, attempt: number, reason: string, stop: StopReason | undefined, skip: SkipReason | undefined): Promise<void> {
    const { enrollments, clock, logger } = this.deps;
    if (skip) {
      // The lead may not be emailed any more: the step is skipped for that reason (one decision).
      const detail = reason.replace(/^not sent: /, '');
      await this.refusalTolerated(() =>
        enrollments.withhold({ workspaceId: job.workspaceId, enrollmentId: job.enrollmentId, emailId: job.emailId, reason: skip, detail, stop: stop ?? stopFor[skip] ?? 'SUPPRESSED', attempts: attempt, at: clock.now().toISOString() }),
      );
      logger.info({ ...job, reason, stop, skip }, 'queued email not sent: step skipped');
      this.outcome('abandoned');
      return;
    }
    if (stop) await this.refusalTolerated(() => enrollments.stop({ workspaceId: job.workspaceId, enrollmentId: job.enrollmentId, reason: stop, actorId: DELIVERY_ACTOR }));
    await this.refusalTolerated(() =>
      enrollments.recordFailed({ workspaceId: job.workspaceId, enrollmentId: job.enrollmentId, emailId: job.emailId, reason, attempts: attempt, permanent: true, failedAt: clock.now().toISOString() }),
    );
    logger.info({ ...job, reason, stop }, 'queued email not sent');
    this.outcome('abandoned');
  }

  private async refusalTolerated(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.deps.logger.info({ code: error.code, reason: error.message }, 'delivery bookkeeping refused by the rules; nothing to do');
    }
  }

  private async mailboxState(mailboxId: string): Promise<MailboxState> {
    return fold(mailboxDecider, (await this.deps.store.readStream(streams.mailbox(mailboxId))) as unknown as MailboxEvent[]);
  }

  /**
   * The mailbox this email goes out from, reserving a slot within its limits; or how long to
   * wait (limits reached, every mailbox disconnected). A route found needs no further check.
   */
  private async route(job: DeliveryJob, loaded: Loaded, reservations: SendReservations, reservation: Reservation | null): Promise<Route | { wait: number; why: string }> {
    const { mailboxes, clock } = this.deps;
    const threadOf = loaded.queued?.data.threadOfEmailId;
    const threadMailboxId = threadOf ? (loaded.sent.get(threadOf)?.mailboxId ?? null) : null;
    const ids = [...new Set([...loaded.campaignMailboxIds, ...(reservation ? [reservation.mailboxId] : []), ...(threadMailboxId ? [threadMailboxId] : [])])];
    const states = new Map<string, Active<MailboxState>>();
    const facts: MailboxFacts[] = [];
    for (const id of ids) {
      const state = await this.mailboxState(id);
      const own = state.status !== 'none' && state.workspaceId === job.workspaceId;
      if (own) states.set(id, state);
      facts.push({ mailboxId: id, state: own ? state : { status: 'none' }, providerConfigured: own && !!mailboxes?.configured(state.provider) });
    }
    const route = routeFor({ campaignMailboxIds: loaded.campaignMailboxIds, reservedOn: reservation?.mailboxId ?? null, threadMailboxId, mailboxes: facts });
    if (route.kind === 'default' || !mailboxes) {
      if (route.kind !== 'default') return { wait: HOLD_FOR_MAILBOX_MS, why: 'this process has no mailbox connections' };
      return { transport: this.deps.transport, from: loaded.creator, mailboxId: null, reservation: null };
    }
    if (route.kind === 'wait') return { wait: HOLD_FOR_MAILBOX_MS, why: route.why };
    let mailboxId = reservation?.mailboxId ?? null;
    if (!mailboxId) {
      // Ties in rotation go to a different mailbox per email.
      const offset = parseInt(job.emailId.replace(/-/g, '').slice(-6), 16) % route.candidates.length;
      const ordered = [...route.candidates.slice(offset), ...route.candidates.slice(0, offset)];
      const now = clock.now();
      const choice = await reservations.reserve({
        emailId: job.emailId,
        workspaceId: job.workspaceId,
        candidates: ordered.map((id) => {
          const s = states.get(id) as Active<MailboxState>;
          return { mailboxId: id, address: s.address, limits: s.limits, connectedAt: s.connectedAt };
        }),
        now,
        jitterRoll: (this.deps.random ?? Math.random)(),
      });
      if (choice.kind === 'wait') return { wait: choice.until.getTime() - now.getTime(), why: choice.why };
      mailboxId = choice.mailboxId;
    }
    const mailbox = states.get(mailboxId) as Active<MailboxState>;
    const transport = await mailboxes.transport({ mailboxId, provider: mailbox.provider });
    return { transport, from: { name: mailbox.displayName, address: mailbox.address }, mailboxId, reservation: reservation ?? (await reservations.of(job.emailId)) };
  }

  private async disconnect(job: DeliveryJob, mailboxId: string, problem: { reason: 'REVOKED' | 'AUTH_FAILED'; detail: string }): Promise<void> {
    const { commands, clock, logger } = this.deps;
    logger.warn({ ...job, mailboxId, ...problem }, 'the mailbox refuses its credentials: disconnected; its emails wait until it is connected again');
    if (!commands) return;
    await this.refusalTolerated(() =>
      commands.execute({
        name: 'DisconnectMailbox',
        streamId: streams.mailbox(mailboxId),
        decider: mailboxDecider,
        tenantId: job.workspaceId,
        actorId: DELIVERY_ACTOR,
        command: { type: 'DisconnectMailbox', reason: problem.reason, detail: problem.detail, now: clock.now().toISOString() },
      }),
    );
  }

  private async send(job: DeliveryJob, attempt: number, loaded: Loaded): Promise<WorkOutcome> {
    // Everything under the email's lock runs on the lock's own connection: a worker never needs
    // a second connection while it holds one, so a busy pool cannot deadlock the workers.
    const locked = await this.withEmailLock(job.emailId, (connection) => this.sendLocked(job, attempt, loaded, new SendReservations(connection)));
    if (locked === null) {
      this.deps.logger.debug({ ...job }, 'another worker is sending this email; looking again shortly');
      return { kind: 'defer', afterMs: BUSY_RETRY_MS };
    }
    return locked;
  }

  private async recordSent(job: DeliveryJob, receipt: SentReceipt, route: { mailboxId: string | null; from: EmailAddress }): Promise<WorkOutcome> {
    await this.deps.enrollments.recordSent({
      ...job,
      transport: receipt.transport,
      providerMessageId: receipt.providerMessageId,
      messageIdHeader: receipt.messageIdHeader,
      threadId: receipt.threadId,
      mailboxId: route.mailboxId ?? undefined,
      from: route.from.address,
      sentAt: this.deps.clock.now().toISOString(),
    });
    this.outcome('sent', receipt.transport);
    return { kind: 'done' };
  }

  private async sendLocked(job: DeliveryJob, attempt: number, loaded: Loaded, reservations: SendReservations): Promise<WorkOutcome> {
    const queued = loaded.queued as Queued;
    const { enrollments, clock, logger, settings } = this.deps;
    const reservation = await reservations.of(job.emailId);
    if (reservation?.sentAt && reservation.providerMessageId && reservation.messageIdHeader && reservation.transport) {
      // The provider took it and we recorded its receipt; only EmailSent is missing (a crash in between).
      const receipt: SentReceipt = { transport: reservation.transport, providerMessageId: reservation.providerMessageId, messageIdHeader: reservation.messageIdHeader, threadId: reservation.providerThreadId ?? undefined };
      const state = await this.mailboxState(reservation.mailboxId);
      const from = state.status === 'none' ? loaded.creator : { name: state.displayName, address: state.address };
      return this.recordSent(job, receipt, { mailboxId: reservation.mailboxId, from });
    }

    const routed = await this.route(job, loaded, reservations, reservation);
    if ('wait' in routed) return this.hold(job, routed.wait, routed.why);
    const { transport, from, mailboxId } = routed;

    const data = queued.data;
    const domain = domainOf(from.address);
    const first = data.threadOfEmailId ? loaded.sent.get(data.threadOfEmailId) : undefined;
    const firstHeader = data.threadOfEmailId ? (first?.messageIdHeader ?? messageIdFor(data.threadOfEmailId, domain)) : undefined;
    // The provider's thread only exists in the mailbox the first email went out from.
    const sameMailbox = first !== undefined && first.mailboxId === (mailboxId ?? undefined) && first.transport === transport.name;
    const profile = loaded.lead?.profile;
    const toName = [profile?.firstName, profile?.lastName].filter(Boolean).join(' ') || undefined;
    const message = await composeEmail({
      emailId: job.emailId,
      from,
      to: { name: toName, address: data.to },
      subject: data.subject,
      html: data.bodyHtml,
      text: data.bodyText,
      links: data.links,
      tracking: trackingUrls(settings.publicUrl, settings.trackingSecret, job.emailId),
      thread: firstHeader
        ? { inReplyTo: firstHeader, references: [firstHeader], providerThreadId: sameMailbox ? first?.threadId : undefined, providerMessageId: sameMailbox ? first?.providerMessageId : undefined }
        : undefined,
      footer: { companyName: loaded.profile.companyName, postalAddress: loaded.profile.postalAddress },
      date: clock.now(),
      messageIdDomain: domain,
    });
    if (message.untrackedLinks.length) logger.warn({ ...job, links: message.untrackedLinks }, 'links not found where recorded: sent untracked');
    if (!loaded.profile.postalAddress && mailboxId && !this.warnedNoAddress.has(job.workspaceId)) {
      this.warnedNoAddress.add(job.workspaceId);
      logger.warn({ workspaceId: job.workspaceId }, 'the workspace has no postal address: commercial email needs one (CAN-SPAM); set it in the workspace profile');
    }

    const journal: SendJournal = {
      prior: { providerMessageId: routed.reservation?.providerMessageId ?? undefined },
      providerIdAssigned: (id) => reservations.recordProviderId(job.emailId, id),
    };
    let receipt: SentReceipt;
    try {
      // A worker that died after the provider took the message must not send it again.
      receipt = (await transport.find(message.messageIdHeader, journal.prior)) ?? (await transport.send(message, journal));
    } catch (error) {
      const problem = mailboxProblem(error);
      if (problem && mailboxId) {
        await this.disconnect(job, mailboxId, problem);
        return this.hold(job, HOLD_FOR_MAILBOX_MS, `the mailbox ${from.address} was disconnected (${problem.reason})`);
      }
      const next = afterSendFailure(error, attempt, settings.deliveryMaxAttempts);
      if (next.kind === 'wait') return this.hold(job, next.afterMs, next.why);
      if (next.kind === 'retry') {
        logger.warn({ ...job, attempt, retryInMs: next.afterMs, err: errorText(error) }, 'sending failed; retrying');
        this.outcome('retried', transport.name);
        return { kind: 'retry', afterMs: next.afterMs };
      }
      await this.refusalTolerated(() => enrollments.recordFailed({ ...job, reason: next.reason, attempts: attempt, permanent: true, failedAt: clock.now().toISOString() }));
      logger.warn({ ...job, attempt, reason: next.reason }, 'sending failed for good: recorded as EmailFailed');
      this.outcome('failed', transport.name);
      return { kind: 'done' };
    }
    if (mailboxId) await reservations.recordReceipt(job.emailId, receipt, clock.now());
    return this.recordSent(job, receipt, { mailboxId, from });
  }

  /**
   * Runs `work` holding a session advisory lock on the email; null when another worker holds
   * it. A session lock (not a transaction) keeps no transaction open during the provider call
   * and dies with the worker's connection.
   */
  private async withEmailLock<T>(emailId: string, work: (connection: Kysely<unknown>) => Promise<T>): Promise<T | null> {
    const key = `email:${emailId}`;
    return this.deps.db.connection().execute(async (connection) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`.execute(connection);
      if (!rows[0]?.locked) return null;
      try {
        return await work(connection);
      } finally {
        await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection).catch((error: unknown) => {
          this.deps.logger.warn({ emailId, error: errorText(error) }, 'could not release an email lock (its connection is gone, which releases it)');
        });
      }
    });
  }
}
