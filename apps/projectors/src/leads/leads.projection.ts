import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { ERASED } from '@app/events';
import { defineProjection } from '@app/projections';
import { isAfter, upsertRows, utcInstant, utcInstantOrNull } from '../shared/projection-helpers';
import { sql } from 'kysely';

type LeadStatus = 'contactable' | 'suppressed' | 'unsubscribed' | 'erased';
type LeadRow = {
  leadId: string;
  workspaceId: string;
  email: string;
  emailHash: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  title: string | null;
  timezone: string | null;
  customFields: string;
  status: LeadStatus;
  suppressionReason: string | null;
  unsubscribedAt: string | null;
  source: string;
  createdAt: string;
  updatedAt: string;
  lastPosition: string;
};
const mutableColumns = [
  'email',
  'emailHash',
  'firstName',
  'lastName',
  'company',
  'title',
  'timezone',
  'customFields',
  'status',
  'suppressionReason',
  'unsubscribedAt',
  'updatedAt',
  'lastPosition',
] as const satisfies readonly (keyof LeadRow)[];
const optionalFields = ['firstName', 'lastName', 'company', 'title', 'timezone'] as const;

/**
 * Leads with their status. Erasure (LeadErased) empties every personal column for good: the
 * row keeps its id, workspace, email hash (the suppression list honours an opt-out by it) and
 * dates, so counters elsewhere still add up. The values are fixed rather than read from the
 * events, so the live row and a rebuild after erasure (which reads the sealed fields as
 * "[erased]") end the same.
 */
export const leadsProjection = defineProjection<DB>()({
  name: 'leads',
  // v2: LeadErased purges the personal columns (v1 kept them).
  version: 2,
  handles: ['LeadCreated', 'LeadUpdated', 'LeadSuppressed', 'LeadUnsubscribed', 'LeadErased'],
  tables: ['leads'],
  readsPersonalData: ['LeadCreated', 'LeadUpdated'],

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
        updated_at timestamptz not null,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${leads} (workspace_id, created_at, lead_id)`.execute(db);
    await sql`create index on ${leads} (workspace_id, email_hash)`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const ids = [...new Set(events.map((e) => e.data.leadId))];
    const leads = new Map<string, LeadRow>();
    for (const r of await db.selectFrom('leads').selectAll().where('leadId', 'in', ids).execute()) {
      leads.set(r.leadId, {
        ...r,
        customFields: JSON.stringify(r.customFields),
        status: r.status as LeadStatus,
        unsubscribedAt: utcInstantOrNull(r.unsubscribedAt),
        createdAt: utcInstant(r.createdAt),
        updatedAt: utcInstant(r.updatedAt),
      });
    }
    const changed = new Set<string>();
    /** The lead row, if this event is new to it. */
    const fresh = (event: (typeof events)[number]): LeadRow | null => {
      const row = leads.get(event.data.leadId);
      if (!row) {
        warn('event for an unknown lead; ignored', { leadId: event.data.leadId, eventId: event.id, type: event.type });
        return null;
      }
      const key = orderKey(event);
      if (!isAfter(key, row.lastPosition)) return null;
      row.lastPosition = key;
      changed.add(row.leadId);
      return row;
    };

    for (const event of events) {
      switch (event.type) {
        case 'LeadCreated': {
          const d = event.data;
          const existing = leads.get(d.leadId);
          if (existing) {
            if (isAfter(orderKey(event), existing.lastPosition)) warn('lead created twice; the first creation stands', { leadId: d.leadId, eventId: event.id });
            break;
          }
          leads.set(d.leadId, {
            leadId: d.leadId,
            workspaceId: d.workspaceId,
            email: d.email,
            emailHash: d.emailHash,
            firstName: d.firstName ?? null,
            lastName: d.lastName ?? null,
            company: d.company ?? null,
            title: d.title ?? null,
            timezone: d.timezone ?? null,
            customFields: JSON.stringify(d.customFields),
            status: 'contactable',
            suppressionReason: null,
            unsubscribedAt: null,
            source: d.source,
            createdAt: utcInstant(d.createdAt),
            updatedAt: utcInstant(d.createdAt),
            lastPosition: orderKey(event),
          });
          changed.add(d.leadId);
          break;
        }
        case 'LeadUpdated': {
          // Only the fields present changed; null clears an optional field.
          const row = fresh(event);
          if (!row || row.status === 'erased') break;
          const d = event.data;
          if (d.email !== undefined) row.email = d.email;
          if (d.emailHash !== undefined) row.emailHash = d.emailHash;
          for (const field of optionalFields) {
            const value = d[field];
            if (value !== undefined) row[field] = value;
          }
          if (d.customFields !== undefined) row.customFields = JSON.stringify(d.customFields);
          row.updatedAt = utcInstant(d.updatedAt);
          break;
        }
        case 'LeadSuppressed': {
          // Unsubscribed outranks suppressed (the lead's own wish); the reason is kept either way.
          const row = fresh(event);
          if (!row || row.status === 'erased') break;
          if (row.status !== 'unsubscribed') row.status = 'suppressed';
          row.suppressionReason = event.data.reason;
          row.updatedAt = utcInstant(event.data.suppressedAt);
          break;
        }
        case 'LeadUnsubscribed': {
          const row = fresh(event);
          if (!row || row.status === 'erased') break;
          row.status = 'unsubscribed';
          row.unsubscribedAt ??= utcInstant(event.data.unsubscribedAt);
          row.updatedAt = utcInstant(event.data.unsubscribedAt);
          break;
        }
        case 'LeadErased': {
          const row = fresh(event);
          if (!row) break;
          Object.assign(row, { email: ERASED, firstName: null, lastName: null, company: null, title: null, customFields: '{}', status: 'erased' });
          row.updatedAt = utcInstant(event.data.erasedAt);
          break;
        }
        default:
          assertNever(event, 'leads event');
      }
    }

    const rows = [...changed].map((id) => leads.get(id) as LeadRow);
    await upsertRows(db, 'leads', rows, ['leadId'], mutableColumns);
  },
});
