import { LeadEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { LeadProfile, LeadState } from './lead.state';

export const initialLeadState = (): LeadState => ({ status: 'none' });

type Change = Extract<LeadEvent, { type: 'LeadUpdated' }>['data'];

function applyChanges(profile: LeadProfile, change: Change): LeadProfile {
  const next: LeadProfile = { ...profile };
  if (change.email !== undefined) next.email = change.email;
  if (change.emailHash !== undefined) next.emailHash = change.emailHash;
  for (const key of ['firstName', 'lastName', 'company', 'title', 'timezone'] as const) {
    const value = change[key];
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  if (change.customFields !== undefined) next.customFields = change.customFields;
  return next;
}

export function evolveLead(state: LeadState, event: LeadEvent): LeadState {
  switch (event.type) {
    case 'LeadCreated': {
      const { leadId, workspaceId, email, emailHash, firstName, lastName, company, title, timezone, customFields } = event.data;
      const profile: LeadProfile = { email, emailHash, customFields };
      Object.assign(profile, Object.fromEntries(Object.entries({ firstName, lastName, company, title, timezone }).filter(([, v]) => v !== undefined)));
      return { status: 'contactable', leadId, workspaceId, profile, importantDates: new Map() };
    }
    case 'LeadUpdated':
      return state.status === 'none' ? state : { ...state, profile: applyChanges(state.profile, event.data) };
    case 'LeadSuppressed':
      if (state.status === 'none' || state.status === 'erased') return state;
      if (state.status === 'unsubscribed') return { ...state, suppression: event.data.reason };
      return { ...state, status: 'suppressed', suppression: event.data.reason };
    case 'LeadUnsubscribed':
      if (state.status === 'none' || state.status === 'erased') return state;
      return { ...state, status: 'unsubscribed', suppression: state.status === 'suppressed' || state.status === 'unsubscribed' ? state.suppression : null };
    case 'LeadImportantDateSet': {
      if (state.status === 'none') return state;
      const { dateId, kind, label, date, recurrence } = event.data;
      return { ...state, importantDates: new Map(state.importantDates).set(dateId, { dateId, kind, label, date, recurrence }) };
    }
    case 'LeadImportantDateRemoved': {
      if (state.status === 'none') return state;
      const importantDates = new Map(state.importantDates);
      importantDates.delete(event.data.dateId);
      return { ...state, importantDates };
    }
    case 'LeadErased': {
      if (state.status === 'none') return state;
      const { leadId, workspaceId, profile } = state;
      return { status: 'erased', leadId, workspaceId, profile, importantDates: new Map() };
    }
    case 'LeadDataExported':
      return state;
    default:
      return assertNever(event, 'lead event');
  }
}
