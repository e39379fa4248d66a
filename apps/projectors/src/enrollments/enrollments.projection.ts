import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { isAfter, upsertRows, utcInstant, utcInstantOrNull } from '../shared/projection-helpers';
import { sql } from 'kysely';

type EnrollmentStatus = 'waiting' | 'active' | 'completed' | 'stopped';
type EnrollmentRow = {
  enrollmentId: string;
  workspaceId: string;
  campaignId: string;
  leadId: string;
  sequenceId: string;
  stepCount: number;
  status: EnrollmentStatus;
  stopReason: string | null;
  currentStep: number | null;
  nextDueAt: string | null;
  emailsSent: number;
  enrolledAt: string;
  firstSentAt: string | null;
  firstOpenedAt: string | null;
  firstClickedAt: string | null;
  repliedAt: string | null;
  bouncedAt: string | null;
  unsubscribedAt: string | null;
  finishedAt: string | null;
  lastPosition: string;
};
const mutableColumns = [
  'status',
  'stopReason',
  'currentStep',
  'nextDueAt',
  'emailsSent',
  'firstSentAt',
  'firstOpenedAt',
  'firstClickedAt',
  'repliedAt',
  'bouncedAt',
  'unsubscribedAt',
  'finishedAt',
  'lastPosition',
] as const satisfies readonly (keyof EnrollmentRow)[];

/**
 * One lead in one campaign: status, the step in progress and when it is due, and the firsts
 * of its story. "Opened" counts a person: a machine open does not, a click or a human reply
 * does (they imply the email was read), exactly as the decider's conditions see it.
 */
export const enrollmentsProjection = defineProjection<DB>()({
  name: 'enrollments',
  // v2: no unique (campaign_id, lead_id): an occasion campaign enrols a lead once per date and year.
  version: 2,
  handles: [
    'LeadEnrolled',
    'StepScheduled',
    'StepDue',
    'EmailQueued',
    'EmailSent',
    'EmailOpened',
    'LinkClicked',
    'ReplyReceived',
    'EmailBounced',
    'EnrollmentCompleted',
    'EnrollmentStopped',
    'LeadUnsubscribed',
  ],
  tables: ['enrollments'],
  readsPersonalData: false,

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
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${enrollments} (lead_id)`.execute(db);
    await sql`create index on ${enrollments} (campaign_id, lead_id)`.execute(db);
    await sql`create index on ${enrollments} (campaign_id, status)`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const enrollmentIds = new Set<string>();
    const unsubscribedLeads = new Set<string>();
    for (const event of events) {
      if (event.type === 'LeadUnsubscribed') unsubscribedLeads.add(event.data.leadId);
      else enrollmentIds.add(event.data.enrollmentId);
    }
    const rows = await db
      .selectFrom('enrollments')
      .selectAll()
      .where((eb) =>
        eb.or([...(enrollmentIds.size ? [eb('enrollmentId', 'in', [...enrollmentIds])] : []), ...(unsubscribedLeads.size ? [eb('leadId', 'in', [...unsubscribedLeads])] : [])]),
      )
      .execute();
    const enrollments = new Map<string, EnrollmentRow>();
    const ofLead = new Map<string, Set<string>>();
    const remember = (row: EnrollmentRow) => {
      enrollments.set(row.enrollmentId, row);
      const set = ofLead.get(row.leadId) ?? new Set<string>();
      set.add(row.enrollmentId);
      ofLead.set(row.leadId, set);
    };
    for (const r of rows) {
      remember({
        ...r,
        status: r.status as EnrollmentStatus,
        nextDueAt: utcInstantOrNull(r.nextDueAt),
        enrolledAt: utcInstant(r.enrolledAt),
        firstSentAt: utcInstantOrNull(r.firstSentAt),
        firstOpenedAt: utcInstantOrNull(r.firstOpenedAt),
        firstClickedAt: utcInstantOrNull(r.firstClickedAt),
        repliedAt: utcInstantOrNull(r.repliedAt),
        bouncedAt: utcInstantOrNull(r.bouncedAt),
        unsubscribedAt: utcInstantOrNull(r.unsubscribedAt),
        finishedAt: utcInstantOrNull(r.finishedAt),
      });
    }
    const changed = new Set<string>();
    const take = (row: EnrollmentRow, key: string): boolean => {
      if (!isAfter(key, row.lastPosition)) return false;
      row.lastPosition = key;
      changed.add(row.enrollmentId);
      return true;
    };
    /** The enrollment row, if this event is new to it. */
    const fresh = (enrollmentId: string, event: (typeof events)[number]): EnrollmentRow | null => {
      const row = enrollments.get(enrollmentId);
      if (!row) {
        warn('event for an unknown enrollment; ignored', { enrollmentId, eventId: event.id, type: event.type });
        return null;
      }
      return take(row, orderKey(event)) ? row : null;
    };
    const finish = (row: EnrollmentRow, status: 'completed' | 'stopped', at: string, stopReason: string | null) => {
      Object.assign(row, { status, stopReason, finishedAt: at, currentStep: null, nextDueAt: null });
    };

    for (const event of events) {
      switch (event.type) {
        case 'LeadEnrolled': {
          const d = event.data;
          const existing = enrollments.get(d.enrollmentId);
          if (existing) {
            if (isAfter(orderKey(event), existing.lastPosition)) warn('lead enrolled twice in one enrollment; the first stands', { enrollmentId: d.enrollmentId, eventId: event.id });
            break;
          }
          remember({
            enrollmentId: d.enrollmentId,
            workspaceId: d.workspaceId,
            campaignId: d.campaignId,
            leadId: d.leadId,
            sequenceId: d.sequenceId,
            stepCount: d.stepCount,
            status: 'waiting',
            stopReason: null,
            currentStep: null,
            nextDueAt: null,
            emailsSent: 0,
            enrolledAt: utcInstant(d.enrolledAt),
            firstSentAt: null,
            firstOpenedAt: null,
            firstClickedAt: null,
            repliedAt: null,
            bouncedAt: null,
            unsubscribedAt: null,
            finishedAt: null,
            lastPosition: orderKey(event),
          });
          changed.add(d.enrollmentId);
          break;
        }
        case 'StepScheduled': {
          const row = fresh(event.data.enrollmentId, event);
          if (!row) break;
          if (row.status === 'completed' || row.status === 'stopped') {
            warn('step scheduled for a finished enrollment; ignored', { enrollmentId: row.enrollmentId, eventId: event.id });
            break;
          }
          Object.assign(row, { status: 'active', currentStep: event.data.stepIndex, nextDueAt: utcInstant(event.data.dueAt) });
          break;
        }
        case 'StepDue': {
          // Fired: no longer waiting for a due time; what follows (queued, skipped) says what next.
          const row = fresh(event.data.enrollmentId, event);
          if (row && row.currentStep === event.data.stepIndex) row.nextDueAt = null;
          break;
        }
        case 'EmailQueued': {
          const row = fresh(event.data.enrollmentId, event);
          if (row && (row.status === 'waiting' || row.status === 'active')) Object.assign(row, { currentStep: event.data.stepIndex, nextDueAt: null });
          break;
        }
        case 'EmailSent': {
          const row = fresh(event.data.enrollmentId, event);
          if (!row) break;
          row.emailsSent += 1;
          row.firstSentAt ??= utcInstant(event.data.sentAt);
          break;
        }
        case 'EmailOpened': {
          const row = fresh(event.data.enrollmentId, event);
          if (row && !event.data.machine) row.firstOpenedAt ??= utcInstant(event.data.openedAt);
          break;
        }
        case 'LinkClicked': {
          const row = fresh(event.data.enrollmentId, event);
          if (!row) break;
          const at = utcInstant(event.data.clickedAt);
          row.firstClickedAt ??= at;
          row.firstOpenedAt ??= at;
          break;
        }
        case 'ReplyReceived': {
          const row = fresh(event.data.enrollmentId, event);
          if (!row || event.data.kind !== 'HUMAN') break;
          const at = utcInstant(event.data.receivedAt);
          row.repliedAt ??= at;
          row.firstOpenedAt ??= at;
          break;
        }
        case 'EmailBounced': {
          const row = fresh(event.data.enrollmentId, event);
          if (row) row.bouncedAt ??= utcInstant(event.data.bouncedAt);
          break;
        }
        case 'EnrollmentCompleted': {
          const row = fresh(event.data.enrollmentId, event);
          if (row) finish(row, 'completed', utcInstant(event.data.completedAt), null);
          break;
        }
        case 'EnrollmentStopped': {
          const row = fresh(event.data.enrollmentId, event);
          if (row) finish(row, 'stopped', utcInstant(event.data.stoppedAt), event.data.reason);
          break;
        }
        case 'LeadUnsubscribed': {
          // The lead unsubscribed from everything: every enrollment it has so far shows it.
          const at = utcInstant(event.data.unsubscribedAt);
          const key = orderKey(event);
          for (const id of ofLead.get(event.data.leadId) ?? []) {
            const row = enrollments.get(id) as EnrollmentRow;
            if (take(row, key)) row.unsubscribedAt ??= at;
          }
          break;
        }
        default:
          assertNever(event, 'enrollments event');
      }
    }

    const out = [...changed].map((id) => enrollments.get(id) as EnrollmentRow);
    await upsertRows(db, 'enrollments', out, ['enrollmentId'], mutableColumns);
  },
});
