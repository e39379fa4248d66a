import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { upsertRows, utcInstant } from '../shared/projection-helpers';
import { sql } from 'kysely';

/** Sequences with their steps. */
export const sequencesProjection = defineProjection<DB>()({
  name: 'sequences',
  version: 1,
  handles: ['SequenceCreated'],
  tables: ['sequences'],
  readsPersonalData: false,

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

  async apply({ db }, events) {
    // Sequences never change once created: insert-only, so running twice changes nothing.
    const rows = new Map<string, { sequenceId: string; workspaceId: string; name: string; steps: string; stepCount: number; createdAt: string }>();
    for (const event of events) {
      switch (event.type) {
        case 'SequenceCreated': {
          const d = event.data;
          if (!rows.has(d.sequenceId)) {
            rows.set(d.sequenceId, {
              sequenceId: d.sequenceId,
              workspaceId: d.workspaceId,
              name: d.name,
              steps: JSON.stringify(d.steps),
              stepCount: d.steps.length,
              createdAt: utcInstant(d.createdAt),
            });
          }
          break;
        }
        default:
          assertNever(event.type, 'sequences event');
      }
    }
    await upsertRows(db, 'sequences', [...rows.values()], ['sequenceId'], []);
  },
});
