import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';

/** Per campaign and UTC day: enrolled, sent, unique opens and clicks, replies, bounces, unsubscribes. */
export const campaignDailyStatsProjection = defineProjection<DB>()({
  name: 'campaign_daily_stats',
  version: 1,
  handles: ['LeadEnrolled', 'EmailSent', 'EmailFailed', 'EmailOpened', 'LinkClicked', 'ReplyReceived', 'EmailBounced', 'LeadUnsubscribed'],
  tables: ['campaign_daily_stats'],

  async migrate(db, schema) {
    const campaignDailyStats = sql.id(schema, 'campaign_daily_stats');
    await sql`
      create table ${campaignDailyStats} (
        workspace_id uuid not null,
        campaign_id uuid not null,
        day date not null,
        enrolled integer not null default 0,
        emails_sent integer not null default 0,
        leads_contacted integer not null default 0,
        opened integer not null default 0,
        clicked integer not null default 0,
        replied integer not null default 0,
        bounced integer not null default 0,
        unsubscribed integer not null default 0,
        primary key (campaign_id, day)
      )`.execute(db);
    await sql`create index on ${campaignDailyStats} (workspace_id, day)`.execute(db);
  },

  async apply() {
    throw new Error('campaign_daily_stats projection: apply is not written yet');
  },
});
