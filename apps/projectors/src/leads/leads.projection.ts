import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';

/** Leads with their status. */
export const leadsProjection = defineProjection<DB>()({
  name: 'leads',
  version: 1,
  handles: ['LeadCreated', 'LeadUpdated', 'LeadSuppressed', 'LeadUnsubscribed'],
  tables: ['leads'],

  async migrate(db, schema) {
    const leads = sql.id(schema, 'leads');
    await sql`
      create table ${leads} (
        lead_id uuid primary key,
        workspace_id uuid not null,
        email text not null,
        email_hash text not null,
        first_name text,
        last_name text,
        company text,
        title text,
        timezone text,
        custom_fields jsonb not null,
        status text not null,
        suppression_reason text,
        unsubscribed_at timestamptz,
        source text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
    await sql`create index on ${leads} (workspace_id, created_at, lead_id)`.execute(db);
    await sql`create index on ${leads} (workspace_id, email_hash)`.execute(db);
  },

  async apply() {
    throw new Error('leads projection: apply is not written yet');
  },
});
