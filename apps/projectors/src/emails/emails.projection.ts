import { DB } from '@app/read-store';
import { assertNever } from '@app/domain';
import { ERASED } from '@app/events';
import { defineProjection } from '@app/projections';
import { isAfter, upsertRows, utcInstant, utcInstantOrNull } from '../shared/projection-helpers';
import { sql } from 'kysely';

type EmailStatus = 'queued' | 'sent' | 'failed';
type BounceKind = 'HARD' | 'SOFT';
type EmailRow = {
  emailId: string;
  workspaceId: string;
  enrollmentId: string;
  campaignId: string;
  leadId: string;
  stepIndex: number;
  variant: string;
  templateId: string;
  templateRevision: number;
  toAddress: string;
  subject: string;
  bodyHtml: string;
  bodyText: string;
  trackingId: string;
  links: string;
  threadOfEmailId: string | null;
  status: EmailStatus;
  queuedAt: string;
  sentAt: string | null;
  failedAt: string | null;
  failureReason: string | null;
  transport: string | null;
  providerMessageId: string | null;
  messageIdHeader: string | null;
  threadId: string | null;
  openCount: number;
  machineOpenCount: number;
  firstOpenedAt: string | null;
  clickCount: number;
  firstClickedAt: string | null;
  repliedAt: string | null;
  bouncedAt: string | null;
  bounceKind: BounceKind | null;
  lastPosition: string;
};
/** What changes after an email is queued (its content never does). */
const mutableColumns = [
  'status',
  'sentAt',
  'failedAt',
  'failureReason',
  'transport',
  'providerMessageId',
  'messageIdHeader',
  'threadId',
  'openCount',
  'machineOpenCount',
  'firstOpenedAt',
  'clickCount',
  'firstClickedAt',
  'repliedAt',
  'bouncedAt',
  'bounceKind',
  'lastPosition',
] as const satisfies readonly (keyof EmailRow)[];

/**
 * One row per email: content, delivery, opens, clicks, reply, bounce. `open_count` counts
 * human opens (pixel fetches by a person), `machine_open_count` those by proxies and scanners.
 * `first_opened_at` is when a person first showed they read it: a human open, or a click or a
 * human reply before any open (the pixel is often blocked).
 * When the lead is erased (LeadErased), the content of every email to it (address, subject,
 * bodies) reads "[erased]", as the sealed fields of its events do after erasure, so a rebuild
 * gives the same rows; delivery and tracking facts stay, and so do the counters built on them.
 */
export const emailsProjection = defineProjection<DB>()({
  name: 'emails',
  // v2: LeadErased purges the content; an index on lead_id finds a lead's emails.
  version: 2,
  handles: ['EmailQueued', 'EmailSent', 'EmailFailed', 'EmailOpened', 'LinkClicked', 'ReplyReceived', 'EmailBounced', 'LeadErased'],
  tables: ['emails'],
  readsPersonalData: ['EmailQueued'],

  async migrate(db, schema) {
    const emails = sql.id(schema, 'emails');
    await sql`
      create table ${emails} (
        email_id uuid primary key,
        workspace_id uuid not null,
        enrollment_id uuid not null,
        campaign_id uuid not null,
        lead_id uuid not null,
        step_index integer not null,
        variant text not null,
        template_id uuid not null,
        template_revision integer not null,
        to_address text not null,
        subject text not null,
        body_html text not null,
        body_text text not null,
        tracking_id uuid not null,
        links jsonb not null,
        thread_of_email_id uuid,
        status text not null,
        queued_at timestamptz not null,
        sent_at timestamptz,
        failed_at timestamptz,
        failure_reason text,
        transport text,
        provider_message_id text,
        message_id_header text,
        thread_id text,
        open_count integer not null default 0,
        machine_open_count integer not null default 0,
        first_opened_at timestamptz,
        click_count integer not null default 0,
        first_clicked_at timestamptz,
        replied_at timestamptz,
        bounced_at timestamptz,
        bounce_kind text,
        last_position numeric(40, 0) not null default 0
      )`.execute(db);
    await sql`create index on ${emails} (enrollment_id, step_index)`.execute(db);
    await sql`create index on ${emails} (message_id_header) where message_id_header is not null`.execute(db);
    await sql`create index on ${emails} (lead_id)`.execute(db);
  },

  async apply({ db, orderKey, warn }, events) {
    const ids = [...new Set(events.flatMap((e) => (e.type === 'LeadErased' ? [] : [e.data.emailId])))];
    const erasedLeads = new Set<string>();
    const emails = new Map<string, EmailRow>();
    for (const r of ids.length ? await db.selectFrom('emails').selectAll().where('emailId', 'in', ids).execute() : []) {
      emails.set(r.emailId, {
        ...r,
        links: JSON.stringify(r.links),
        status: r.status as EmailStatus,
        bounceKind: r.bounceKind as BounceKind | null,
        queuedAt: utcInstant(r.queuedAt),
        sentAt: utcInstantOrNull(r.sentAt),
        failedAt: utcInstantOrNull(r.failedAt),
        firstOpenedAt: utcInstantOrNull(r.firstOpenedAt),
        firstClickedAt: utcInstantOrNull(r.firstClickedAt),
        repliedAt: utcInstantOrNull(r.repliedAt),
        bouncedAt: utcInstantOrNull(r.bouncedAt),
      });
    }
    const changed = new Set<string>();
    /** The email row, if this event is new to it. */
    const fresh = (event: Exclude<(typeof events)[number], { type: 'LeadErased' }>): EmailRow | null => {
      const row = emails.get(event.data.emailId);
      if (!row) {
        warn('event for an unknown email; ignored', { emailId: event.data.emailId, eventId: event.id, type: event.type });
        return null;
      }
      const key = orderKey(event);
      if (!isAfter(key, row.lastPosition)) return null;
      row.lastPosition = key;
      changed.add(row.emailId);
      return row;
    };

    for (const event of events) {
      switch (event.type) {
        case 'EmailQueued': {
          const d = event.data;
          const existing = emails.get(d.emailId);
          if (existing) {
            if (isAfter(orderKey(event), existing.lastPosition)) warn('email queued twice; the first stands', { emailId: d.emailId, eventId: event.id });
            break;
          }
          emails.set(d.emailId, {
            emailId: d.emailId,
            workspaceId: d.workspaceId,
            enrollmentId: d.enrollmentId,
            campaignId: d.campaignId,
            leadId: d.leadId,
            stepIndex: d.stepIndex,
            variant: d.variant,
            templateId: d.templateId,
            templateRevision: d.templateRevision,
            toAddress: d.to,
            subject: d.subject,
            bodyHtml: d.bodyHtml,
            bodyText: d.bodyText,
            trackingId: d.trackingId,
            links: JSON.stringify(d.links),
            threadOfEmailId: d.threadOfEmailId ?? null,
            status: 'queued',
            queuedAt: utcInstant(d.queuedAt),
            sentAt: null,
            failedAt: null,
            failureReason: null,
            transport: null,
            providerMessageId: null,
            messageIdHeader: null,
            threadId: null,
            openCount: 0,
            machineOpenCount: 0,
            firstOpenedAt: null,
            clickCount: 0,
            firstClickedAt: null,
            repliedAt: null,
            bouncedAt: null,
            bounceKind: null,
            lastPosition: orderKey(event),
          });
          changed.add(d.emailId);
          break;
        }
        case 'EmailSent': {
          const row = fresh(event);
          if (!row) break;
          const d = event.data;
          Object.assign(row, {
            status: 'sent',
            sentAt: utcInstant(d.sentAt),
            transport: d.transport,
            providerMessageId: d.providerMessageId,
            messageIdHeader: d.messageIdHeader ?? null,
            threadId: d.threadId ?? null,
          });
          break;
        }
        case 'EmailFailed': {
          const row = fresh(event);
          if (row) Object.assign(row, { status: 'failed', failedAt: utcInstant(event.data.failedAt), failureReason: event.data.reason });
          break;
        }
        case 'EmailOpened': {
          const row = fresh(event);
          if (!row) break;
          if (event.data.machine) {
            row.machineOpenCount += 1;
          } else {
            row.openCount += 1;
            row.firstOpenedAt ??= utcInstant(event.data.openedAt);
          }
          break;
        }
        case 'LinkClicked': {
          const row = fresh(event);
          if (!row) break;
          const at = utcInstant(event.data.clickedAt);
          row.clickCount += 1;
          row.firstClickedAt ??= at;
          row.firstOpenedAt ??= at;
          break;
        }
        case 'ReplyReceived': {
          const row = fresh(event);
          if (!row || event.data.kind !== 'HUMAN') break;
          const at = utcInstant(event.data.receivedAt);
          row.repliedAt ??= at;
          row.firstOpenedAt ??= at;
          break;
        }
        case 'LeadErased': {
          // Emails of this batch are purged in memory; stored ones by one update below.
          erasedLeads.add(event.data.leadId);
          for (const row of emails.values()) {
            if (row.leadId === event.data.leadId) Object.assign(row, { toAddress: ERASED, subject: ERASED, bodyHtml: ERASED, bodyText: ERASED });
          }
          break;
        }
        case 'EmailBounced': {
          // bounced_at is the first bounce; a HARD bounce after a SOFT one upgrades the kind.
          const row = fresh(event);
          if (!row) break;
          row.bouncedAt ??= utcInstant(event.data.bouncedAt);
          row.bounceKind = row.bounceKind === 'HARD' || event.data.kind === 'HARD' ? 'HARD' : 'SOFT';
          break;
        }
        default:
          assertNever(event, 'emails event');
      }
    }

    const out = [...changed].map((id) => emails.get(id) as EmailRow);
    await upsertRows(db, 'emails', out, ['emailId'], mutableColumns, 200);
    // Content never changes otherwise, so the upsert above leaves it: erasure overwrites it here.
    if (erasedLeads.size) {
      await db
        .updateTable('emails')
        .set({ toAddress: ERASED, subject: ERASED, bodyHtml: ERASED, bodyText: ERASED })
        .where('leadId', 'in', [...erasedLeads])
        .execute();
    }
  },
});
