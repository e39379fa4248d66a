import { EnrollmentUseCases, Facts } from '@app/application';
import { CampaignNotFound, DomainError, LeadNotFound, LeadState, enrollmentDecider, fold } from '@app/domain';
import { EnrollmentEvent, Recorded, streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { SentReceipt, Transport, composeEmail, domainOf, messageIdFor } from '@app/mail';
import { WorkItem, WorkOutcome } from '@app/messaging';
import { AppLogger, Clock, runWithContext } from '@app/platform';
import { trackingUrls } from '@app/tracking';
import { Kysely, sql } from 'kysely';
import { errorText } from '../shared/concurrency';
import { DeliveryJob, parseDeliveryJob } from './delivery-job';
import { DeliveryFacts, afterSendFailure, decideDelivery } from './delivery.policy';

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
  /** For the per-email lock: its connections are held while a message is being sent. */
  db: Kysely<unknown>;
  transport: Transport;
  clock: Clock;
  logger: AppLogger;
  settings: { publicUrl: string; trackingSecret: string; deliveryMaxAttempts: number };
  onOutcome?: (outcome: DeliveryOutcome, transport: string) => void;
};

type Queued = Extract<Recorded<EnrollmentEvent>, { type: 'EmailQueued' }>;

type Loaded = {
  facts: DeliveryFacts;
  queued: Queued | null;
  sentHeaders: Map<string, string>;
  lead: Extract<LeadState, { profile: unknown }> | null;
  sender: { name?: string; address: string };
};

/**
 * Sends one queued email per delivery message: reads the email from its EmailQueued event
 * (decrypted by the store), decides from the current facts whether to send, hold, skip or
 * abandon it, builds the MIME message and hands it to the transport, then records EmailSent.
 *
 * Sending is idempotent per email: under a per-email advisory lock (two copies of a message
 * never send at once), the transport is asked whether it already has the message (a worker
 * that died after sending but before recording) before anything is sent.
 */
export class DeliveryWorker {
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

  private outcome(outcome: DeliveryOutcome): void {
    this.deps.onOutcome?.(outcome, this.deps.transport.name);
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
        this.deps.logger.debug({ ...log, why: decision.why }, 'delivery held');
        this.outcome('held');
        return { kind: 'defer', afterMs: decision.afterMs };
      case 'abandon':
        await this.abandon(job, attempt, decision.reason, decision.stop);
        return { kind: 'done' };
      case 'send':
        return this.send(job, attempt, loaded);
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
    const sentHeaders = new Map<string, string>();
    for (const e of history) if (e.type === 'EmailSent' && e.data.messageIdHeader) sentHeaders.set(e.data.emailId, e.data.messageIdHeader);
    const unknown: Loaded = {
      facts: { email: 'unknown', personalDataErased: false, enrollment: state.status, campaign: 'none', lead: 'none' },
      queued: null,
      sentHeaders,
      lead: null,
      sender: { address: 'no-reply@localhost' },
    };
    // A job naming another workspace than the enrollment's is not ours to act on.
    if (state.status === 'none' || state.workspaceId !== job.workspaceId || !queued || !record) return unknown;

    const campaign = await facts.campaign(state.campaignId, job.workspaceId).catch((error: unknown) => (error instanceof CampaignNotFound ? null : Promise.reject(error)));
    const lead = await facts.lead(state.leadId, job.workspaceId).catch((error: unknown) => (error instanceof LeadNotFound ? null : Promise.reject(error)));
    const user = campaign ? await facts.user(campaign.createdBy) : { status: 'none' as const };
    return {
      facts: {
        email: record.delivery,
        personalDataErased: queued.personalDataErased,
        enrollment: state.status,
        campaign: campaign?.state.status ?? 'none',
        lead: lead?.status ?? 'none',
      },
      queued,
      sentHeaders,
      lead: lead && 'profile' in lead ? lead : null,
      // The workspace's sender, for now the campaign's creator (mailboxes come with issue 6).
      sender: user.status === 'registered' ? { name: user.name, address: user.email } : { address: `no-reply@${new URL(this.deps.settings.publicUrl).hostname}` },
    };
  }

  private async abandon(job: DeliveryJob, attempt: number, reason: string, stop: Parameters<EnrollmentUseCases['stop']>[0]['reason'] | undefined): Promise<void> {
    const { enrollments, clock, logger } = this.deps;
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

  private async send(job: DeliveryJob, attempt: number, loaded: Loaded): Promise<WorkOutcome> {
    const queued = loaded.queued as Queued;
    const { transport, enrollments, clock, logger, settings } = this.deps;
    const locked = await this.withEmailLock(job.emailId, async (): Promise<WorkOutcome> => {
      const data = queued.data;
      const domain = domainOf(loaded.sender.address);
      const first = data.threadOfEmailId;
      const firstHeader = first ? (loaded.sentHeaders.get(first) ?? messageIdFor(first, domain)) : undefined;
      const profile = loaded.lead?.profile;
      const toName = [profile?.firstName, profile?.lastName].filter(Boolean).join(' ') || undefined;
      const message = await composeEmail({
        emailId: job.emailId,
        from: loaded.sender,
        to: { name: toName, address: data.to },
        subject: data.subject,
        html: data.bodyHtml,
        text: data.bodyText,
        links: data.links,
        tracking: trackingUrls(settings.publicUrl, settings.trackingSecret, job.emailId),
        thread: firstHeader ? { inReplyTo: firstHeader, references: [firstHeader] } : undefined,
        date: clock.now(),
        messageIdDomain: domain,
      });
      if (message.untrackedLinks.length) logger.warn({ ...job, links: message.untrackedLinks }, 'links not found where recorded: sent untracked');

      let receipt: SentReceipt;
      try {
        // A worker that died after the provider took the message must not send it again.
        receipt = (await transport.find(message.messageIdHeader)) ?? (await transport.send(message));
      } catch (error) {
        const next = afterSendFailure(error, attempt, settings.deliveryMaxAttempts);
        if (next.kind === 'retry') {
          logger.warn({ ...job, attempt, retryInMs: next.afterMs, err: error }, 'sending failed; retrying');
          this.outcome('retried');
          return { kind: 'retry', afterMs: next.afterMs };
        }
        await this.refusalTolerated(() =>
          enrollments.recordFailed({ ...job, reason: next.reason, attempts: attempt, permanent: true, failedAt: clock.now().toISOString() }),
        );
        logger.warn({ ...job, attempt, reason: next.reason }, 'sending failed for good: recorded as EmailFailed');
        this.outcome('failed');
        return { kind: 'done' };
      }
      await enrollments.recordSent({
        ...job,
        transport: receipt.transport,
        providerMessageId: receipt.providerMessageId,
        messageIdHeader: receipt.messageIdHeader,
        threadId: receipt.threadId,
        sentAt: clock.now().toISOString(),
      });
      this.outcome('sent');
      return { kind: 'done' };
    });
    if (locked === null) {
      logger.debug({ ...job }, 'another worker is sending this email; looking again shortly');
      return { kind: 'defer', afterMs: BUSY_RETRY_MS };
    }
    return locked;
  }

  /**
   * Runs `work` holding a session advisory lock on the email; null when another worker holds
   * it. A session lock (not a transaction) keeps no transaction open during the provider call
   * and dies with the worker's connection.
   */
  private async withEmailLock<T>(emailId: string, work: () => Promise<T>): Promise<T | null> {
    const key = `email:${emailId}`;
    return this.deps.db.connection().execute(async (connection) => {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`.execute(connection);
      if (!rows[0]?.locked) return null;
      try {
        return await work();
      } finally {
        await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(connection).catch((error: unknown) => {
          this.deps.logger.warn({ emailId, error: errorText(error) }, 'could not release an email lock (its connection is gone, which releases it)');
        });
      }
    });
  }
}
