import { EnrollmentEvent } from '@app/events';
import { assertNever } from '../../shared/decider';
import { EmailRecord, EnrollmentState } from './enrollment.state';

export const initialEnrollmentState = (): EnrollmentState => ({ status: 'none' });

function updateEmail(state: EnrollmentState, emailId: string, change: (email: EmailRecord) => EmailRecord): EnrollmentState {
  if (state.status === 'none') return state;
  return { ...state, emails: state.emails.map((e) => (e.emailId === emailId ? change(e) : e)) };
}

export function evolveEnrollment(state: EnrollmentState, event: EnrollmentEvent): EnrollmentState {
  if (event.type === 'LeadEnrolled') {
    const { enrollmentId, workspaceId, campaignId, leadId, sequenceId, stepCount, enrolledAt, occasion } = event.data;
    return { status: 'waiting', enrollmentId, workspaceId, campaignId, leadId, sequenceId, stepCount, enrolledAt, emails: [], occasionDueAt: occasion?.dueAt };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'StepScheduled':
      if (state.status !== 'waiting' && state.status !== 'active') return state;
      return { ...state, status: 'active', step: { stepIndex: event.data.stepIndex, phase: 'scheduled', dueAt: event.data.dueAt } };
    case 'StepDue':
    case 'StepSkipped':
      // Always followed in the same decision by EmailQueued, a new StepScheduled or an end.
      return state;
    case 'EmailQueued': {
      const email: EmailRecord = {
        emailId: event.data.emailId,
        stepIndex: event.data.stepIndex,
        links: event.data.links.map((l) => l.url),
        delivery: 'queued',
        opened: false,
        clicked: false,
        replied: false,
        replyIds: [],
        bounced: null,
      };
      const emails = [...state.emails, email];
      if (state.status !== 'active') return { ...state, emails };
      return { ...state, emails, step: { stepIndex: event.data.stepIndex, phase: 'queued', emailId: event.data.emailId } };
    }
    case 'EmailSent':
      return updateEmail(state, event.data.emailId, (e) => ({ ...e, delivery: 'sent' }));
    case 'EmailFailed':
      return updateEmail(state, event.data.emailId, (e) => ({ ...e, delivery: 'failed' }));
    case 'EmailOpened':
      // A proxy or scanner fetching the pixel (Apple Mail Privacy Protection, image proxies)
      // is recorded but is not a person reading: it must not suppress "if not opened" steps.
      return event.data.machine ? state : updateEmail(state, event.data.emailId, (e) => ({ ...e, opened: true }));
    case 'LinkClicked':
      // A click implies the email was opened, even when the pixel was blocked.
      return updateEmail(state, event.data.emailId, (e) => ({ ...e, clicked: true, opened: true }));
    case 'ReplyReceived': {
      const replyId = event.data.replyMessageId;
      const withId = replyId ? updateEmail(state, event.data.emailId, (e) => ({ ...e, replyIds: [...e.replyIds, replyId] })) : state;
      return event.data.kind === 'HUMAN' ? updateEmail(withId, event.data.emailId, (e) => ({ ...e, replied: true, opened: true })) : withId;
    }
    case 'EmailBounced':
      return updateEmail(state, event.data.emailId, (e) => ({ ...e, bounced: e.bounced === 'HARD' ? 'HARD' : event.data.kind }));
    case 'EnrollmentCompleted':
      return { ...withoutStep(state), status: 'completed' };
    case 'EnrollmentStopped':
      return { ...withoutStep(state), status: 'stopped', reason: event.data.reason };
    default:
      return assertNever(event, 'enrollment event');
  }
}

function withoutStep(state: Exclude<EnrollmentState, { status: 'none' }>) {
  const { enrollmentId, workspaceId, campaignId, leadId, sequenceId, stepCount, enrolledAt, emails, occasionDueAt } = state;
  return { enrollmentId, workspaceId, campaignId, leadId, sequenceId, stepCount, enrolledAt, emails, occasionDueAt };
}
