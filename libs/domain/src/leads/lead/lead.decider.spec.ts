import { LeadEvent } from '@app/events';
import { ImportantDateNotFound, InvalidLead, LeadAlreadyExists, LeadCommand, LeadErased, LeadNotFound, leadDecider } from '@app/domain';
import { DAY, HOUR, deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const leadId = id('lead');
const otherLeadId = id('lead');
const campaignId = id('campaign');
const emailId = id('email');
/** Stand-ins for the keyed hash the handler computes; the decider only compares them. */
const adaHash = 'a'.repeat(64);
const newHash = 'b'.repeat(64);

const spec = deciderSpec(leadDecider);

type CreateLead = Extract<LeadCommand, { type: 'CreateLead' }>;
type UpdateLead = Extract<LeadCommand, { type: 'UpdateLead' }>;

const createLead = (over: Partial<CreateLead> = {}): CreateLead => ({
  type: 'CreateLead',
  leadId,
  workspaceId,
  email: 'ada@example.com',
  emailHash: adaHash,
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Analytical Engines',
  timezone: 'Europe/London',
  customFields: { plan: 'team' },
  source: 'MANUAL',
  existingLeadId: null,
  now: clock.now,
  ...over,
});
const updateLead = (over: Partial<UpdateLead>): UpdateLead => ({ type: 'UpdateLead', existingLeadId: null, now: clock.plus(DAY), ...over });

const created: LeadEvent = {
  type: 'LeadCreated',
  data: {
    leadId,
    workspaceId,
    email: 'ada@example.com',
    emailHash: adaHash,
    firstName: 'Ada',
    lastName: 'Lovelace',
    company: 'Analytical Engines',
    timezone: 'Europe/London',
    customFields: { plan: 'team' },
    source: 'MANUAL',
    createdAt: clock.now,
  },
};
const suppressedAt = clock.plus(HOUR);
const suppressed: LeadEvent = { type: 'LeadSuppressed', data: { leadId, reason: 'HARD_BOUNCE', emailId, suppressedAt } };
const unsubscribed: LeadEvent = { type: 'LeadUnsubscribed', data: { leadId, source: 'LINK', emailId, campaignId, unsubscribedAt: suppressedAt } };

describe('creating a lead', () => {
  it('records it with a normalised email and trimmed fields', () => {
    spec
      .given([])
      .when(createLead({ email: '  Ada@Example.COM ', firstName: ' Ada ', title: '', customFields: { plan: ' team ' } }))
      .then([created]);
  });

  it('leaves out the fields that were not given', () => {
    spec
      .given([])
      .when({ type: 'CreateLead', leadId, workspaceId, email: 'bob@example.com', emailHash: newHash, source: 'IMPORT', existingLeadId: null, now: clock.now })
      .then([{ type: 'LeadCreated', data: { leadId, workspaceId, email: 'bob@example.com', emailHash: newHash, customFields: {}, source: 'IMPORT', createdAt: clock.now } }]);
  });

  it.each(['ada', 'ada@', '@example.com', 'ada @example.com'])('refuses the email %j, naming the field', (email) => {
    spec.given([]).when(createLead({ email })).thenThrows(InvalidLead, `email: "${email}" is not a valid email address`);
  });

  it.each(['Mars/Olympus_Mons', 'GMT+25', 'Europe/Londres'])('refuses the time zone %j', (timezone) => {
    spec.given([]).when(createLead({ timezone })).thenThrows(InvalidLead, `timezone: "${timezone}" is not an IANA time zone`);
  });

  it.each(['1st_call', 'deal-size', 'has space', ''])('refuses the custom field name %j', (name) => {
    spec.given([]).when(createLead({ customFields: { [name]: 'x' } })).thenThrows(InvalidLead, `customFields: "${name}" is not a usable field name`);
  });

  it('refuses a custom field that shadows a standard one', () => {
    spec.given([]).when(createLead({ customFields: { firstName: 'Ada' } })).thenThrows(InvalidLead, '"firstName" is a standard field');
  });

  it('refuses a name longer than 200 characters', () => {
    spec.given([]).when(createLead({ lastName: 'L'.repeat(201) })).thenThrows(InvalidLead, 'lastName: at most 200 characters');
  });

  it('refuses an email another lead of the workspace already has', () => {
    spec.given([]).when(createLead({ existingLeadId: otherLeadId })).thenThrows(LeadAlreadyExists, otherLeadId);
  });
});

describe('a lead that exists', () => {
  it('treats a repeated creation with the same email as done', () => {
    spec.given([created]).when(createLead()).thenNothing();
  });

  it('refuses a creation with another email under its id', () => {
    spec.given([created]).when(createLead({ email: 'bob@example.com', emailHash: newHash })).thenThrows(LeadAlreadyExists, leadId);
  });

  it('records only the fields that changed, null clearing one', () => {
    spec
      .given([created])
      .when(updateLead({ firstName: 'Ada', lastName: null, title: 'Countess', company: 'Analytical Engines' }))
      .then([{ type: 'LeadUpdated', data: { leadId, lastName: null, title: 'Countess', updatedAt: clock.plus(DAY) } }]);
  });

  it('records nothing when nothing changed', () => {
    spec.given([created]).when(updateLead({ email: 'ADA@example.com', firstName: 'Ada', customFields: { plan: 'team' } })).thenNothing();
  });

  it('records a new email with its hash', () => {
    spec
      .given([created])
      .when(updateLead({ email: 'ada@engines.example', emailHash: newHash }))
      .then([{ type: 'LeadUpdated', data: { leadId, email: 'ada@engines.example', emailHash: newHash, updatedAt: clock.plus(DAY) } }]);
  });

  it('refuses a new email without its hash', () => {
    spec.given([created]).when(updateLead({ email: 'ada@engines.example' })).thenThrows(InvalidLead, 'a changed email needs its hash');
  });

  it('refuses a new email that another lead has', () => {
    spec.given([created]).when(updateLead({ email: 'bob@example.com', emailHash: newHash, existingLeadId: otherLeadId })).thenThrows(LeadAlreadyExists, otherLeadId);
  });

  it('refuses a bad time zone on update', () => {
    spec.given([created]).when(updateLead({ timezone: 'Somewhere/Else' })).thenThrows(InvalidLead, /timezone/);
  });

  it('replaces its custom fields as a whole', () => {
    spec
      .given([created])
      .when(updateLead({ customFields: { plan: 'enterprise', seats: '40' } }))
      .then([{ type: 'LeadUpdated', data: { leadId, customFields: { plan: 'enterprise', seats: '40' }, updatedAt: clock.plus(DAY) } }]);
  });
});

describe('a lead that does not exist', () => {
  it('cannot be updated, suppressed or unsubscribed', () => {
    spec.given([]).when(updateLead({ firstName: 'Ada' })).thenThrows(LeadNotFound);
    spec.given([]).when({ type: 'SuppressLead', reason: 'MANUAL', now: suppressedAt }).thenThrows(LeadNotFound);
    spec.given([]).when({ type: 'UnsubscribeLead', source: 'LINK', now: suppressedAt }).thenThrows(LeadNotFound);
  });
});

describe('suppressing a lead', () => {
  it('records the reason and the email that caused it', () => {
    spec.given([created]).when({ type: 'SuppressLead', reason: 'HARD_BOUNCE', emailId, now: suppressedAt }).then([suppressed]);
  });

  it('records it once per reason', () => {
    spec.given([created, suppressed]).when({ type: 'SuppressLead', reason: 'HARD_BOUNCE', emailId, now: clock.plus(2 * HOUR) }).thenNothing();
  });

  it('records a new reason', () => {
    const now = clock.plus(2 * HOUR);
    spec
      .given([created, suppressed])
      .when({ type: 'SuppressLead', reason: 'COMPLAINT', now })
      .then([{ type: 'LeadSuppressed', data: { leadId, reason: 'COMPLAINT', suppressedAt: now } }]);
  });
});

describe('a lead unsubscribes', () => {
  it('records it on the lead stream with the email and campaign it came from', () => {
    spec.given([created]).when({ type: 'UnsubscribeLead', source: 'LINK', emailId, campaignId, now: suppressedAt }).then([unsubscribed]);
  });

  it('records it once', () => {
    spec.given([created, unsubscribed]).when({ type: 'UnsubscribeLead', source: 'ONE_CLICK', emailId, campaignId, now: clock.plus(2 * HOUR) }).thenNothing();
  });

  it('is recorded for a suppressed lead too: it is the lead wish, and outranks suppression', () => {
    spec.given([created, suppressed]).when({ type: 'UnsubscribeLead', source: 'LINK', emailId, campaignId, now: suppressedAt }).then([unsubscribed]);
  });
});

describe("setting one of the lead's important dates", () => {
  const birthdayId = id('date');
  const renewalId = id('date');
  const setAt = clock.plus(DAY);
  type SetImportantDate = Extract<LeadCommand, { type: 'SetImportantDate' }>;
  const setDate = (over: Partial<SetImportantDate> = {}): SetImportantDate => ({
    type: 'SetImportantDate',
    dateId: birthdayId,
    kind: 'BIRTHDAY',
    date: '1815-12-10',
    recurrence: 'YEARLY',
    now: setAt,
    ...over,
  });
  const birthday: LeadEvent = { type: 'LeadImportantDateSet', data: { leadId, dateId: birthdayId, kind: 'BIRTHDAY', date: '1815-12-10', recurrence: 'YEARLY', setAt } };

  it('records a yearly date with its year', () => {
    spec.given([created]).when(setDate()).then([birthday]);
  });

  it('records a yearly date without a year as --MM-DD', () => {
    spec
      .given([created])
      .when(setDate({ date: '--12-10' }))
      .then([{ type: 'LeadImportantDateSet', data: { leadId, dateId: birthdayId, kind: 'BIRTHDAY', date: '--12-10', recurrence: 'YEARLY', setAt } }]);
  });

  it.each(['--02-29', '2024-02-29'])('accepts 29 February as %j: without a year, leap years exist', (date) => {
    spec
      .given([created])
      .when(setDate({ date }))
      .then([{ type: 'LeadImportantDateSet', data: { leadId, dateId: birthdayId, kind: 'BIRTHDAY', date, recurrence: 'YEARLY', setAt } }]);
  });

  it.each(['2023-02-29', '--02-30', '2025-13-01', '--00-10', '1815-12-32', '10/12/1815', '1815-12-1', '12-10', ''])('refuses %j, which is not a calendar date', (date) => {
    spec.given([created]).when(setDate({ date })).thenThrows(InvalidLead, `date: "${date}" is not a calendar date`);
  });

  it('refuses a date that happens once without its year', () => {
    spec.given([created]).when(setDate({ recurrence: 'ONCE', date: '--06-01' })).thenThrows(InvalidLead, 'a date that happens once needs its year');
  });

  it('records a date that happens once, with its trimmed label', () => {
    spec
      .given([created])
      .when(setDate({ dateId: renewalId, kind: 'CUSTOM', label: ' Contract renewal ', date: '2025-06-01', recurrence: 'ONCE' }))
      .then([{ type: 'LeadImportantDateSet', data: { leadId, dateId: renewalId, kind: 'CUSTOM', label: 'Contract renewal', date: '2025-06-01', recurrence: 'ONCE', setAt } }]);
  });

  it.each([undefined, '', '  '])('refuses a CUSTOM date with the label %j', (label) => {
    spec.given([created]).when(setDate({ kind: 'CUSTOM', label })).thenThrows(InvalidLead, 'label: a CUSTOM date needs a label');
  });

  it('refuses a label longer than 100 characters', () => {
    spec.given([created]).when(setDate({ kind: 'CUSTOM', label: 'x'.repeat(101) })).thenThrows(InvalidLead, 'label: at most 100 characters');
  });

  it('records nothing when the date is set again unchanged', () => {
    spec.given([created, birthday]).when(setDate({ now: clock.plus(2 * DAY) })).thenNothing();
  });

  it('records a change of the same date', () => {
    const now = clock.plus(2 * DAY);
    spec
      .given([created, birthday])
      .when(setDate({ date: '--12-10', now }))
      .then([{ type: 'LeadImportantDateSet', data: { leadId, dateId: birthdayId, kind: 'BIRTHDAY', date: '--12-10', recurrence: 'YEARLY', setAt: now } }]);
  });

  it('is refused for a lead that does not exist', () => {
    spec.given([]).when(setDate()).thenThrows(LeadNotFound);
  });
});

describe("removing one of the lead's important dates", () => {
  const birthdayId = id('date');
  const birthday: LeadEvent = { type: 'LeadImportantDateSet', data: { leadId, dateId: birthdayId, kind: 'BIRTHDAY', date: '--12-10', recurrence: 'YEARLY', setAt: clock.plus(HOUR) } };
  const removedAt = clock.plus(DAY);
  const removed: LeadEvent = { type: 'LeadImportantDateRemoved', data: { leadId, dateId: birthdayId, removedAt } };

  it('records the removal', () => {
    spec.given([created, birthday]).when({ type: 'RemoveImportantDate', dateId: birthdayId, now: removedAt }).then([removed]);
  });

  it('refuses a date the lead does not have, naming it', () => {
    const unknown = id('date');
    spec.given([created, birthday]).when({ type: 'RemoveImportantDate', dateId: unknown, now: removedAt }).thenThrows(ImportantDateNotFound, unknown);
    spec.given([created, birthday, removed]).when({ type: 'RemoveImportantDate', dateId: birthdayId, now: clock.plus(2 * DAY) }).thenThrows(ImportantDateNotFound);
  });

  it('records the same date set again after its removal', () => {
    const now = clock.plus(2 * DAY);
    spec
      .given([created, birthday, removed])
      .when({ type: 'SetImportantDate', dateId: birthdayId, kind: 'BIRTHDAY', date: '--12-10', recurrence: 'YEARLY', now })
      .then([{ type: 'LeadImportantDateSet', data: { leadId, dateId: birthdayId, kind: 'BIRTHDAY', date: '--12-10', recurrence: 'YEARLY', setAt: now } }]);
  });
});

describe("erasing a lead's personal data", () => {
  const erasedAt = clock.plus(DAY);
  const erased: LeadEvent = { type: 'LeadErased', data: { leadId, erasedAt } };

  it('records the erasure', () => {
    spec.given([created]).when({ type: 'EraseLead', now: erasedAt }).then([erased]);
  });

  it('erases a suppressed or unsubscribed lead too', () => {
    spec.given([created, suppressed]).when({ type: 'EraseLead', now: erasedAt }).then([erased]);
    spec.given([created, unsubscribed]).when({ type: 'EraseLead', now: erasedAt }).then([erased]);
  });

  it('is refused for a lead that does not exist', () => {
    spec.given([]).when({ type: 'EraseLead', now: erasedAt }).thenThrows(LeadNotFound);
  });
});

describe('an erased lead', () => {
  const birthdayId = id('date');
  const birthday: LeadEvent = { type: 'LeadImportantDateSet', data: { leadId, dateId: birthdayId, kind: 'BIRTHDAY', date: '--12-10', recurrence: 'YEARLY', setAt: clock.plus(HOUR) } };
  const erasedLead: LeadEvent[] = [created, birthday, { type: 'LeadErased', data: { leadId, erasedAt: clock.plus(DAY) } }];
  const now = clock.plus(2 * DAY);

  it('is erased once', () => {
    spec.given(erasedLead).when({ type: 'EraseLead', now }).thenNothing();
  });

  it('needs no suppression or unsubscription: nothing is ever sent to it', () => {
    spec.given(erasedLead).when({ type: 'SuppressLead', reason: 'COMPLAINT', now }).thenNothing();
    spec.given(erasedLead).when({ type: 'UnsubscribeLead', source: 'LINK', emailId, campaignId, now }).thenNothing();
  });

  it('cannot be changed', () => {
    spec.given(erasedLead).when(updateLead({ firstName: 'Augusta', now })).thenThrows(LeadErased, "This lead's personal data was erased");
    spec
      .given(erasedLead)
      .when({ type: 'SetImportantDate', dateId: id('date'), kind: 'BIRTHDAY', date: '--12-10', recurrence: 'YEARLY', now })
      .thenThrows(LeadErased);
    spec.given(erasedLead).when({ type: 'RemoveImportantDate', dateId: birthdayId, now }).thenThrows(LeadErased);
  });

  it('can still be exported: the request for access is recorded', () => {
    spec.given(erasedLead).when({ type: 'RecordLeadDataExport', now }).then([{ type: 'LeadDataExported', data: { leadId, exportedAt: now } }]);
  });
});

describe("exporting a lead's data", () => {
  it('records each export', () => {
    const exported: LeadEvent = { type: 'LeadDataExported', data: { leadId, exportedAt: clock.plus(HOUR) } };
    const now = clock.plus(DAY);
    spec.given([created]).when({ type: 'RecordLeadDataExport', now: clock.plus(HOUR) }).then([exported]);
    spec.given([created, exported]).when({ type: 'RecordLeadDataExport', now }).then([{ type: 'LeadDataExported', data: { leadId, exportedAt: now } }]);
  });
});
