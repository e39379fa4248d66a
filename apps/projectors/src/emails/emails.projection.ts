import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';

/** One row per email: content, delivery, opens, clicks, reply, bounce. */
export const emailsProjection = defineProjection<DB>()({
  name: 'emails',
  version: 1,
  handles: ['EmailQueued', 'EmailSent', 'EmailFailed', 'EmailOpened', 'LinkClicked', 'ReplyReceived', 'EmailBounced'],
  tables: ['emails'],

  async migrate(db, schema) {
    const emails = sql.id(schema, 'emails');
    await sql`
      create table ${emails} (
        email_id uuid primary key,
        workspace_id uuid not null,
        enrollment_id uuid not null,
        campaign_id uuid not null,
        lead_id uuid not null,
        step_index integer not null,
        variant text not null,
        template_id uuid not null,
        template_revision integer not null,
        to_address text not null,
        subject text not null,
        body_html text not null,
        body_text text not null,
        tracking_id uuid not null,
        links jsonb not null,
        thread_of_email_id uuid,
        status text not null,
        queued_at timestamptz not null,
        sent_at timestamptz,
        failed_at timestamptz,
        failure_reason text,
        transport text,
        provider_message_id text,
        message_id_header text,
        thread_id text,
        open_count integer not null default 0,
        human_open_count integer not null default 0,
        machine_open_count integer not null default 0,
        first_opened_at timestamptz,
        click_count integer not null default 0,
        first_clicked_at timestamptz,
        replied_at timestamptz,
        bounced_at timestamptz,
        bounce_kind text,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${emails} (enrollment_id, step_index)`.execute(db);
    await sql`create index on ${emails} (message_id_header) where message_id_header is not null`.execute(db);
  },

  async apply() {
    throw new Error('emails projection: apply is not written yet');
  },
});
