import { SuppressionReason } from '@app/events';

export type LeadProfile = {
  email: string;
  emailHash: string;
  firstName?: string;
  lastName?: string;
  company?: string;
  title?: string;
  timezone?: string;
  customFields: Readonly<Record<string, string>>;
};

export type ImportantDate = { dateId: string; kind: 'BIRTHDAY' | 'WORK_ANNIVERSARY' | 'CUSTOM'; label?: string; date: string; recurrence: 'YEARLY' | 'ONCE' };

type Base = { leadId: string; workspaceId: string; profile: LeadProfile; importantDates: ReadonlyMap<string, ImportantDate> };
/**
 * Unsubscribed outranks suppressed: both stop every send, unsubscribe is the lead's own wish.
 * Erased outranks both: the personal data is gone and nothing is ever sent again.
 */
export type LeadState =
  | { status: 'none' }
  | ({ status: 'contactable' } & Base)
  | ({ status: 'suppressed'; suppression: SuppressionReason } & Base)
  | ({ status: 'unsubscribed'; suppression: SuppressionReason | null } & Base)
  | ({ status: 'erased' } & Base);

export type LeadStatus = LeadState['status'];

/** What a user may set; `null` clears an optional field on update. */
export type LeadFields = {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  title?: string | null;
  timezone?: string | null;
  customFields?: Readonly<Record<string, string>>;
};

export type LeadCommand =
  | ({
      type: 'CreateLead';
      leadId: string;
      workspaceId: string;
      /** Keyed hash of the normalised email, computed by the caller with the server's secret. */
      emailHash: string;
      source: 'MANUAL' | 'IMPORT';
      /** Fact: a lead of this workspace that already has this email. */
      existingLeadId: string | null;
      now: string;
    } & LeadFields)
  | ({ type: 'UpdateLead'; emailHash?: string; existingLeadId: string | null; now: string } & Partial<LeadFields>)
  | { type: 'SuppressLead'; reason: SuppressionReason; emailId?: string; now: string }
  | { type: 'UnsubscribeLead'; source: 'LINK' | 'ONE_CLICK' | 'MANUAL' | 'REPLY'; emailId?: string; campaignId?: string; now: string }
  | ({ type: 'SetImportantDate'; now: string } & ImportantDate)
  | { type: 'RemoveImportantDate'; dateId: string; now: string }
  | { type: 'EraseLead'; now: string }
  | { type: 'RecordLeadDataExport'; now: string };
