import { Email, LeadEvent } from '@app/events';
import { DateTime, IANAZone } from 'luxon';
import { Decider, assertNever } from '../../shared/decider';
import { STANDARD_VARIABLES } from '../../shared/template-render';
import { ImportantDateNotFound, InvalidLead, LeadAlreadyExists, LeadErased, LeadNotFound } from './lead.errors';
import { evolveLead, initialLeadState } from './lead.evolve';
import { LeadCommand, LeadFields, LeadState } from './lead.state';

/** How email addresses are compared: trimmed and lower-cased. Hash the same form. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const MAX_CUSTOM_FIELDS = 50;
const CUSTOM_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const reserved = new Set<string>(STANDARD_VARIABLES);

function checkEmail(email: string): string {
  const normalised = normaliseEmail(email);
  if (!Email.safeParse(normalised).success) throw new InvalidLead('email', `"${email}" is not a valid email address`);
  return normalised;
}

function checkOptionalText(field: string, value: string | null | undefined, max = 200): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  if (trimmed.length > max) throw new InvalidLead(field, `at most ${max} characters`);
  return trimmed === '' ? null : trimmed;
}

function checkTimezone(timezone: string | null | undefined): string | null | undefined {
  if (timezone === undefined || timezone === null || timezone.trim() === '') return timezone === undefined ? undefined : null;
  if (!IANAZone.isValidZone(timezone)) throw new InvalidLead('timezone', `"${timezone}" is not an IANA time zone such as Europe/Paris or America/New_York`);
  return timezone;
}

function checkCustomFields(fields: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(fields);
  if (entries.length > MAX_CUSTOM_FIELDS) throw new InvalidLead('customFields', `at most ${MAX_CUSTOM_FIELDS} custom fields`);
  for (const [name, value] of entries) {
    if (!CUSTOM_FIELD_NAME.test(name)) throw new InvalidLead('customFields', `"${name}" is not a usable field name (letters, digits and _; it must not start with a digit)`);
    if (reserved.has(name)) throw new InvalidLead('customFields', `"${name}" is a standard field; set it directly`);
    if (typeof value !== 'string' || value.length > 2000) throw new InvalidLead('customFields', `"${name}" must be text of at most 2000 characters`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, v.trim()]));
}

/** Checked and normalised fields; `undefined` means "not given", `null` means "clear". */
function checkFields(fields: Partial<LeadFields>) {
  return {
    email: fields.email === undefined ? undefined : checkEmail(fields.email),
    firstName: checkOptionalText('firstName', fields.firstName),
    lastName: checkOptionalText('lastName', fields.lastName),
    company: checkOptionalText('company', fields.company),
    title: checkOptionalText('title', fields.title),
    timezone: checkTimezone(fields.timezone),
    customFields: fields.customFields === undefined ? undefined : checkCustomFields(fields.customFields),
  };
}

const present = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

/** `YYYY-MM-DD`, or `--MM-DD` without a year (then 29 February is allowed: leap years exist). */
function checkImportantDate(date: string): string {
  const yearless = /^--(\d{2})-(\d{2})$/.exec(date);
  const full = yearless ? `2000-${yearless[1]}-${yearless[2]}` : date;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(full) || !DateTime.fromISO(full, { zone: 'utc' }).isValid) {
    throw new InvalidLead('date', `"${date}" is not a calendar date: write YYYY-MM-DD, or --MM-DD when the year is unknown`);
  }
  return date;
}

export function decideLead(command: LeadCommand, state: LeadState): LeadEvent[] {
  if (command.type === 'CreateLead') {
    if (state.status !== 'none') {
      if (state.profile.emailHash === command.emailHash) return [];
      throw new LeadAlreadyExists(state.leadId);
    }
    const checked = checkFields(command);
    if (command.existingLeadId) throw new LeadAlreadyExists(command.existingLeadId);
    return [
      {
        type: 'LeadCreated',
        data: {
          leadId: command.leadId,
          workspaceId: command.workspaceId,
          email: checked.email as string,
          emailHash: command.emailHash,
          firstName: present(checked.firstName),
          lastName: present(checked.lastName),
          company: present(checked.company),
          title: present(checked.title),
          timezone: present(checked.timezone),
          customFields: checked.customFields ?? {},
          source: command.source,
          createdAt: command.now,
        },
      },
    ];
  }
  if (state.status === 'none') throw new LeadNotFound();
  const leadId = state.leadId;
  if (state.status === 'erased') {
    // Erasure is final: repeating it, or stopping sends to an erased lead, changes nothing.
    if (command.type === 'EraseLead' || command.type === 'SuppressLead' || command.type === 'UnsubscribeLead') return [];
    if (command.type === 'RecordLeadDataExport') return [{ type: 'LeadDataExported', data: { leadId, exportedAt: command.now } }];
    throw new LeadErased();
  }
  switch (command.type) {
    case 'UpdateLead': {
      const checked = checkFields(command);
      const emailChanged = checked.email !== undefined && checked.email !== state.profile.email;
      if (emailChanged) {
        if (command.existingLeadId && command.existingLeadId !== leadId) throw new LeadAlreadyExists(command.existingLeadId);
        if (!command.emailHash) throw new InvalidLead('email', 'a changed email needs its hash');
      }
      const data: Extract<LeadEvent, { type: 'LeadUpdated' }>['data'] = { leadId, updatedAt: command.now };
      if (emailChanged) Object.assign(data, { email: checked.email, emailHash: command.emailHash });
      for (const key of ['firstName', 'lastName', 'company', 'title', 'timezone'] as const) {
        const value = checked[key];
        if (value !== undefined && value !== (state.profile[key] ?? null)) data[key] = value;
      }
      if (checked.customFields !== undefined && JSON.stringify(checked.customFields) !== JSON.stringify(state.profile.customFields)) {
        data.customFields = checked.customFields;
      }
      return Object.keys(data).length > 2 ? [{ type: 'LeadUpdated', data }] : [];
    }
    case 'SuppressLead':
      if ((state.status === 'suppressed' || state.status === 'unsubscribed') && state.suppression === command.reason) return [];
      return [{ type: 'LeadSuppressed', data: { leadId, reason: command.reason, emailId: command.emailId, suppressedAt: command.now } }];
    case 'UnsubscribeLead':
      if (state.status === 'unsubscribed') return [];
      return [
        {
          type: 'LeadUnsubscribed',
          data: { leadId, source: command.source, emailId: command.emailId, campaignId: command.campaignId, unsubscribedAt: command.now },
        },
      ];
    case 'SetImportantDate': {
      const date = checkImportantDate(command.date);
      const label = command.label?.trim() || undefined;
      if (command.kind === 'CUSTOM' && !label) throw new InvalidLead('label', 'a CUSTOM date needs a label (e.g. "Contract renewal")');
      if (label && label.length > 100) throw new InvalidLead('label', 'at most 100 characters');
      if (command.recurrence === 'ONCE' && date.startsWith('--')) throw new InvalidLead('date', 'a date that happens once needs its year (YYYY-MM-DD)');
      const { dateId, kind, recurrence } = command;
      const existing = state.importantDates.get(dateId);
      if (existing && JSON.stringify(existing) === JSON.stringify({ dateId, kind, label, date, recurrence })) return [];
      return [{ type: 'LeadImportantDateSet', data: { leadId, dateId, kind, label, date, recurrence, setAt: command.now } }];
    }
    case 'RemoveImportantDate':
      if (!state.importantDates.has(command.dateId)) throw new ImportantDateNotFound(command.dateId);
      return [{ type: 'LeadImportantDateRemoved', data: { leadId, dateId: command.dateId, removedAt: command.now } }];
    case 'EraseLead':
      return [{ type: 'LeadErased', data: { leadId, erasedAt: command.now } }];
    case 'RecordLeadDataExport':
      return [{ type: 'LeadDataExported', data: { leadId, exportedAt: command.now } }];
    default:
      return assertNever(command, 'lead command');
  }
}

export const leadDecider: Decider<LeadCommand, LeadEvent, LeadState> = { initialState: initialLeadState, evolve: evolveLead, decide: decideLead };
