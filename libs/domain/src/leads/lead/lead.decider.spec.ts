import { LeadEvent } from '@app/events';
import { InvalidLead, LeadAlreadyExists, LeadCommand, LeadNotFound, leadDecider } from '@app/domain';
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
