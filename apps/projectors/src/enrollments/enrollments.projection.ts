import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';

/** One lead in one campaign: status, current step, next due time. */
export const enrollmentsProjection = defineProjection<DB>()({
  name: 'enrollments',
  version: 1,
  handles: ['LeadEnrolled', 'StepScheduled', 'StepDue', 'StepSkipped', 'EmailQueued', 'EmailSent', 'EmailFailed', 'EmailOpened', 'LinkClicked', 'ReplyReceived', 'EmailBounced', 'EnrollmentCompleted', 'EnrollmentStopped', 'LeadUnsubscribed'],
  tables: ['enrollments'],

  async migrate(db, schema) {
    const enrollments = sql.id(schema, 'enrollments');
    await sql`
      create table ${enrollments} (
        enrollment_id uuid primary key,
        workspace_id uuid not null,
        campaign_id uuid not null,
        lead_id uuid not null,
        sequence_id uuid not null,
        step_count integer not null,
        status text not null,
        stop_reason text,
        current_step integer,
        next_due_at timestamptz,
        emails_sent integer not null default 0,
        enrolled_at timestamptz not null,
        first_sent_at timestamptz,
        first_opened_at timestamptz,
        first_clicked_at timestamptz,
        replied_at timestamptz,
        bounced_at timestamptz,
        unsubscribed_at timestamptz,
        finished_at timestamptz,
        last_position numeric(40, 0) not null default 0,
        unique (campaign_id, lead_id)
      )`.execute(db);
    await sql`create index on ${enrollments} (lead_id)`.execute(db);
    await sql`create index on ${enrollments} (campaign_id, status)`.execute(db);
  },

  async apply() {
    throw new Error('enrollments projection: apply is not written yet');
  },
});
