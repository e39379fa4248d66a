import { z } from 'zod';
import { defineEvent } from '../core/define-event';
import { Id, Instant } from '../core/primitives';

const StepIndex = z.number().int().min(0);
/** Every enrollment event names its campaign and lead: projections need no lookups. */
const Ref = { enrollmentId: Id, campaignId: Id, leadId: Id };
const trackingPersonal = { subjectField: 'leadId', fields: { ip: 'string', userAgent: 'string' } } as const;

export const LeadEnrolled = defineEvent({
  type: 'LeadEnrolled',
  schema: z.object({
    ...Ref,
    workspaceId: Id,
    sequenceId: Id,
    stepCount: z.number().int().min(1),
    /** For occasion campaigns: which of the lead's dates, in which year (one enrollment each), due when. */
    occasion: z.object({ dateId: Id, year: z.number().int().min(1900).max(3000), dueAt: Instant }).optional(),
    enrolledAt: Instant,
  }),
});

export const ScheduleReasons = ['ENROLLED', 'LAUNCHED', 'PREVIOUS_STEP', 'RESUMED', 'SEND_WINDOW', 'OCCASION'] as const;
export const StepScheduled = defineEvent({
  type: 'StepScheduled',
  schema: z.object({ ...Ref, stepIndex: StepIndex, dueAt: Instant, reason: z.enum(ScheduleReasons), scheduledAt: Instant }),
});

export const StepDue = defineEvent({
  type: 'StepDue',
  schema: z.object({ ...Ref, stepIndex: StepIndex, dueAt: Instant, firedAt: Instant, manual: z.boolean() }),
});

export const SkipReasons = ['CONDITION_NOT_MET', 'LEAD_SUPPRESSED', 'LEAD_UNSUBSCRIBED', 'LEAD_ERASED', 'MISSING_VARIABLE', 'TEMPLATE_ERROR'] as const;
export type SkipReason = (typeof SkipReasons)[number];
export const StepSkipped = defineEvent({
  type: 'StepSkipped',
  schema: z.object({ ...Ref, stepIndex: StepIndex, reason: z.enum(SkipReasons), detail: z.string().optional(), skippedAt: Instant }),
});

const Link = z.object({ index: z.number().int().min(0), url: z.url() });
export const EmailQueued = defineEvent({
  type: 'EmailQueued',
  schema: z.object({
    ...Ref,
    emailId: Id,
    workspaceId: Id,
    stepIndex: StepIndex,
    variant: z.string(),
    templateId: Id,
    templateRevision: z.number().int().min(0),
    to: z.email(),
    subject: z.string(),
    bodyHtml: z.string(),
    bodyText: z.string(),
    /** Signed into the open, click and unsubscribe tokens of this email. */
    trackingId: Id,
    /** Links as written in the template, in order; clicks redirect only to these. */
    links: z.array(Link),
    /** The first email of this enrollment, for follow-ups to thread under it. */
    threadOfEmailId: Id.optional(),
    queuedAt: Instant,
  }),
  personal: { subjectField: 'leadId', fields: { to: 'string', subject: 'string', bodyHtml: 'string', bodyText: 'string' } },
});

export const EmailSent = defineEvent({
  type: 'EmailSent',
  schema: z.object({
    ...Ref,
    emailId: Id,
    transport: z.string(),
    providerMessageId: z.string(),
    /** RFC 5322 Message-ID header, for threading and reply matching. */
    messageIdHeader: z.string().optional(),
    threadId: z.string().optional(),
    /** The mailbox it went out from, and its address. */
    mailboxId: Id.optional(),
    from: z.string().optional(),
    sentAt: Instant,
  }),
});

export const EmailFailed = defineEvent({
  type: 'EmailFailed',
  schema: z.object({ ...Ref, emailId: Id, reason: z.string(), attempts: z.number().int().min(1), permanent: z.boolean(), failedAt: Instant }),
});

export const EmailOpened = defineEvent({
  type: 'EmailOpened',
  schema: z.object({
    ...Ref,
    emailId: Id,
    ip: z.string().optional(),
    userAgent: z.string().optional(),
    /** Fetched by a mail proxy or privacy service rather than a person. */
    machine: z.boolean(),
    openedAt: Instant,
  }),
  personal: trackingPersonal,
});

export const LinkClicked = defineEvent({
  type: 'LinkClicked',
  schema: z.object({
    ...Ref,
    emailId: Id,
    linkIndex: z.number().int().min(0),
    url: z.url(),
    ip: z.string().optional(),
    userAgent: z.string().optional(),
    clickedAt: Instant,
  }),
  personal: trackingPersonal,
});

export const ReplyKinds = ['HUMAN', 'AUTO_REPLY'] as const;
export const ReplyReceived = defineEvent({
  type: 'ReplyReceived',
  schema: z.object({
    ...Ref,
    emailId: Id,
    kind: z.enum(ReplyKinds),
    snippet: z.string().optional(),
    /** The reply's own Message-ID (or provider id): the same reply found twice is one reply. */
    replyMessageId: z.string().max(1000).optional(),
    receivedAt: Instant,
  }),
  personal: { subjectField: 'leadId', fields: { snippet: 'string' } },
});

export const BounceKinds = ['HARD', 'SOFT'] as const;
export const EmailBounced = defineEvent({
  type: 'EmailBounced',
  schema: z.object({ ...Ref, emailId: Id, kind: z.enum(BounceKinds), reason: z.string(), bouncedAt: Instant }),
});

export const EnrollmentCompleted = defineEvent({
  type: 'EnrollmentCompleted',
  schema: z.object({ ...Ref, completedAt: Instant }),
});

export const StopReasons = ['REPLIED', 'BOUNCED', 'UNSUBSCRIBED', 'SUPPRESSED', 'SEND_FAILED', 'CAMPAIGN_ARCHIVED', 'LEAD_ERASED', 'MANUAL'] as const;
export type StopReason = (typeof StopReasons)[number];
export const EnrollmentStopped = defineEvent({
  type: 'EnrollmentStopped',
  schema: z.object({ ...Ref, reason: z.enum(StopReasons), stoppedAt: Instant }),
});

export const enrollmentEvents = [
  LeadEnrolled,
  StepScheduled,
  StepDue,
  StepSkipped,
  EmailQueued,
  EmailSent,
  EmailFailed,
  EmailOpened,
  LinkClicked,
  ReplyReceived,
  EmailBounced,
  EnrollmentCompleted,
  EnrollmentStopped,
] as const;
