import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';

/** Campaigns with their lifecycle and counters. */
export const campaignsProjection = defineProjection<DB>()({
  name: 'campaigns',
  version: 1,
  handles: ['CampaignCreated', 'CampaignLaunched', 'CampaignPaused', 'CampaignResumed', 'CampaignCompleted', 'CampaignArchived', 'LeadEnrolled', 'EmailSent', 'EmailFailed', 'EmailOpened', 'LinkClicked', 'ReplyReceived', 'EmailBounced', 'EnrollmentCompleted', 'EnrollmentStopped', 'LeadUnsubscribed'],
  tables: ['campaigns'],

  async migrate(db, schema) {
    const campaigns = sql.id(schema, 'campaigns');
    await sql`
      create table ${campaigns} (
        campaign_id uuid primary key,
        workspace_id uuid not null,
        name text not null,
        sequence_id uuid not null,
        status text not null,
        stop_on_reply boolean not null,
        created_at timestamptz not null,
        launched_at timestamptz,
        paused_at timestamptz,
        completed_at timestamptz,
        archived_at timestamptz,
        enrolled integer not null default 0,
        active integer not null default 0,
        completed integer not null default 0,
        stopped integer not null default 0,
        emails_sent integer not null default 0,
        leads_contacted integer not null default 0,
        opened integer not null default 0,
        clicked integer not null default 0,
        replied integer not null default 0,
        bounced integer not null default 0,
        unsubscribed integer not null default 0,
        failed integer not null default 0,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${campaigns} (workspace_id, created_at, campaign_id)`.execute(db);
  },

  async apply() {
    throw new Error('campaigns projection: apply is not written yet');
  },
});
