import { Kysely, sql } from 'kysely';

/**
 * What sending from real mailboxes needs besides the log:
 * - `mailbox_credentials`: refresh tokens, cached access tokens and SMTP passwords, sealed with
 *   AES-256-GCM (never in events; the log records only the connection's facts);
 * - `mailbox_sends`: one row per email handed to a mailbox: the reservation that counts it
 *   against the mailbox's limits (shared by every scheduler process), then the provider's
 *   receipt, so a send interrupted after the provider call is recognised, never repeated;
 * - `mailbox_inbox_cursors`: how far each mailbox's inbox has been read for replies and bounces.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table mailbox_credentials (
      mailbox_id uuid primary key,
      workspace_id uuid not null,
      provider text not null,
      sealed bytea not null,
      access_expires_at timestamptz,
      refreshed_at timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table mailbox_sends (
      email_id uuid primary key,
      workspace_id uuid not null,
      mailbox_id uuid not null,
      reserved_at timestamptz not null,
      not_before timestamptz not null,
      transport text,
      provider_message_id text,
      provider_thread_id text,
      message_id_header text,
      sent_at timestamptz
    )`.execute(db);
  await sql`create index mailbox_sends_mailbox on mailbox_sends (mailbox_id, reserved_at)`.execute(db);
  await sql`
    create table mailbox_inbox_cursors (
      mailbox_id uuid primary key,
      workspace_id uuid not null,
      provider text not null,
      cursor text,
      next_poll_at timestamptz not null default now(),
      leased_until timestamptz,
      last_polled_at timestamptz,
      last_error text,
      failures integer not null default 0
    )`.execute(db);
}
