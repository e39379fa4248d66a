import { LeadEvent } from '@app/events';
import { RecordedEvent } from '@app/event-store';
import { fold, leadDecider } from '@app/domain';

type Email = {
  emailId: string;
  enrollmentId: string;
  campaignId: string;
  stepIndex: number;
  to: string;
  subject: string;
  bodyHtml: string;
  bodyText: string;
  queuedAt: string;
  sentAt: string | null;
  failedAt: string | null;
  from: string | null;
  opens: { at: string; ip: string | null; userAgent: string | null; machine: boolean }[];
  clicks: { at: string; url: string; ip: string | null; userAgent: string | null }[];
  replies: { at: string; kind: string; snippet: string | null }[];
  bounces: { at: string; kind: string; reason: string }[];
};

/** A data subject access request's answer: everything the log holds about one lead, decrypted. */
export type LeadDataExport = {
  leadId: string;
  workspaceId: string;
  exportedAt: string;
  /** True when the lead was erased: its personal fields read "[erased]" everywhere. */
  erased: boolean;
  status: string;
  profile: Record<string, unknown> | null;
  importantDates: Record<string, unknown>[];
  enrollments: { enrollmentId: string; campaignId: string; enrolledAt: string | null; status: string; stopReason: string | null; finishedAt: string | null }[];
  emails: Email[];
  trackingHits: { kind: 'open' | 'click'; emailId: string; at: string; ip: string | null; userAgent: string | null; url?: string; machine?: boolean }[];
  replies: { emailId: string; at: string; kind: string; snippet: string | null }[];
  /** Every event of the lead's streams, as stored (decrypted), in order. */
  events: { id: string; type: string; streamId: string; revision: number; occurredAt: string; actorId: string; data: unknown }[];
};

/**
 * Assembles the export from the lead's stream and its enrollments' streams. Pure: the caller
 * reads the streams (decrypting) and passes the time.
 */
export function leadDataExport(leadId: string, lead: readonly RecordedEvent[], enrollments: ReadonlyMap<string, readonly RecordedEvent[]>, exportedAt: string): LeadDataExport {
  const state = fold(leadDecider, lead as unknown as LeadEvent[]);
  const erased = state.status === 'erased' || lead.some((e) => e.personalDataErased);
  const profile = state.status === 'none' ? null : { ...state.profile, customFields: { ...state.profile.customFields } };
  const out: LeadDataExport = {
    leadId,
    workspaceId: state.status === 'none' ? '' : state.workspaceId,
    exportedAt,
    erased,
    status: state.status,
    profile,
    importantDates: state.status === 'none' ? [] : [...state.importantDates.values()].map((d) => ({ ...d })),
    enrollments: [],
    emails: [],
    trackingHits: [],
    replies: [],
    events: [],
  };
  const emails = new Map<string, Email>();
  for (const [enrollmentId, history] of enrollments) {
    const summary: LeadDataExport['enrollments'][number] = { enrollmentId, campaignId: '', enrolledAt: null, status: 'waiting', stopReason: null, finishedAt: null };
    for (const event of history) {
      switch (event.type) {
        case 'LeadEnrolled':
          Object.assign(summary, { campaignId: event.data.campaignId, enrolledAt: event.data.enrolledAt });
          break;
        case 'StepScheduled':
          if (summary.status === 'waiting') summary.status = 'active';
          break;
        case 'EnrollmentCompleted':
          Object.assign(summary, { status: 'completed', finishedAt: event.data.completedAt });
          break;
        case 'EnrollmentStopped':
          Object.assign(summary, { status: 'stopped', stopReason: event.data.reason, finishedAt: event.data.stoppedAt });
          break;
        case 'EmailQueued': {
          const d = event.data;
          emails.set(d.emailId, {
            emailId: d.emailId,
            enrollmentId,
            campaignId: d.campaignId,
            stepIndex: d.stepIndex,
            to: d.to,
            subject: d.subject,
            bodyHtml: d.bodyHtml,
            bodyText: d.bodyText,
            queuedAt: d.queuedAt,
            sentAt: null,
            failedAt: null,
            from: null,
            opens: [],
            clicks: [],
            replies: [],
            bounces: [],
          });
          break;
        }
        case 'EmailSent': {
          const email = emails.get(event.data.emailId);
          if (email) Object.assign(email, { sentAt: event.data.sentAt, from: event.data.from ?? null });
          break;
        }
        case 'EmailFailed': {
          const email = emails.get(event.data.emailId);
          if (email) email.failedAt = event.data.failedAt;
          break;
        }
        case 'EmailOpened': {
          const d = event.data;
          const hit = { at: d.openedAt, ip: d.ip ?? null, userAgent: d.userAgent ?? null, machine: d.machine };
          emails.get(d.emailId)?.opens.push(hit);
          out.trackingHits.push({ kind: 'open', emailId: d.emailId, ...hit });
          break;
        }
        case 'LinkClicked': {
          const d = event.data;
          const hit = { at: d.clickedAt, url: d.url, ip: d.ip ?? null, userAgent: d.userAgent ?? null };
          emails.get(d.emailId)?.clicks.push(hit);
          out.trackingHits.push({ kind: 'click', emailId: d.emailId, ...hit });
          break;
        }
        case 'ReplyReceived': {
          const d = event.data;
          const reply = { at: d.receivedAt, kind: d.kind, snippet: d.snippet ?? null };
          emails.get(d.emailId)?.replies.push(reply);
          out.replies.push({ emailId: d.emailId, ...reply });
          break;
        }
        case 'EmailBounced': {
          const d = event.data;
          emails.get(d.emailId)?.bounces.push({ at: d.bouncedAt, kind: d.kind, reason: d.reason });
          break;
        }
        default:
          // Steps fired, skipped or due hold nothing about the person; they are in `events`.
          break;
      }
    }
    out.enrollments.push(summary);
  }
  out.emails = [...emails.values()];
  const all = [...lead, ...[...enrollments.values()].flat()].sort((a, b) => (a.metadata.occurredAt < b.metadata.occurredAt ? -1 : a.metadata.occurredAt > b.metadata.occurredAt ? 1 : 0));
  out.events = all.map((e) => ({ id: e.id, type: e.type, streamId: e.streamId, revision: e.revision, occurredAt: e.metadata.occurredAt, actorId: e.metadata.actorId, data: e.data }));
  return out;
}
