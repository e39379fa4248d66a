import { MailboxLimits } from '@app/events';
import { SentReceipt } from '@app/mail';
import { Kysely, sql } from 'kysely';
import { MailboxChoice, MailboxForSending, SendUsage, chooseMailbox } from './mailbox-rotation.policy';

/** What `mailbox_sends` knows of one email: the mailbox it was handed to, and the provider's receipt. */
export type Reservation = {
  mailboxId: string;
  providerMessageId: string | null;
  providerThreadId: string | null;
  messageIdHeader: string | null;
  transport: string | null;
  sentAt: Date | null;
};

type UsageRow = { mailboxId: string; lastDay: number; oldestInDay: Date | null; lastMinute: number; oldestInMinute: Date | null; notBefore: Date | null };

const lockKey = (mailboxId: string) => `mailbox-sends:${mailboxId}`;

/**
 * The per-mailbox send counters, shared by every scheduler process: one row per email handed
 * to a mailbox. Reserving takes the candidate mailboxes' advisory locks (in id order, so two
 * processes never deadlock), counts their rows of the last day and minute, lets the pure
 * policy choose, and inserts the reservation, all in one transaction: two workers can never
 * both take the last slot of a mailbox.
 */
export class SendReservations {
  constructor(private readonly db: Kysely<unknown>) {}

  async of(emailId: string): Promise<Reservation | null> {
    const { rows } = await sql<Reservation>`
      select mailbox_id as "mailboxId", provider_message_id as "providerMessageId", provider_thread_id as "providerThreadId",
        message_id_header as "messageIdHeader", transport, sent_at as "sentAt"
      from mailbox_sends where email_id = ${emailId}`.execute(this.db);
    return rows[0] ?? null;
  }

  /** Usage of the mailboxes as of `now` (what the limits count). */
  async usage(executor: Kysely<unknown>, mailboxIds: readonly string[], now: Date): Promise<Map<string, SendUsage>> {
    const day = new Date(now.getTime() - 24 * 3600_000);
    const minute = new Date(now.getTime() - 60_000);
    const { rows } = await sql<UsageRow>`
      select mailbox_id as "mailboxId",
        count(*)::int as "lastDay",
        min(reserved_at) as "oldestInDay",
        (count(*) filter (where reserved_at > ${minute}))::int as "lastMinute",
        min(reserved_at) filter (where reserved_at > ${minute}) as "oldestInMinute",
        max(not_before) as "notBefore"
      from mailbox_sends
      where mailbox_id = any(${[...mailboxIds]}::uuid[]) and reserved_at > ${day}
      group by mailbox_id`.execute(executor);
    const usage = new Map<string, SendUsage>();
    for (const id of mailboxIds) usage.set(id, { lastDay: 0, oldestInDay: null, lastMinute: 0, oldestInMinute: null, notBefore: null });
    for (const r of rows) usage.set(r.mailboxId, { lastDay: r.lastDay, oldestInDay: r.oldestInDay, lastMinute: r.lastMinute, oldestInMinute: r.oldestInMinute, notBefore: r.notBefore });
    return usage;
  }

  /**
   * Reserves a slot for the email on one of the candidates (or says how long to wait). An email
   * reserved before (a retry, another worker) keeps its reservation: it counts once.
   */
  async reserve(input: {
    emailId: string;
    workspaceId: string;
    candidates: readonly { mailboxId: string; address: string; limits: MailboxLimits; connectedAt: string }[];
    now: Date;
    jitterRoll: number;
  }): Promise<MailboxChoice> {
    return this.db.transaction().execute(async (trx) => {
      const ids = [...new Set(input.candidates.map((c) => c.mailboxId))].sort();
      for (const id of ids) await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey(id)}, 0))`.execute(trx);
      const { rows } = await sql<{ mailboxId: string }>`select mailbox_id as "mailboxId" from mailbox_sends where email_id = ${input.emailId}`.execute(trx);
      const existing = rows[0];
      if (existing) return { kind: 'send', mailboxId: existing.mailboxId, notBefore: input.now };
      const usage = await this.usage(trx, ids, input.now);
      const candidates: MailboxForSending[] = input.candidates.map((c) => ({ ...c, usage: usage.get(c.mailboxId) as SendUsage }));
      const choice = chooseMailbox(candidates, input.now, input.jitterRoll);
      if (choice.kind === 'send') {
        await sql`
          insert into mailbox_sends (email_id, workspace_id, mailbox_id, reserved_at, not_before)
          values (${input.emailId}, ${input.workspaceId}, ${choice.mailboxId}, ${input.now}, ${choice.notBefore})`.execute(trx);
      }
      return choice;
    });
  }

  /** A provider that creates before it sends (a Graph draft) has given the message an id. */
  async recordProviderId(emailId: string, providerMessageId: string): Promise<void> {
    await sql`update mailbox_sends set provider_message_id = ${providerMessageId} where email_id = ${emailId}`.execute(this.db);
  }

  /** The provider took the message: recorded before EmailSent, so a crash in between never resends it. */
  async recordReceipt(emailId: string, receipt: SentReceipt, sentAt: Date): Promise<void> {
    await sql`
      update mailbox_sends set transport = ${receipt.transport}, provider_message_id = ${receipt.providerMessageId},
        provider_thread_id = ${receipt.threadId ?? null}, message_id_header = ${receipt.messageIdHeader}, sent_at = ${sentAt}
      where email_id = ${emailId}`.execute(this.db);
  }
}
