import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';

/** Sequences with their steps. */
export const sequencesProjection = defineProjection<DB>()({
  name: 'sequences',
  version: 1,
  handles: ['SequenceCreated'],
  tables: ['sequences'],

  async migrate(db, schema) {
    const sequences = sql.id(schema, 'sequences');
    await sql`
      create table ${sequences} (
        sequence_id uuid primary key,
        workspace_id uuid not null,
        name text not null,
        steps jsonb not null,
        step_count integer not null,
        created_at timestamptz not null
      )`.execute(db);
    await sql`create index on ${sequences} (workspace_id, created_at, sequence_id)`.execute(db);
  },

  async apply() {
    throw new Error('sequences projection: apply is not written yet');
  },
});
