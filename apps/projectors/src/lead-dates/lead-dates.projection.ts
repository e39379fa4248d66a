import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { ERASED } from '@app/events';
import { defineProjection } from '@app/projections';
import { isAfter, upsertRows, utcInstant } from '../shared/projection-helpers';
import { sql } from 'kysely';

type DateRow = {
  leadId: string;
  dateId: string;
  workspaceId: string;
  kind: string;
  label: string | null;
  month: number;
  day: number;
  year: number | null;
  recurrence: string;
  setAt: string;
  lastPosition: string;
};
const columns = ['kind', 'label', 'month', 'day', 'year', 'recurrence', 'setAt', 'lastPosition'] as const satisfies readonly (keyof DateRow)[];

/** `YYYY-MM-DD` or `--MM-DD` into its parts; null for anything else (an erased date reads `[erased]`). */
export function dateParts(date: string): { year: number | null; month: number; day: number } | null {
  const match = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year: match[1] === '-' ? null : Number(match[1]), month, day };
}

/**
 * The leads' important dates (birthdays, work anniversaries, custom dates), by month and day:
 * the occasion job finds the dates coming up and enrols them. Dates are personal data: a lead's
 * rows go when it is erased (LeadErased), and a rebuild after erasure reads the sealed dates as
 * erased and leaves them out.
 */
export const leadDatesProjection = defineProjection<DB>()({
  name: 'lead_dates',
  version: 1,
  handles: ['LeadImportantDateSet', 'LeadImportantDateRemoved', 'LeadErased'],
  tables: ['lead_dates'],
  readsPersonalData: ['LeadImportantDateSet'],

  async migrate(db, schema) {
    const dates = sql.id(schema, 'lead_dates');
    await sql`
      create table ${dates} (
        lead_id uuid not null,
        date_id uuid not null,
        workspace_id uuid not null,
        kind text not null,
        label text,
        month integer not null,
        day integer not null,
        year integer,
        recurrence text not null,
        set_at timestamptz not null,
        last_position numeric(40, 0) not null default 0,
        primary key (lead_id, date_id)
      )`.execute(db);
    await sql`create index on ${dates} (workspace_id, kind, month, day)`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const leadIds = [...new Set(events.map((e) => e.data.leadId))];
    const rows = new Map<string, DateRow>();
    const keyOf = (leadId: string, dateId: string) => `${leadId}:${dateId}`;
    for (const r of await db.selectFrom('leadDates').selectAll().where('leadId', 'in', leadIds).execute()) {
      rows.set(keyOf(r.leadId, r.dateId), { ...r, setAt: utcInstant(r.setAt) });
    }
    const changed = new Set<string>();
    const removed = new Set<string>();
    const erasedLeads = new Set<string>();

    for (const event of events) {
      switch (event.type) {
        case 'LeadImportantDateSet': {
          const d = event.data;
          if (erasedLeads.has(d.leadId) || event.personalDataErased) break;
          const parts = dateParts(d.date);
          if (!parts) {
            warn('important date that is not a date; ignored', { leadId: d.leadId, dateId: d.dateId, eventId: event.id });
            break;
          }
          const key = keyOf(d.leadId, d.dateId);
          const existing = rows.get(key);
          if (existing && !isAfter(orderKey(event), existing.lastPosition)) break;
          rows.set(key, {
            leadId: d.leadId,
            dateId: d.dateId,
            workspaceId: event.metadata.tenantId,
            kind: d.kind,
            label: d.label && d.label !== ERASED ? d.label : null,
            ...parts,
            recurrence: d.recurrence,
            setAt: utcInstant(d.setAt),
            lastPosition: orderKey(event),
          });
          removed.delete(key);
          changed.add(key);
          break;
        }
        case 'LeadImportantDateRemoved': {
          const key = keyOf(event.data.leadId, event.data.dateId);
          const existing = rows.get(key);
          // Removing is final for this date id; a later Set with the same id adds it again.
          if (existing && !isAfter(orderKey(event), existing.lastPosition)) break;
          rows.delete(key);
          changed.delete(key);
          removed.add(key);
          break;
        }
        case 'LeadErased': {
          const leadId = event.data.leadId;
          erasedLeads.add(leadId);
          for (const key of [...rows.keys()]) {
            if (!key.startsWith(`${leadId}:`)) continue;
            rows.delete(key);
            changed.delete(key);
            removed.add(key);
          }
          break;
        }
        default:
          assertNever(event, 'lead dates event');
      }
    }

    if (erasedLeads.size) await db.deleteFrom('leadDates').where('leadId', 'in', [...erasedLeads]).execute();
    for (const key of removed) {
      const [leadId, dateId] = key.split(':') as [string, string];
      await db.deleteFrom('leadDates').where('leadId', '=', leadId).where('dateId', '=', dateId).execute();
    }
    const out = [...changed].map((key) => rows.get(key) as DateRow);
    await upsertRows(db, 'leadDates', out, ['leadId', 'dateId'], columns);
  },
});
