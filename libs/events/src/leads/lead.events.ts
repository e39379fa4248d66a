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

export const leadEvents = [LeadCreated, LeadUpdated, LeadSuppressed, LeadUnsubscribed] as const;
