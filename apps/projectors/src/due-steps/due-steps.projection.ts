import { DB } from '@app/read-store';
import { defineProjection } from '@app/projections';
import { sql } from 'kysely';

/** Durable step timers: one row per enrollment whose next step is scheduled. */
export const dueStepsProjection = defineProjection<DB>()({
  name: 'due_steps',
  version: 1,
  handles: ['StepScheduled', 'StepDue', 'EnrollmentCompleted', 'EnrollmentStopped'],
  tables: ['due_steps'],

  async migrate(db, schema) {
    const dueSteps = sql.id(schema, 'due_steps');
    await sql`
      create table ${dueSteps} (
        enrollment_id uuid primary key,
        workspace_id uuid not null,
        campaign_id uuid not null,
        step_index integer not null,
        due_at timestamptz not null
      )`.execute(db);
    await sql`create index on ${dueSteps} (due_at)`.execute(db);
  },

  async apply() {
    throw new Error('due_steps projection: apply is not written yet');
  },
});
