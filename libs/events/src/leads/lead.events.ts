import { z } from 'zod';
import { defineEvent } from '../core/define-event';
import { CustomFields, Id, Instant } from '../core/primitives';

/** An IANA time zone name; the domain checks that it exists. */
const TimeZone = z.string().min(1).max(64);
const Name = z.string().trim().min(1).max(200);
/** Personal fields are encrypted with the lead's own key and read as erased once it is gone. */
const leadPersonal = { email: 'string', firstName: 'string', lastName: 'string', customFields: 'record' } as const;

export const LeadCreated = defineEvent({
  type: 'LeadCreated',
  schema: z.object({
    leadId: Id,
    workspaceId: Id,
    email: z.email(),
    /** Keyed hash of the normalised address: finds duplicates and suppressions without the plaintext. */
    emailHash: z.string().regex(/^[0-9a-f]{64}$/),
    firstName: Name.optional(),
    lastName: Name.optional(),
    company: z.string().trim().max(200).optional(),
    title: z.string().trim().max(200).optional(),
    timezone: TimeZone.optional(),
    customFields: CustomFields,
    source: z.enum(['MANUAL', 'IMPORT']),
    createdAt: Instant,
  }),
  personal: { subjectField: 'leadId', fields: leadPersonal },
});

/** Only the fields that changed are present; `null` clears an optional field. */
export const LeadUpdated = defineEvent({
  type: 'LeadUpdated',
  schema: z.object({
    leadId: Id,
    email: z.email().optional(),
    emailHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    firstName: Name.nullable().optional(),
    lastName: Name.nullable().optional(),
    company: z.string().trim().max(200).nullable().optional(),
    title: z.string().trim().max(200).nullable().optional(),
    timezone: TimeZone.nullable().optional(),
    customFields: CustomFields.optional(),
    updatedAt: Instant,
  }),
  personal: { subjectField: 'leadId', fields: leadPersonal },
});

export const SuppressionReasons = ['HARD_BOUNCE', 'COMPLAINT', 'MANUAL'] as const;
export type SuppressionReason = (typeof SuppressionReasons)[number];

export const LeadSuppressed = defineEvent({
  type: 'LeadSuppressed',
  schema: z.object({
    leadId: Id,
    reason: z.enum(SuppressionReasons),
    /** The email whose bounce or complaint caused it, when there is one. */
    emailId: Id.optional(),
    suppressedAt: Instant,
  }),
});

export const UnsubscribeSources = ['LINK', 'ONE_CLICK', 'MANUAL', 'REPLY'] as const;

export const LeadUnsubscribed = defineEvent({
  type: 'LeadUnsubscribed',
  schema: z.object({
    leadId: Id,
    source: z.enum(UnsubscribeSources),
    /** Attribution: the email whose link was used, and its campaign. */
    emailId: Id.optional(),
    campaignId: Id.optional(),
    unsubscribedAt: Instant,
  }),
});

export const ImportantDateKinds = ['BIRTHDAY', 'WORK_ANNIVERSARY', 'CUSTOM'] as const;

/**
 * A date that matters to the lead. `date` is ISO 8601: `YYYY-MM-DD`, or `--MM-DD` when the
 * year is unknown. Birthdays are personal data, so date and label are sealed.
 */
export const LeadImportantDateSet = defineEvent({
  type: 'LeadImportantDateSet',
  schema: z.object({
    leadId: Id,
    dateId: Id,
    kind: z.enum(ImportantDateKinds),
    label: z.string().trim().min(1).max(100).optional(),
    date: z.string().regex(/^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be YYYY-MM-DD or --MM-DD'),
    recurrence: z.enum(['YEARLY', 'ONCE']),
    setAt: Instant,
  }),
  personal: { subjectField: 'leadId', fields: { date: 'string', label: 'string' } },
});

export const LeadImportantDateRemoved = defineEvent({
  type: 'LeadImportantDateRemoved',
  schema: z.object({ leadId: Id, dateId: Id, removedAt: Instant }),
});

/**
 * The lead's personal data was erased (its key deleted: every sealed field of every event
 * about it now reads as erased). Nothing is sent to it again.
 */
export const LeadErased = defineEvent({
  type: 'LeadErased',
  schema: z.object({ leadId: Id, erasedAt: Instant }),
});

/** Someone exported everything held about the lead (a data subject access request). */
export const LeadDataExported = defineEvent({
  type: 'LeadDataExported',
  schema: z.object({ leadId: Id, exportedAt: Instant }),
});

export const leadEvents = [LeadCreated, LeadUpdated, LeadSuppressed, LeadUnsubscribed, LeadImportantDateSet, LeadImportantDateRemoved, LeadErased, LeadDataExported] as const;
