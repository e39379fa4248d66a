import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { inChunks, isAfter, upsertRows, utcInstant } from '../shared/projection-helpers';
import { sql } from 'kysely';

type Reason = 'UNSUBSCRIBED' | 'HARD_BOUNCE' | 'COMPLAINT' | 'MANUAL';
/** A lead's address and whether (why) it opted out or was suppressed: what a new address inherits. */
type LeadRow = { leadId: string; workspaceId: string; emailHash: string; reason: Reason | null; lastPosition: string };
type SuppressionRow = { workspaceId: string; emailHash: string; reason: Reason; leadId: string | null; suppressedAt: string; lastPosition: string };
const leadColumns = ['emailHash', 'reason', 'lastPosition'] as const satisfies readonly (keyof LeadRow)[];
const suppressionColumns = ['reason', 'leadId', 'suppressedAt', 'lastPosition'] as const satisfies readonly (keyof SuppressionRow)[];

/** Unsubscribed outranks the others: it is the person's own wish, never overwritten by a bounce. */
const rank: Record<Reason, number> = { UNSUBSCRIBED: 3, COMPLAINT: 2, HARD_BOUNCE: 1, MANUAL: 0 };

/**
 * The workspace's suppression list, keyed by the keyed hash of the address: everyone who
 * unsubscribed (link, one-click, by hand), hard-bounced or complained. Delivery checks it again
 * right before sending, so an address that opted out is never emailed, whichever lead record or
 * campaign the email came from. Erasing a lead keeps its hash on the list (honouring an opt-out
 * needs nothing else) and forgets which lead it was.
 */
export const suppressionsProjection = defineProjection<DB>()({
  name: 'suppressions',
  version: 1,
  handles: ['LeadCreated', 'LeadUpdated', 'LeadSuppressed', 'LeadUnsubscribed', 'LeadErased'],
  tables: ['suppressions', 'suppression_leads'],
  // Only the keyed hash of the address, which is not sealed.
  readsPersonalData: false,

  async migrate(db, schema) {
    const suppressions = sql.id(schema, 'suppressions');
    await sql`
      create table ${suppressions} (
        workspace_id uuid not null,
        email_hash text not null,
        reason text not null,
        lead_id uuid,
        suppressed_at timestamptz not null,
        last_position numeric(40, 0) not null default 0,
        primary key (workspace_id, email_hash)
      )`.execute(db);
    await sql`create index on ${suppressions} (lead_id)`.execute(db);
    const leads = sql.id(schema, 'suppression_leads');
    await sql`
      create table ${leads} (
        lead_id uuid primary key,
        workspace_id uuid not null,
        email_hash text not null,
        reason text,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const leadIds = [...new Set(events.map((e) => e.data.leadId))];
    const leads = new Map<string, LeadRow>();
    for (const r of await db.selectFrom('suppressionLeads').selectAll().where('leadId', 'in', leadIds).execute()) {
      leads.set(r.leadId, { ...r, reason: r.reason as Reason | null });
    }
    const suppressions = new Map<string, SuppressionRow>();
    const keyOf = (workspaceId: string, emailHash: string) => `${workspaceId}:${emailHash}`;
    const load = async (pairs: { workspaceId: string; emailHash: string }[]) => {
      const missing = pairs.filter((p) => !suppressions.has(keyOf(p.workspaceId, p.emailHash)));
      if (!missing.length) return;
      const rows = await db
        .selectFrom('suppressions')
        .selectAll()
        .where((eb) => eb.or(missing.map((p) => eb.and([eb('workspaceId', '=', p.workspaceId), eb('emailHash', '=', p.emailHash)]))))
        .execute();
      for (const r of rows) suppressions.set(keyOf(r.workspaceId, r.emailHash), { ...r, reason: r.reason as Reason, suppressedAt: utcInstant(r.suppressedAt) });
    };
    const hashes: { workspaceId: string; emailHash: string }[] = [...leads.values()].map((l) => ({ workspaceId: l.workspaceId, emailHash: l.emailHash }));
    for (const event of events) {
      if (event.type === 'LeadCreated' || (event.type === 'LeadUpdated' && event.data.emailHash)) {
        hashes.push({ workspaceId: event.metadata.tenantId, emailHash: event.data.emailHash as string });
      }
    }
    for (const chunk of inChunks(hashes, 200)) await load(chunk);
    // Suppressions whose lead is erased in this batch, by lead id (their hash row may be gone).
    const erased = events.filter((e) => e.type === 'LeadErased').map((e) => e.data.leadId);
    if (erased.length) {
      for (const r of await db.selectFrom('suppressions').selectAll().where('leadId', 'in', erased).execute()) {
        suppressions.set(keyOf(r.workspaceId, r.emailHash), { ...r, reason: r.reason as Reason, suppressedAt: utcInstant(r.suppressedAt) });
      }
    }

    const changedLeads = new Set<string>();
    const changedSuppressions = new Set<string>();
    const deletedLeads = new Set<string>();
    const suppress = (lead: LeadRow, reason: Reason, at: string, key: string) => {
      const id = keyOf(lead.workspaceId, lead.emailHash);
      const existing = suppressions.get(id);
      if (existing && !isAfter(key, existing.lastPosition)) return;
      if (existing && rank[existing.reason] > rank[reason]) {
        existing.lastPosition = key;
        changedSuppressions.add(id);
        return;
      }
      suppressions.set(id, { workspaceId: lead.workspaceId, emailHash: lead.emailHash, reason, leadId: lead.leadId, suppressedAt: existing?.suppressedAt ?? at, lastPosition: key });
      changedSuppressions.add(id);
    };
    const fresh = (event: (typeof events)[number]): LeadRow | null => {
      const row = leads.get(event.data.leadId);
      if (!row) {
        if (!deletedLeads.has(event.data.leadId)) warn('event for an unknown lead; ignored', { leadId: event.data.leadId, eventId: event.id, type: event.type });
        return null;
      }
      const key = orderKey(event);
      if (!isAfter(key, row.lastPosition)) return null;
      row.lastPosition = key;
      changedLeads.add(row.leadId);
      return row;
    };

    for (const event of events) {
      switch (event.type) {
        case 'LeadCreated': {
          const d = event.data;
          if (leads.has(d.leadId) || deletedLeads.has(d.leadId)) break;
          leads.set(d.leadId, { leadId: d.leadId, workspaceId: d.workspaceId, emailHash: d.emailHash, reason: null, lastPosition: orderKey(event) });
          changedLeads.add(d.leadId);
          break;
        }
        case 'LeadUpdated': {
          const row = fresh(event);
          if (!row || !event.data.emailHash || event.data.emailHash === row.emailHash) break;
          row.emailHash = event.data.emailHash;
          // The person opted out: their new address is theirs too.
          if (row.reason) suppress(row, row.reason, utcInstant(event.data.updatedAt), orderKey(event));
          break;
        }
        case 'LeadSuppressed': {
          const row = fresh(event);
          if (!row) break;
          if (row.reason !== 'UNSUBSCRIBED') row.reason = event.data.reason;
          suppress(row, event.data.reason, utcInstant(event.data.suppressedAt), orderKey(event));
          break;
        }
        case 'LeadUnsubscribed': {
          const row = fresh(event);
          if (!row) break;
          row.reason = 'UNSUBSCRIBED';
          suppress(row, 'UNSUBSCRIBED', utcInstant(event.data.unsubscribedAt), orderKey(event));
          break;
        }
        case 'LeadErased': {
          const leadId = event.data.leadId;
          const key = orderKey(event);
          for (const [id, s] of suppressions) {
            if (s.leadId !== leadId) continue;
            s.leadId = null;
            if (isAfter(key, s.lastPosition)) s.lastPosition = key;
            changedSuppressions.add(id);
          }
          leads.delete(leadId);
          changedLeads.delete(leadId);
          deletedLeads.add(leadId);
          break;
        }
        default:
          assertNever(event, 'suppressions event');
      }
    }

    if (deletedLeads.size) await db.deleteFrom('suppressionLeads').where('leadId', 'in', [...deletedLeads]).execute();
    const leadRows = [...changedLeads].map((id) => leads.get(id) as LeadRow);
    await upsertRows(db, 'suppressionLeads', leadRows, ['leadId'], leadColumns);
    const suppressionRows = [...changedSuppressions].map((id) => suppressions.get(id) as SuppressionRow);
    await upsertRows(db, 'suppressions', suppressionRows, ['workspaceId', 'emailHash'], suppressionColumns);
  },
});
