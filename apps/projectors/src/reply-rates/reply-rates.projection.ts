import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { defineProjection } from '@app/projections';
import { DateTime, IANAZone } from 'luxon';
import { sql } from 'kysely';
import { isAfter } from '../shared/projection-helpers';

type LeadZone = { leadId: string; timezone: string | null; lastPosition: string };
type SentEmail = { emailId: string; workspaceId: string; campaignId: string; weekday: number; hour: number; replied: boolean };
type Slot = { workspaceId: string; campaignId: string; weekday: number; hour: number; sent: number; replied: number };

/**
 * Whether each zone name seen is a known IANA zone. Luxon answers by building an
 * Intl.DateTimeFormat every time (most of a replay's time in this projection); the answer for
 * a name does not change within a process.
 */
const knownZones = new Map<string, boolean>();
function isKnownZone(zone: string): boolean {
  let known = knownZones.get(zone);
  if (known === undefined) {
    known = IANAZone.isValidZone(zone);
    knownZones.set(zone, known);
  }
  return known;
}

/** Weekday (1 = Monday ... 7 = Sunday) and hour of `instant` in `zone` (an unknown zone reads as UTC). */
export function sendSlot(instant: string, zone: string | null): { weekday: number; hour: number; zoneUsed: string } {
  const zoneUsed = zone && isKnownZone(zone) ? zone : 'UTC';
  const local = DateTime.fromISO(instant, { zone: zoneUsed });
  return { weekday: local.weekday, hour: local.hour, zoneUsed };
}

/**
 * For analysts (no screen needs it): how often people reply, by the weekday and hour an email
 * was sent in the lead's own time zone (from LeadCreated / LeadUpdated; UTC when the lead has
 * none). A send counts once per email (EmailSent), a reply once per email and only when a
 * person wrote it (ReplyReceived HUMAN); a reply is credited to the slot its email was sent in.
 * `reply_rate_emails` remembers each sent email's slot and whether it was answered, which
 * makes applying the same events twice harmless; `reply_rate_leads` keeps each lead's zone.
 */
export const replyRatesProjection = defineProjection<DB>()({
  name: 'reply_rates',
  version: 1,
  handles: ['LeadCreated', 'LeadUpdated', 'EmailSent', 'ReplyReceived'],
  tables: ['reply_rates_by_send_time', 'reply_rate_emails', 'reply_rate_leads'],
  readsPersonalData: false,

  async migrate(db, schema) {
    await sql`
      create table ${sql.id(schema, 'reply_rates_by_send_time')} (
        workspace_id uuid not null,
        campaign_id uuid not null,
        weekday smallint not null,
        hour smallint not null,
        sent integer not null default 0,
        replied integer not null default 0,
        primary key (campaign_id, weekday, hour)
      )`.execute(db);
    await sql`create index on ${sql.id(schema, 'reply_rates_by_send_time')} (workspace_id)`.execute(db);
    await sql`
      create table ${sql.id(schema, 'reply_rate_emails')} (
        email_id uuid primary key,
        workspace_id uuid not null,
        campaign_id uuid not null,
        weekday smallint not null,
        hour smallint not null,
        replied boolean not null default false
      )`.execute(db);
    await sql`
      create table ${sql.id(schema, 'reply_rate_leads')} (
        lead_id uuid primary key,
        timezone text,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
  },

  async apply({ db, schema, orderKey, warn }, events) {
    const leadIds = new Set<string>();
    const emailIds = new Set<string>();
    for (const event of events) {
      leadIds.add(event.data.leadId);
      if (event.type === 'EmailSent' || event.type === 'ReplyReceived') emailIds.add(event.data.emailId);
    }
    const zones = new Map<string, LeadZone>();
    if (leadIds.size) {
      for (const r of await db.selectFrom('replyRateLeads').selectAll().where('leadId', 'in', [...leadIds]).execute()) zones.set(r.leadId, r);
    }
    const sent = new Map<string, SentEmail>();
    if (emailIds.size) {
      for (const r of await db.selectFrom('replyRateEmails').selectAll().where('emailId', 'in', [...emailIds]).execute()) sent.set(r.emailId, r);
    }
    const changedZones = new Set<string>();
    const newEmails = new Set<string>();
    const newReplies = new Set<string>();
    const slots = new Map<string, Slot>();
    const slotOf = (email: SentEmail): Slot => {
      const key = `${email.campaignId}:${email.weekday}:${email.hour}`;
      let slot = slots.get(key);
      if (!slot) {
        slot = { workspaceId: email.workspaceId, campaignId: email.campaignId, weekday: email.weekday, hour: email.hour, sent: 0, replied: 0 };
        slots.set(key, slot);
      }
      return slot;
    };

    for (const event of events) {
      switch (event.type) {
        case 'LeadCreated': {
          if (zones.has(event.data.leadId)) break;
          zones.set(event.data.leadId, { leadId: event.data.leadId, timezone: event.data.timezone ?? null, lastPosition: orderKey(event) });
          changedZones.add(event.data.leadId);
          break;
        }
        case 'LeadUpdated': {
          // Absent: unchanged; null: cleared (UTC from now on).
          const zone = zones.get(event.data.leadId);
          if (event.data.timezone === undefined || !zone || !isAfter(orderKey(event), zone.lastPosition)) break;
          zone.timezone = event.data.timezone;
          zone.lastPosition = orderKey(event);
          changedZones.add(zone.leadId);
          break;
        }
        case 'EmailSent': {
          const d = event.data;
          if (sent.has(d.emailId)) break;
          const zone = zones.get(d.leadId);
          if (!zone) warn('email sent to a lead this projection never saw created; its slot is taken in UTC', { leadId: d.leadId, emailId: d.emailId });
          const slot = sendSlot(d.sentAt, zone?.timezone ?? null);
          if (zone?.timezone && slot.zoneUsed !== zone.timezone) warn('unknown time zone; the slot is taken in UTC', { leadId: d.leadId, timezone: zone.timezone });
          // The email's workspace is its campaign's: reply_rates rows of a campaign share it.
          const email: SentEmail = { emailId: d.emailId, workspaceId: event.metadata.tenantId, campaignId: d.campaignId, weekday: slot.weekday, hour: slot.hour, replied: false };
          sent.set(d.emailId, email);
          newEmails.add(d.emailId);
          slotOf(email).sent += 1;
          break;
        }
        case 'ReplyReceived': {
          if (event.data.kind !== 'HUMAN') break;
          const email = sent.get(event.data.emailId);
          if (!email) {
            warn('reply to an email this projection never saw sent; not counted', { emailId: event.data.emailId, eventId: event.id });
            break;
          }
          if (email.replied) break;
          email.replied = true;
          if (!newEmails.has(email.emailId)) newReplies.add(email.emailId);
          slotOf(email).replied += 1;
          break;
        }
        default:
          assertNever(event, 'reply rates event');
      }
    }

    if (changedZones.size) {
      const rows = [...changedZones].map((id) => zones.get(id) as LeadZone);
      await sql`
        insert into ${sql.id(schema, 'reply_rate_leads')} (lead_id, timezone, last_position)
        select * from unnest(${rows.map((r) => r.leadId)}::uuid[], ${rows.map((r) => r.timezone)}::text[], ${rows.map((r) => r.lastPosition)}::numeric[])
        on conflict (lead_id) do update set timezone = excluded.timezone, last_position = excluded.last_position`.execute(db);
    }
    if (newEmails.size) {
      const rows = [...newEmails].map((id) => sent.get(id) as SentEmail);
      await sql`
        insert into ${sql.id(schema, 'reply_rate_emails')} (email_id, workspace_id, campaign_id, weekday, hour, replied)
        select * from unnest(${rows.map((r) => r.emailId)}::uuid[], ${rows.map((r) => r.workspaceId)}::uuid[], ${rows.map((r) => r.campaignId)}::uuid[],
          ${rows.map((r) => r.weekday)}::smallint[], ${rows.map((r) => r.hour)}::smallint[], ${rows.map((r) => r.replied)}::boolean[])`.execute(db);
    }
    if (newReplies.size) {
      await sql`update ${sql.id(schema, 'reply_rate_emails')} set replied = true where email_id = any(${[...newReplies]}::uuid[])`.execute(db);
    }
    if (slots.size) {
      // Counters pre-aggregated in memory: one row per slot the batch touched, added in one statement.
      const rows = [...slots.values()];
      await sql`
        insert into ${sql.id(schema, 'reply_rates_by_send_time')} as t (workspace_id, campaign_id, weekday, hour, sent, replied)
        select * from unnest(${rows.map((r) => r.workspaceId)}::uuid[], ${rows.map((r) => r.campaignId)}::uuid[], ${rows.map((r) => r.weekday)}::smallint[],
          ${rows.map((r) => r.hour)}::smallint[], ${rows.map((r) => r.sent)}::int[], ${rows.map((r) => r.replied)}::int[])
        on conflict (campaign_id, weekday, hour) do update set sent = t.sent + excluded.sent, replied = t.replied + excluded.replied`.execute(db);
    }
  },
});
