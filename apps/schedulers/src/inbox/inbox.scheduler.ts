import { Inject, Injectable } from '@nestjs/common';
import { CommandRunner, EnrollmentUseCases } from '@app/application';
import { mailboxDecider } from '@app/domain';
import { MailboxProvider, streams } from '@app/events';
import { GmailInbox, GraphInbox, InboxMessage, IncomingEmail, emailIdOfMessageId, parseIncomingEmail } from '@app/mail';
import { AppLogger, CLOCK, Clock, CommandExecutor, LOGGER } from '@app/platform';
import { Kysely, sql } from 'kysely';
import { MailboxConnections } from '../mailboxes/mailbox-connections';
import { SchedulersSettings } from '../schedulers.config';
import { MAILBOX_CONNECTIONS, SCHEDULERS_DB, SCHEDULERS_SETTINGS } from '../schedulers.tokens';
import { errorText, isMissingReadModel } from '../shared/concurrency';
import { PollingLoop } from '../shared/polling-loop';
import { SCHEDULER_ACTOR, asScheduler } from '../shared/system-actor';
import { tolerateRefusal } from '../reactors/reactor-support';
import { mailboxProblem } from '../delivery/delivery.policy';
import { SentEmail, classifyIncoming, matchEmail, pollDelayMs, referencedIds } from './inbox.policy';

/** A mailbox's inbox is claimed for this long; a process that dies mid-poll frees it after. */
const LEASE_MS = 5 * 60_000;
/** How often the loop looks for inboxes due a poll (each inbox is polled every INBOX_POLL_MS). */
const LOOK_EVERY_MS = 2_000;
const BATCH = 4;

type Claimed = { mailboxId: string; workspaceId: string; provider: MailboxProvider; cursor: string | null; failures: number; address: string; connectedAt: Date };

/** What one poll of an inbox found: recorded replies and bounces, mail not about ours, and things already recorded. */
export type PollResult = { read: number; replies: number; autoReplies: number; bounces: number; ignored: number; duplicates: number };

/**
 * Inbox pollers: every connected Gmail and Outlook mailbox has its inbox read every
 * INBOX_POLL_MS for replies and bounces to our emails (Gmail history from the last history
 * id, Graph delta from the last deltaLink; the cursor in `mailbox_inbox_cursors`). A message
 * is matched to one of our sent emails (In-Reply-To, References, a bounce's returned headers,
 * the provider thread), classified (human reply, auto-reply, bounce) and recorded on the
 * email's enrollment; unrelated mail is left alone. Each inbox is polled by one process at a
 * time (a lease claimed with SKIP LOCKED), and the cursor moves only after its messages are
 * recorded: a crash re-reads them, and the enrollment rules drop a reply or bounce seen twice.
 */
@Injectable()
export class InboxScheduler {
  private readonly loop: PollingLoop;

  constructor(
    @Inject(SCHEDULERS_DB) private readonly db: Kysely<unknown>,
    @Inject(MAILBOX_CONNECTIONS) private readonly connections: MailboxConnections,
    private readonly enrollments: EnrollmentUseCases,
    @Inject(CommandExecutor) private readonly commands: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: AppLogger,
    @Inject(SCHEDULERS_SETTINGS) private readonly settings: Pick<SchedulersSettings, 'inboxPollMs'>,
  ) {
    this.loop = new PollingLoop({ name: 'inbox pollers', staleAfterMs: () => 5 * 60_000, logger });
  }

  private get pollMs(): number {
    return this.settings.inboxPollMs ?? 60_000;
  }

  start(): void {
    this.loop.start(async () => (await this.tick(), false), () => Math.min(LOOK_EVERY_MS, this.pollMs));
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  health(): true | string {
    return this.loop.health();
  }

  /** Polls the inboxes that are due; returns what it found in each. */
  tick(): Promise<Map<string, PollResult>> {
    return this.loop.track(async () => {
      const results = new Map<string, PollResult>();
      try {
        await this.enlist();
        for (const mailbox of await this.claim()) {
          results.set(mailbox.mailboxId, await asScheduler(mailbox.workspaceId, () => this.poll(mailbox)));
        }
      } catch (error) {
        // The mailboxes or emails read model is still being built: nothing to poll yet.
        if (!isMissingReadModel(error)) throw error;
      }
      return results;
    });
  }

  /** Every connected Gmail and Outlook mailbox has a cursor row. */
  private async enlist(): Promise<void> {
    // Due from the scheduler's clock, the one claim() compares with: the column's default (the
    // database's now(), with microseconds) could fall after a claim made in the same millisecond.
    await sql`
      insert into mailbox_inbox_cursors (mailbox_id, workspace_id, provider, next_poll_at)
      select mailbox_id, workspace_id, provider, ${this.clock.now()} from mailboxes where status = 'connected' and provider in ('GMAIL', 'OUTLOOK')
      on conflict (mailbox_id) do nothing`.execute(this.db);
  }

  private async claim(): Promise<Claimed[]> {
    const now = this.clock.now();
    const { rows } = await sql<Claimed>`
      update mailbox_inbox_cursors c set leased_until = ${new Date(now.getTime() + LEASE_MS)}
      from mailboxes m
      where m.mailbox_id = c.mailbox_id and c.mailbox_id in (
        select c2.mailbox_id from mailbox_inbox_cursors c2 join mailboxes m2 on m2.mailbox_id = c2.mailbox_id
        where m2.status = 'connected' and c2.next_poll_at <= ${now} and (c2.leased_until is null or c2.leased_until < ${now})
        order by c2.next_poll_at limit ${BATCH}
        for update of c2 skip locked)
      returning c.mailbox_id as "mailboxId", c.workspace_id as "workspaceId", c.provider, c.cursor, c.failures, m.address, m.connected_at as "connectedAt"`.execute(this.db);
    return rows;
  }

  private async release(mailboxId: string, update: { cursor?: string | null; failures: number; error: string | null }): Promise<void> {
    const now = this.clock.now();
    const next = new Date(now.getTime() + pollDelayMs(update.failures, this.pollMs));
    await sql`
      update mailbox_inbox_cursors set leased_until = null, next_poll_at = ${next}, last_polled_at = ${now}, failures = ${update.failures}, last_error = ${update.error}
        ${update.cursor !== undefined ? sql`, cursor = ${update.cursor}` : sql``}
      where mailbox_id = ${mailboxId}`.execute(this.db);
  }

  /** Reads one inbox from its cursor and records what concerns our emails. */
  async poll(mailbox: Claimed): Promise<PollResult> {
    const result: PollResult = { read: 0, replies: 0, autoReplies: 0, bounces: 0, ignored: 0, duplicates: 0 };
    const reader = this.connections.inbox(mailbox);
    if (!reader) {
      await this.release(mailbox.mailboxId, { failures: mailbox.failures + 1, error: `${mailbox.provider} is not configured on the schedulers` });
      return result;
    }
    try {
      let cursor = mailbox.cursor;
      if (!cursor) {
        cursor = await this.firstCursor(reader, mailbox);
        await this.release(mailbox.mailboxId, { cursor, failures: 0, error: null });
        return result;
      }
      const page = await reader.changes(cursor);
      if (!page) {
        // The provider no longer knows the cursor (Gmail keeps about a week of history): start afresh.
        this.logger.warn({ mailboxId: mailbox.mailboxId }, 'inbox cursor expired; reading from now on (replies in between may be missed)');
        await this.release(mailbox.mailboxId, { cursor: await this.firstCursor(reader, mailbox), failures: 0, error: null });
        return result;
      }
      for (const message of page.messages) await this.handle(mailbox, message, result);
      await this.release(mailbox.mailboxId, { cursor: page.cursor, failures: 0, error: null });
      if (result.read) this.logger.info({ mailboxId: mailbox.mailboxId, ...result }, 'inbox read');
      return result;
    } catch (error) {
      const problem = mailboxProblem(error);
      if (problem) await this.disconnect(mailbox, problem);
      else this.logger.warn({ mailboxId: mailbox.mailboxId, failures: mailbox.failures + 1, err: errorText(error) }, 'reading the inbox failed; trying again later');
      await this.release(mailbox.mailboxId, { failures: mailbox.failures + 1, error: errorText(error).slice(0, 1000) });
      return result;
    }
  }

  private firstCursor(reader: GmailInbox | GraphInbox, mailbox: Claimed): Promise<string> {
    if (reader instanceof GmailInbox) return reader.start();
    // Replies can only come after our first email, which went out after the mailbox was connected.
    const dayAgo = this.clock.now().getTime() - 24 * 3600_000;
    return reader.start(new Date(Math.max(dayAgo, new Date(mailbox.connectedAt).getTime())));
  }

  private async disconnect(mailbox: Claimed, problem: { reason: 'REVOKED' | 'AUTH_FAILED'; detail: string }): Promise<void> {
    this.logger.warn({ mailboxId: mailbox.mailboxId, ...problem }, 'the mailbox refuses its credentials: disconnected until it is connected again');
    await tolerateRefusal(this.logger, 'disconnect a mailbox', { mailboxId: mailbox.mailboxId }, () =>
      this.commands.execute({
        name: 'DisconnectMailbox',
        streamId: streams.mailbox(mailbox.mailboxId),
        decider: mailboxDecider,
        tenantId: mailbox.workspaceId,
        actorId: SCHEDULER_ACTOR,
        command: { type: 'DisconnectMailbox', reason: problem.reason, detail: problem.detail, now: this.clock.now().toISOString() },
      }),
    );
  }

  /** Our sent emails the message may be about: by Message-ID, or in its provider thread. */
  private async candidates(workspaceId: string, email: IncomingEmail): Promise<SentEmail[]> {
    const ids = referencedIds(email);
    // Our Message-IDs name the email: found even when the header was rewritten by a provider.
    const emailIds = ids.map(emailIdOfMessageId).filter((id): id is string => id !== null);
    if (!ids.length && !email.threadId) return [];
    const { rows } = await sql<SentEmail>`
      select email_id as "emailId", enrollment_id as "enrollmentId", workspace_id as "workspaceId", message_id_header as "messageIdHeader",
        thread_id as "threadId", sent_at as "sentAt"
      from emails
      where workspace_id = ${workspaceId} and sent_at is not null and (
        lower(message_id_header) = any(${ids.map((i) => i.toLowerCase())}::text[])
        or email_id = any(${emailIds}::uuid[])
        ${email.threadId ? sql`or thread_id = ${email.threadId}` : sql``})`.execute(this.db);
    return rows;
  }

  private async handle(mailbox: Claimed, message: InboxMessage, result: PollResult): Promise<void> {
    result.read++;
    const email = await parseIncomingEmail(message);
    if (email.fromAddress && email.fromAddress === mailbox.address.toLowerCase()) {
      result.ignored++;
      return;
    }
    const target = matchEmail(email, await this.candidates(mailbox.workspaceId, email));
    if (!target) {
      result.ignored++;
      return;
    }
    const kind = classifyIncoming(email);
    const receivedAt = this.clock.now().toISOString();
    const details = { mailboxId: mailbox.mailboxId, emailId: target.emailId, kind: kind.kind };
    const ref = { workspaceId: target.workspaceId, enrollmentId: target.enrollmentId, emailId: target.emailId };
    await tolerateRefusal(this.logger, 'record an inbox message', details, async () => {
      switch (kind.kind) {
        case 'bounce': {
          const recorded = await this.enrollments.recordBounce({ ...ref, kind: kind.bounce, reason: kind.reason, bouncedAt: receivedAt });
          if (recorded.events === 0) result.duplicates++;
          else result.bounces++;
          return;
        }
        case 'auto-reply':
        case 'human': {
          const recorded = await this.enrollments.recordReply({
            ...ref,
            kind: kind.kind === 'human' ? 'HUMAN' : 'AUTO_REPLY',
            snippet: email.snippet || undefined,
            // The same reply read twice (a crash before the cursor moved) is one reply.
            replyMessageId: email.messageId ?? `${mailbox.provider.toLowerCase()}:${message.providerMessageId}`,
            receivedAt,
          });
          if (recorded.events === 0) result.duplicates++;
          else if (kind.kind === 'human') result.replies++;
          else result.autoReplies++;
          return;
        }
        case 'ignore':
          result.ignored++;
          return;
        default: {
          const unknown: never = kind;
          throw new Error(`unknown classification ${JSON.stringify(unknown)}`);
        }
      }
    });
  }
}
