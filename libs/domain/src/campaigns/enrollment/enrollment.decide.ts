import { EnrollmentEvent, SequenceStep, SkipReason, StopReason } from '@app/events';
import { Decider, assertNever } from '../../shared/decider';
import { addDelay, isAtOrBefore, latest } from '../../shared/time';
import { renderEmail } from '../../shared/template-render';
import { insideWindow, nextOpenSlot } from '../../shared/send-window';
import {
  AlreadyEnrolled,
  CampaignClosed,
  CampaignNotSending,
  EmailNotInEnrollment,
  EnrollmentFinished,
  EnrollmentNotFound,
  LeadNotContactable,
  NoStepScheduled,
  StepNotDue,
  UnknownLink,
} from './enrollment.errors';
import { evolveEnrollment, initialEnrollmentState } from './enrollment.evolve';
import { EmailRecord, EnrollmentCommand, EnrollmentState, LeadFacts, SequenceFacts } from './enrollment.state';

type Enrolled = Exclude<EnrollmentState, { status: 'none' }>;
type FireStep = Extract<EnrollmentCommand, { type: 'FireStep' }>;

const refs = (s: Enrolled) => ({ enrollmentId: s.enrollmentId, campaignId: s.campaignId, leadId: s.leadId });

function stepAt(sequence: SequenceFacts, index: number): SequenceStep {
  const step = sequence.steps[index];
  if (!step) throw new Error(`sequence ${sequence.sequenceId} has no step ${index}`);
  return step;
}

/** After step `stepIndex` ended at `at`: schedule the next one from `at`, or complete. */
function afterStep(state: Enrolled, stepIndex: number, at: string, sequence: SequenceFacts): EnrollmentEvent[] {
  const next = stepIndex + 1;
  if (next >= state.stepCount) return [{ type: 'EnrollmentCompleted', data: { ...refs(state), completedAt: at } }];
  const dueAt = addDelay(at, stepAt(sequence, next).delay);
  return [{ type: 'StepScheduled', data: { ...refs(state), stepIndex: next, dueAt, reason: 'PREVIOUS_STEP', scheduledAt: at } }];
}

const leadBlock: Record<Exclude<LeadFacts['status'], 'contactable'>, { skip: SkipReason; stop: StopReason }> = {
  suppressed: { skip: 'LEAD_SUPPRESSED', stop: 'SUPPRESSED' },
  unsubscribed: { skip: 'LEAD_UNSUBSCRIBED', stop: 'UNSUBSCRIBED' },
  erased: { skip: 'LEAD_ERASED', stop: 'LEAD_ERASED' },
};

/** Conditions look at everything this enrollment has seen up to the moment the step falls due. */
function conditionMet(condition: SequenceStep['condition'], emails: readonly EmailRecord[]): boolean {
  switch (condition) {
    case 'ALWAYS':
      return true;
    case 'IF_NOT_OPENED':
      return !emails.some((e) => e.opened);
    case 'IF_NOT_CLICKED':
      return !emails.some((e) => e.clicked);
    case 'IF_NOT_REPLIED':
      return !emails.some((e) => e.replied);
    default:
      return assertNever(condition, 'step condition');
  }
}

function pickVariant(variants: SequenceStep['variants'], roll: number): SequenceStep['variants'][number] {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let target = Math.min(Math.max(roll, 0), 0.999999) * total;
  for (const variant of variants) {
    if (target < variant.weight) return variant;
    target -= variant.weight;
  }
  return variants[variants.length - 1] as SequenceStep['variants'][number];
}

function fireStep(command: FireStep, state: EnrollmentState): EnrollmentEvent[] {
  if (state.status === 'none') throw new EnrollmentNotFound();
  const stale = (error: Error): EnrollmentEvent[] => {
    // A timer that finds its step already handled is a harmless duplicate; a user is told why.
    if (command.manual) throw error;
    return [];
  };
  if (state.status === 'waiting') return stale(new NoStepScheduled('The campaign has not been launched yet: launch it to start sending'));
  if (state.status === 'completed' || state.status === 'stopped') return stale(new EnrollmentFinished(state.status));
  const step = state.step;
  if (step.phase === 'queued') return stale(new NoStepScheduled(`Step ${step.stepIndex + 1} is already queued for sending`));
  if (step.stepIndex !== command.stepIndex) return stale(new NoStepScheduled(`Step ${command.stepIndex + 1} is not the current step`));
  if (!command.manual && !isAtOrBefore(step.dueAt, command.now)) throw new StepNotDue(step.stepIndex, step.dueAt);
  if (command.campaign.status !== 'active') throw new CampaignNotSending(command.campaign.status);

  const at = command.now;
  const stepIndex = step.stepIndex;
  const due: EnrollmentEvent = { type: 'StepDue', data: { ...refs(state), stepIndex, dueAt: step.dueAt, firedAt: at, manual: command.manual } };
  const skip = (reason: SkipReason, detail?: string): EnrollmentEvent => ({
    type: 'StepSkipped',
    data: { ...refs(state), stepIndex, reason, detail, skippedAt: at },
  });

  if (command.lead.status !== 'contactable') {
    const block = leadBlock[command.lead.status];
    return [due, skip(block.skip), { type: 'EnrollmentStopped', data: { ...refs(state), reason: block.stop, stoppedAt: at } }];
  }
  const definition = stepAt(command.sequence, stepIndex);
  if (!conditionMet(definition.condition, state.emails)) {
    return [due, skip('CONDITION_NOT_MET', definition.condition), ...afterStep(state, stepIndex, at, command.sequence)];
  }
  const window = command.sendWindow;
  if (window && !command.manual && !insideWindow(at, window.window, window.zone)) {
    // Outside the window: nothing is due yet; the step waits for the next open slot.
    const dueAt = nextOpenSlot(at, window.window, window.zone);
    return [{ type: 'StepScheduled', data: { ...refs(state), stepIndex, dueAt, reason: 'SEND_WINDOW', scheduledAt: at } }];
  }
  const variant = pickVariant(definition.variants, command.variantRoll);
  const template = command.templates[variant.templateId];
  if (!template) return [due, skip('TEMPLATE_ERROR', `template ${variant.templateId} is not available`), ...afterStep(state, stepIndex, at, command.sequence)];
  const rendered = renderEmail(template, { ...command.lead.variables, email: command.lead.email });
  if (!rendered.ok) {
    const reason = rendered.missingVariable ? 'MISSING_VARIABLE' : 'TEMPLATE_ERROR';
    return [due, skip(reason, rendered.error), ...afterStep(state, stepIndex, at, command.sequence)];
  }
  if (!rendered.email.subject) return [due, skip('TEMPLATE_ERROR', 'the subject renders empty'), ...afterStep(state, stepIndex, at, command.sequence)];
  const { subject, bodyHtml, bodyText, links } = rendered.email;
  return [
    due,
    {
      type: 'EmailQueued',
      data: {
        ...refs(state),
        emailId: command.emailId,
        workspaceId: state.workspaceId,
        stepIndex,
        variant: variant.key,
        templateId: variant.templateId,
        templateRevision: template.revision,
        to: command.lead.email,
        subject,
        bodyHtml,
        bodyText,
        trackingId: command.trackingId,
        links,
        threadOfEmailId: state.emails[0]?.emailId,
        queuedAt: at,
      },
    },
  ];
}

function findEmail(state: EnrollmentState, emailId: string): { state: Enrolled; email: EmailRecord } {
  if (state.status === 'none') throw new EmailNotInEnrollment(emailId);
  const email = state.emails.find((e) => e.emailId === emailId);
  if (!email) throw new EmailNotInEnrollment(emailId);
  return { state, email };
}

const isOpen = (s: EnrollmentState): s is Extract<EnrollmentState, { status: 'waiting' | 'active' }> => s.status === 'waiting' || s.status === 'active';

export function decideEnrollment(command: EnrollmentCommand, state: EnrollmentState): EnrollmentEvent[] {
  switch (command.type) {
    case 'EnrollLead': {
      if (state.status !== 'none') throw new AlreadyEnrolled(state.enrollmentId);
      if (command.lead.status !== 'contactable') throw new LeadNotContactable(command.lead.status);
      const campaign = command.campaign;
      if (campaign.status === 'completed' || campaign.status === 'archived') throw new CampaignClosed(campaign.status);
      const { enrollmentId, workspaceId, campaignId, leadId, now } = command;
      const ref = { enrollmentId, campaignId, leadId };
      const occasion = command.occasion;
      const events: EnrollmentEvent[] = [
        {
          type: 'LeadEnrolled',
          data: { ...ref, workspaceId, sequenceId: command.sequence.sequenceId, stepCount: command.sequence.steps.length, occasion, enrolledAt: now },
        },
      ];
      if (campaign.launchedAt !== null) {
        // An occasion's email is due on its date; a sequence's first step after its delay.
        const dueAt = occasion ? latest(occasion.dueAt, now) : addDelay(latest(now, campaign.launchedAt), stepAt(command.sequence, 0).delay);
        events.push({ type: 'StepScheduled', data: { ...ref, stepIndex: 0, dueAt, reason: occasion ? 'OCCASION' : 'ENROLLED', scheduledAt: now } });
      }
      return events;
    }
    case 'StartEnrollment': {
      if (state.status === 'none') throw new EnrollmentNotFound();
      if (state.status !== 'waiting' || command.launchedAt === null) return [];
      if (state.occasionDueAt) {
        const dueAt = latest(state.occasionDueAt, command.launchedAt);
        return [{ type: 'StepScheduled', data: { ...refs(state), stepIndex: 0, dueAt, reason: 'OCCASION', scheduledAt: command.now } }];
      }
      const dueAt = addDelay(latest(state.enrolledAt, command.launchedAt), stepAt(command.sequence, 0).delay);
      return [{ type: 'StepScheduled', data: { ...refs(state), stepIndex: 0, dueAt, reason: 'LAUNCHED', scheduledAt: command.now } }];
    }
    case 'FireStep':
      return fireStep(command, state);
    case 'RecordEmailSent': {
      const found = findEmail(state, command.emailId);
      if (found.email.delivery !== 'queued') return [];
      const s = found.state;
      const { emailId, transport, providerMessageId, messageIdHeader, threadId, mailboxId, from, sentAt } = command;
      const sent: EnrollmentEvent = { type: 'EmailSent', data: { ...refs(s), emailId, transport, providerMessageId, messageIdHeader, threadId, mailboxId, from, sentAt } };
      if (s.status === 'active' && s.step.phase === 'queued' && s.step.emailId === emailId) {
        return [sent, ...afterStep(s, s.step.stepIndex, sentAt, command.sequence)];
      }
      return [sent];
    }
    case 'RecordEmailFailed': {
      const found = findEmail(state, command.emailId);
      if (found.email.delivery !== 'queued') return [];
      const s = found.state;
      const { emailId, reason, attempts, permanent, failedAt } = command;
      const failed: EnrollmentEvent = { type: 'EmailFailed', data: { ...refs(s), emailId, reason, attempts, permanent, failedAt } };
      if (s.status === 'active' && s.step.phase === 'queued' && s.step.emailId === emailId) {
        return [failed, { type: 'EnrollmentStopped', data: { ...refs(s), reason: 'SEND_FAILED', stoppedAt: failedAt } }];
      }
      return [failed];
    }
    case 'WithholdEmail': {
      const found = findEmail(state, command.emailId);
      if (found.email.delivery !== 'queued') return [];
      const s = found.state;
      const { emailId, reason, detail, stop, attempts, at } = command;
      const events: EnrollmentEvent[] = [
        { type: 'StepSkipped', data: { ...refs(s), stepIndex: found.email.stepIndex, reason, detail, skippedAt: at } },
        { type: 'EmailFailed', data: { ...refs(s), emailId, reason: `not sent: ${detail}`, attempts, permanent: true, failedAt: at } },
      ];
      if (isOpen(s)) events.push({ type: 'EnrollmentStopped', data: { ...refs(s), reason: stop, stoppedAt: at } });
      return events;
    }
    case 'RecordOpen': {
      const { state: s } = findEmail(state, command.emailId);
      const { emailId, ip, userAgent, machine, openedAt } = command;
      return [{ type: 'EmailOpened', data: { ...refs(s), emailId, ip, userAgent, machine, openedAt } }];
    }
    case 'RecordClick': {
      const { state: s, email } = findEmail(state, command.emailId);
      const url = email.links[command.linkIndex];
      if (url === undefined) throw new UnknownLink(command.linkIndex);
      const { emailId, linkIndex, ip, userAgent, clickedAt } = command;
      return [{ type: 'LinkClicked', data: { ...refs(s), emailId, linkIndex, url, ip, userAgent, clickedAt } }];
    }
    case 'RecordReply': {
      const { state: s, email } = findEmail(state, command.emailId);
      const { emailId, kind, snippet, receivedAt } = command;
      // A Message-ID comes from the sender's mail: cut to the schema's 1000 characters (the same
      // long id cuts the same way, so it still deduplicates) rather than lose the reply.
      const replyMessageId = command.replyMessageId?.slice(0, 1000);
      if (replyMessageId && email.replyIds.includes(replyMessageId)) return [];
      const events: EnrollmentEvent[] = [{ type: 'ReplyReceived', data: { ...refs(s), emailId, kind, snippet, replyMessageId, receivedAt } }];
      if (kind === 'HUMAN' && command.stopOnReply && isOpen(s)) {
        events.push({ type: 'EnrollmentStopped', data: { ...refs(s), reason: 'REPLIED', stoppedAt: receivedAt } });
      }
      return events;
    }
    case 'RecordBounce': {
      const { state: s, email } = findEmail(state, command.emailId);
      // A redelivered report is a duplicate; a HARD bounce after a SOFT one (retries gave up) still stops.
      if (email.bounced === 'HARD' || email.bounced === command.kind) return [];
      const { emailId, kind, reason, bouncedAt } = command;
      const events: EnrollmentEvent[] = [{ type: 'EmailBounced', data: { ...refs(s), emailId, kind, reason, bouncedAt } }];
      if (kind === 'HARD' && isOpen(s)) events.push({ type: 'EnrollmentStopped', data: { ...refs(s), reason: 'BOUNCED', stoppedAt: bouncedAt } });
      return events;
    }
    case 'StopEnrollment': {
      if (state.status === 'none') throw new EnrollmentNotFound();
      if (!isOpen(state)) return [];
      return [{ type: 'EnrollmentStopped', data: { ...refs(state), reason: command.reason, stoppedAt: command.now } }];
    }
    case 'ResumeEnrollment': {
      if (state.status !== 'active' || state.step.phase !== 'scheduled') return [];
      // Strictly before: a step already moved to this resume (a repeated resume) stays as it is.
      if (Date.parse(state.step.dueAt) >= Date.parse(command.resumedAt)) return [];
      return [
        {
          type: 'StepScheduled',
          data: { ...refs(state), stepIndex: state.step.stepIndex, dueAt: command.resumedAt, reason: 'RESUMED', scheduledAt: command.resumedAt },
        },
      ];
    }
    default:
      return assertNever(command, 'enrollment command');
  }
}

export const enrollmentDecider: Decider<EnrollmentCommand, EnrollmentEvent, EnrollmentState> = {
  initialState: initialEnrollmentState,
  evolve: evolveEnrollment,
  decide: decideEnrollment,
};
