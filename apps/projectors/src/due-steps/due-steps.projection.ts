import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { upsertRows, utcInstant } from '../shared/projection-helpers';
import { sql } from 'kysely';

type DueStep = { enrollmentId: string; workspaceId: string; campaignId: string; stepIndex: number; dueAt: string };

/**
 * Durable step timers: one row per enrollment whose next step is scheduled. The scheduler
 * claims rows through the public view with `FOR UPDATE SKIP LOCKED`. Every event sets the
 * row's whole state (upsert or delete), so applying the same events again ends the same.
 * `due_step_campaigns` remembers each campaign's workspace (StepScheduled does not carry it).
 */
export const dueStepsProjection = defineProjection<DB>()({
  name: 'due_steps',
  version: 1,
  handles: ['CampaignCreated', 'StepScheduled', 'StepDue', 'EnrollmentCompleted', 'EnrollmentStopped'],
  tables: ['due_steps', 'due_step_campaigns'],
  readsPersonalData: false,

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
    await sql`
      create table ${sql.id(schema, 'due_step_campaigns')} (
        campaign_id uuid primary key,
        workspace_id uuid not null
      )`.execute(db);
  },

  async apply({ db, warn }, events) {
    const campaignIds = new Set<string>();
    const enrollmentIds = new Set<string>();
    for (const event of events) {
      if (event.type === 'StepScheduled') campaignIds.add(event.data.campaignId);
      if (event.type === 'StepDue') enrollmentIds.add(event.data.enrollmentId);
    }
    const workspaceOf = new Map<string, string>();
    if (campaignIds.size) {
      const rows = await db.selectFrom('dueStepCampaigns').selectAll().where('campaignId', 'in', [...campaignIds]).execute();
      for (const r of rows) workspaceOf.set(r.campaignId, r.workspaceId);
    }
    // The step a StepDue fires must still be the one scheduled: load those rows.
    const current = new Map<string, DueStep | null>();
    if (enrollmentIds.size) {
      const rows = await db.selectFrom('dueSteps').selectAll().where('enrollmentId', 'in', [...enrollmentIds]).execute();
      for (const r of rows) current.set(r.enrollmentId, { ...r, dueAt: utcInstant(r.dueAt) });
    }
    const newCampaigns = new Map<string, string>();
    /** Per enrollment touched: its timer after the batch (null: none). */
    const outcome = new Map<string, DueStep | null>();

    for (const event of events) {
      switch (event.type) {
        case 'CampaignCreated': {
          const { campaignId, workspaceId } = event.data;
          if (!workspaceOf.has(campaignId)) newCampaigns.set(campaignId, workspaceId);
          workspaceOf.set(campaignId, workspaceOf.get(campaignId) ?? workspaceId);
          break;
        }
        case 'StepScheduled': {
          const d = event.data;
          const workspaceId = workspaceOf.get(d.campaignId);
          if (!workspaceId) {
            warn('step scheduled in an unknown campaign; no timer kept', { campaignId: d.campaignId, enrollmentId: d.enrollmentId, eventId: event.id });
            break;
          }
          const row = { enrollmentId: d.enrollmentId, workspaceId, campaignId: d.campaignId, stepIndex: d.stepIndex, dueAt: utcInstant(d.dueAt) };
          outcome.set(d.enrollmentId, row);
          current.set(d.enrollmentId, row);
          break;
        }
        case 'StepDue': {
          const { enrollmentId, stepIndex } = event.data;
          if (current.get(enrollmentId)?.stepIndex === stepIndex) {
            outcome.set(enrollmentId, null);
            current.set(enrollmentId, null);
          }
          break;
        }
        case 'EnrollmentCompleted':
        case 'EnrollmentStopped':
          outcome.set(event.data.enrollmentId, null);
          current.set(event.data.enrollmentId, null);
          break;
        default:
          assertNever(event, 'due_steps event');
      }
    }

    if (newCampaigns.size) {
      await db
        .insertInto('dueStepCampaigns')
        .values([...newCampaigns].map(([campaignId, workspaceId]) => ({ campaignId, workspaceId })))
        .onConflict((oc) => oc.column('campaignId').doNothing())
        .execute();
    }
    const gone = [...outcome].filter(([, row]) => row === null).map(([id]) => id);
    if (gone.length) await db.deleteFrom('dueSteps').where('enrollmentId', 'in', gone).execute();
    const kept = [...outcome.values()].filter((row): row is DueStep => row !== null);
    await upsertRows(db, 'dueSteps', kept, ['enrollmentId'], ['stepIndex', 'dueAt']);
  },
});
