import { EnrollmentEvent, ScheduleReasons, SendWindowSetting, SequenceStep, StepCondition } from '@app/events';
import {
  AlreadyEnrolled,
  CampaignClosed,
  CampaignFacts,
  CampaignNotSending,
  EmailNotInEnrollment,
  EnrollmentCommand,
  EnrollmentFinished,
  EnrollmentNotFound,
  LeadFacts,
  LeadNotContactable,
  NoStepScheduled,
  SequenceFacts,
  StepNotDue,
  TemplateFacts,
  UnknownLink,
  enrollmentDecider,
} from '@app/domain';
import { DAY, HOUR, MINUTE, deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const campaignId = id('campaign');
const leadId = id('lead');
const enrollmentId = id('enrollment');
const sequenceId = id('sequence');
const introId = id('template');
const introBId = id('template');
const followUpId = id('template');
const breakupId = id('template');
const emailIds = [id('email'), id('email'), id('email')] as const;
const trackingIds = [id('tracking'), id('tracking'), id('tracking')] as const;
const ref = { enrollmentId, campaignId, leadId };

const spec = deciderSpec(enrollmentDecider);

/** The happy path's timeline: enrolled after launch, each email sent a couple of minutes after it was queued. */
const at = {
  launched: clock.plus(-2 * DAY),
  enrolled: clock.now,
  step0Due: clock.plus(HOUR),
  step0Sent: clock.plus(HOUR + 2 * MINUTE),
  step1Due: clock.plus(2 * DAY + HOUR + 2 * MINUTE),
  step1Sent: clock.plus(2 * DAY + HOUR + 3 * MINUTE),
  step2Due: clock.plus(5 * DAY + HOUR + 3 * MINUTE),
  step2Sent: clock.plus(5 * DAY + HOUR + 5 * MINUTE),
};

const plainStep = (delay: string, condition: StepCondition, templateId: string): SequenceStep => ({
  delay,
  condition,
  variants: [{ key: 'A', templateId, weight: 1 }],
});
/** Intro after an hour, a follow-up two days after it, a break-up three days later unless they replied. */
const sequenceWith = (step1Condition: StepCondition = 'ALWAYS'): SequenceFacts => ({
  sequenceId,
  steps: [plainStep('PT1H', 'ALWAYS', introId), plainStep('P2D', step1Condition, followUpId), plainStep('P3D', 'IF_NOT_REPLIED', breakupId)],
});
const sequence = sequenceWith();

const templates: TemplateFacts = {
  [introId]: { subject: 'Quick question, {{firstName}}', body: 'Hi {{firstName}},\n\nI saw {{company}} is hiring. Worth a chat? https://example.com/demo', revision: 0 },
  [introBId]: { subject: 'An idea for {{company}}', body: 'Hi {{firstName}}, one idea for {{company}}.', revision: 4 },
  [followUpId]: { subject: 'Re: Quick question, {{ firstName | default: "there" }}', body: 'Just bumping this up.', revision: 2 },
  [breakupId]: { subject: 'Closing the loop', body: 'Should I stop writing, {{ firstName | default: "there" }}?', revision: 1 },
};

const ada: LeadFacts = { status: 'contactable', email: 'ada@example.com', variables: { firstName: 'Ada', company: 'Analytical Engines' } };
const draftCampaign: CampaignFacts = { status: 'draft', launchedAt: null, stopOnReply: true };
const activeCampaign: CampaignFacts = { status: 'active', launchedAt: at.launched, stopOnReply: true };
const pausedCampaign: CampaignFacts = { status: 'paused', launchedAt: at.launched, stopOnReply: true };

type EnrollLead = Extract<EnrollmentCommand, { type: 'EnrollLead' }>;
type FireStep = Extract<EnrollmentCommand, { type: 'FireStep' }>;

const enrollLead = (over: Partial<EnrollLead> = {}): EnrollLead => ({
  type: 'EnrollLead',
  enrollmentId,
  workspaceId,
  campaignId,
  leadId,
  campaign: activeCampaign,
  lead: { status: 'contactable' },
  sequence,
  now: at.enrolled,
  ...over,
});
const fireStep = (stepIndex: number, now: string, over: Partial<FireStep> = {}): FireStep => ({
  type: 'FireStep',
  stepIndex,
  manual: false,
  campaign: activeCampaign,
  lead: ada,
  sequence,
  templates,
  variantRoll: 0,
  emailId: emailIds[stepIndex] ?? id('email'),
  trackingId: trackingIds[stepIndex] ?? id('tracking'),
  now,
  ...over,
});

// Events of the history. Whole events, built with the values the spec reads.
type ScheduleReason = (typeof ScheduleReasons)[number];
const leadEnrolled = (enrolledAt = at.enrolled): EnrollmentEvent => ({
  type: 'LeadEnrolled',
  data: { ...ref, workspaceId, sequenceId, stepCount: 3, enrolledAt },
});
const stepScheduled = (stepIndex: number, dueAt: string, reason: ScheduleReason, scheduledAt: string): EnrollmentEvent => ({
  type: 'StepScheduled',
  data: { ...ref, stepIndex, dueAt, reason, scheduledAt },
});
const stepDue = (stepIndex: number, dueAt: string, firedAt: string, manual = false): EnrollmentEvent => ({
  type: 'StepDue',
  data: { ...ref, stepIndex, dueAt, firedAt, manual },
});
const stepTemplates = [introId, followUpId, breakupId] as const;
const emailQueued = (stepIndex: 0 | 1 | 2, queuedAt: string): EnrollmentEvent => ({
  type: 'EmailQueued',
  data: {
    ...ref,
    emailId: emailIds[stepIndex],
    workspaceId,
    stepIndex,
    variant: 'A',
    templateId: stepTemplates[stepIndex],
    templateRevision: 0,
    to: 'ada@example.com',
    subject: `Step ${stepIndex + 1}`,
    bodyHtml: '<p>See <a href="https://example.com/demo">https://example.com/demo</a></p>',
    bodyText: 'See https://example.com/demo',
    trackingId: trackingIds[stepIndex],
    links: [{ index: 0, url: 'https://example.com/demo' }],
    threadOfEmailId: stepIndex === 0 ? undefined : emailIds[0],
    queuedAt,
  },
});
const emailSent = (emailId: string, sentAt: string): EnrollmentEvent => ({
  type: 'EmailSent',
  data: { ...ref, emailId, transport: 'outbox', providerMessageId: `outbox-${emailId}`, sentAt },
});
const emailOpened = (emailId: string, openedAt: string): EnrollmentEvent => ({
  type: 'EmailOpened',
  data: { ...ref, emailId, machine: false, openedAt },
});
const linkClicked = (emailId: string, clickedAt: string): EnrollmentEvent => ({
  type: 'LinkClicked',
  data: { ...ref, emailId, linkIndex: 0, url: 'https://example.com/demo', clickedAt },
});
const replyReceived = (emailId: string, kind: 'HUMAN' | 'AUTO_REPLY', receivedAt: string): EnrollmentEvent => ({
  type: 'ReplyReceived',
  data: { ...ref, emailId, kind, receivedAt },
});
const emailBounced = (emailId: string, kind: 'HARD' | 'SOFT', bouncedAt: string): EnrollmentEvent => ({
  type: 'EmailBounced',
  data: { ...ref, emailId, kind, reason: kind === 'HARD' ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full', bouncedAt },
});
const enrollmentStopped = (reason: 'REPLIED' | 'BOUNCED' | 'CAMPAIGN_ARCHIVED', stoppedAt: string): EnrollmentEvent => ({
  type: 'EnrollmentStopped',
  data: { ...ref, reason, stoppedAt },
});

// Histories, each a step further along the happy path.
const awaitingLaunch = [leadEnrolled()];
const step0Scheduled = [...awaitingLaunch, stepScheduled(0, at.step0Due, 'ENROLLED', at.enrolled)];
const step0Queued = [...step0Scheduled, stepDue(0, at.step0Due, at.step0Due), emailQueued(0, at.step0Due)];
const step1Scheduled = [...step0Queued, emailSent(emailIds[0], at.step0Sent), stepScheduled(1, at.step1Due, 'PREVIOUS_STEP', at.step0Sent)];
const step1Queued = [...step1Scheduled, stepDue(1, at.step1Due, at.step1Due), emailQueued(1, at.step1Due)];
const step2Scheduled = [...step1Queued, emailSent(emailIds[1], at.step1Sent), stepScheduled(2, at.step2Due, 'PREVIOUS_STEP', at.step1Sent)];
const step2Queued = [...step2Scheduled, stepDue(2, at.step2Due, at.step2Due), emailQueued(2, at.step2Due)];
const completed: EnrollmentEvent[] = [
  ...step2Queued,
  emailSent(emailIds[2], at.step2Sent),
  { type: 'EnrollmentCompleted', data: { ...ref, completedAt: at.step2Sent } },
];

/** What step 0 renders to for Ada. */
const introEmail = (queuedAt: string): EnrollmentEvent => ({
  type: 'EmailQueued',
  data: {
    ...ref,
    emailId: emailIds[0],
    workspaceId,
    stepIndex: 0,
    variant: 'A',
    templateId: introId,
    templateRevision: 0,
    to: 'ada@example.com',
    subject: 'Quick question, Ada',
    bodyHtml: '<p>Hi Ada,</p>\n<p>I saw Analytical Engines is hiring. Worth a chat? <a href="https://example.com/demo">https://example.com/demo</a></p>',
    bodyText: 'Hi Ada,\n\nI saw Analytical Engines is hiring. Worth a chat? https://example.com/demo',
    trackingId: trackingIds[0],
    links: [{ index: 0, url: 'https://example.com/demo' }],
    queuedAt,
  },
});
/** What step 1 renders to for Ada: a follow-up threaded under the first email. */
const followUpEmail = (queuedAt: string, subject = 'Re: Quick question, Ada'): EnrollmentEvent => ({
  type: 'EmailQueued',
  data: {
    ...ref,
    emailId: emailIds[1],
    workspaceId,
    stepIndex: 1,
    variant: 'A',
    templateId: followUpId,
    templateRevision: 2,
    to: 'ada@example.com',
    subject,
    bodyHtml: '<p>Just bumping this up.</p>',
    bodyText: 'Just bumping this up.',
    trackingId: trackingIds[1],
    links: [],
    threadOfEmailId: emailIds[0],
    queuedAt,
  },
});

describe('enrolling a lead in a campaign that has not been launched', () => {
  it('records the enrollment and schedules no step', () => {
    spec.given([]).when(enrollLead({ campaign: draftCampaign })).then([leadEnrolled()]);
  });

  it('sends nothing before launch: a timer is ignored, a manual send is refused', () => {
    spec.given(awaitingLaunch).when(fireStep(0, at.step0Due)).thenNothing();
    spec.given(awaitingLaunch).when(fireStep(0, at.step0Due, { manual: true })).thenThrows(NoStepScheduled, /not been launched/);
  });

  it('refuses a second enrollment of the same lead', () => {
    spec.given(awaitingLaunch).when(enrollLead({ campaign: draftCampaign })).thenThrows(AlreadyEnrolled, enrollmentId);
  });
});

describe('the campaign is launched after the lead was enrolled', () => {
  it('schedules step 0 at the launch time plus its delay, as LAUNCHED', () => {
    const launchedAt = clock.plus(2 * DAY);
    spec
      .given(awaitingLaunch)
      .when({ type: 'StartEnrollment', launchedAt, sequence, now: launchedAt })
      .then([stepScheduled(0, '2025-03-05T10:00:00.000Z', 'LAUNCHED', launchedAt)]);
  });

  it('counts from the enrollment when that is later than the launch', () => {
    // The launch sweep can reach a lead enrolled (with stale campaign facts) just after launch.
    const launchedAt = clock.plus(-MINUTE);
    spec
      .given(awaitingLaunch)
      .when({ type: 'StartEnrollment', launchedAt, sequence, now: clock.plus(MINUTE) })
      .then([stepScheduled(0, '2025-03-03T10:00:00.000Z', 'LAUNCHED', clock.plus(MINUTE))]);
  });

  it('starts nothing while the campaign is not launched', () => {
    spec.given(awaitingLaunch).when({ type: 'StartEnrollment', launchedAt: null, sequence, now: clock.plus(MINUTE) }).thenNothing();
  });

  it('schedules step 0 only once when the launch is processed twice', () => {
    spec.given(step0Scheduled).when({ type: 'StartEnrollment', launchedAt: at.launched, sequence, now: clock.plus(MINUTE) }).thenNothing();
  });

  it('refuses to start an enrollment that does not exist', () => {
    spec.given([]).when({ type: 'StartEnrollment', launchedAt: at.launched, sequence, now: at.enrolled }).thenThrows(EnrollmentNotFound);
  });
});

describe('enrolling a lead in a launched campaign', () => {
  it('schedules step 0 at the enrollment time plus its delay, as ENROLLED', () => {
    spec
      .given([])
      .when(enrollLead())
      .then([leadEnrolled(), stepScheduled(0, '2025-03-03T10:00:00.000Z', 'ENROLLED', at.enrolled)]);
  });

  it('counts from the launch when that is later than the enrollment', () => {
    // The enrollment was stamped a moment before a concurrent launch was recorded.
    const launchedAt = clock.plus(10 * MINUTE);
    spec
      .given([])
      .when(enrollLead({ campaign: { ...activeCampaign, launchedAt } }))
      .then([leadEnrolled(), stepScheduled(0, '2025-03-03T10:10:00.000Z', 'ENROLLED', at.enrolled)]);
  });

  it('schedules step 0 in a paused campaign too; it is sent after the resume', () => {
    spec
      .given([])
      .when(enrollLead({ campaign: pausedCampaign }))
      .then([leadEnrolled(), stepScheduled(0, '2025-03-03T10:00:00.000Z', 'ENROLLED', at.enrolled)]);
  });

  it('refuses a lead that is already enrolled, even after its enrollment ended', () => {
    spec.given(step0Scheduled).when(enrollLead()).thenThrows(AlreadyEnrolled, /already enrolled in this campaign/);
    spec.given(completed).when(enrollLead()).thenThrows(AlreadyEnrolled);
  });

  it.each(['suppressed', 'unsubscribed', 'erased'] as const)('refuses a %s lead', (status) => {
    spec.given([]).when(enrollLead({ lead: { status } })).thenThrows(LeadNotContactable, `This lead is ${status}`);
  });

  it.each(['completed', 'archived'] as const)('refuses any lead once the campaign is %s', (status) => {
    spec
      .given([])
      .when(enrollLead({ campaign: { status, launchedAt: at.launched, stopOnReply: true } }))
      .thenThrows(CampaignClosed, `The campaign is ${status}`);
  });
});

describe('a scheduled step falls due', () => {
  it('records the step as due and queues the email rendered for the lead', () => {
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due))
      .then([stepDue(0, at.step0Due, at.step0Due), introEmail(at.step0Due)]);
  });

  it('threads a follow-up under the first email of the enrollment', () => {
    spec
      .given(step1Scheduled)
      .when(fireStep(1, at.step1Due))
      .then([stepDue(1, at.step1Due, at.step1Due), followUpEmail(at.step1Due)]);
  });

  it('refuses a timer that fires before the due time', () => {
    spec.given(step0Scheduled).when(fireStep(0, clock.plus(HOUR - MINUTE))).thenThrows(StepNotDue, 'not due until 2025-03-03T10:00:00.000Z');
  });

  it('sends the step early when a user asks for it', () => {
    const now = clock.plus(5 * MINUTE);
    spec
      .given(step0Scheduled)
      .when(fireStep(0, now, { manual: true }))
      .then([stepDue(0, at.step0Due, now, true), introEmail(now)]);
  });

  it('queues a step once: a repeated timer is a no-op, a repeated manual send is refused', () => {
    spec.given(step0Queued).when(fireStep(0, clock.plus(HOUR + MINUTE))).thenNothing();
    spec.given(step0Queued).when(fireStep(0, clock.plus(HOUR + MINUTE), { manual: true })).thenThrows(NoStepScheduled, 'Step 1 is already queued for sending');
  });

  it('ignores a timer for a step that is not the current one, and tells a user so', () => {
    spec.given(step1Scheduled).when(fireStep(0, at.step1Due)).thenNothing();
    spec.given(step1Scheduled).when(fireStep(2, at.step1Due, { manual: true })).thenThrows(NoStepScheduled, 'Step 3 is not the current step');
  });
});

describe('the campaign is paused', () => {
  it('sends nothing: a due step is refused with CampaignNotSending', () => {
    spec.given(step0Scheduled).when(fireStep(0, at.step0Due, { campaign: pausedCampaign })).thenThrows(CampaignNotSending, /paused.*resume it first/);
  });

  it('refuses a manual send as well', () => {
    spec.given(step1Scheduled).when(fireStep(1, at.step0Sent, { campaign: pausedCampaign, manual: true })).thenThrows(CampaignNotSending);
  });
});

describe('the campaign is resumed', () => {
  const resumedAt = clock.plus(5 * HOUR);

  it('reschedules a step that fell due during the pause to the resume time, as RESUMED', () => {
    spec
      .given(step0Scheduled)
      .when({ type: 'ResumeEnrollment', resumedAt })
      .then([stepScheduled(0, '2025-03-03T14:00:00.000Z', 'RESUMED', '2025-03-03T14:00:00.000Z')]);
  });

  it('reschedules only once when the same resume is handled twice', () => {
    const rescheduled = stepScheduled(0, '2025-03-03T14:00:00.000Z', 'RESUMED', '2025-03-03T14:00:00.000Z');
    spec.given([...step0Scheduled, rescheduled]).when({ type: 'ResumeEnrollment', resumedAt }).thenNothing();
  });

  it('leaves a step that is not due yet on its own schedule', () => {
    spec.given(step0Scheduled).when({ type: 'ResumeEnrollment', resumedAt: clock.plus(30 * MINUTE) }).thenNothing();
  });

  it('sends the rescheduled step once, whichever timer fires first', () => {
    const rescheduled = [...step0Scheduled, stepScheduled(0, resumedAt, 'RESUMED', resumedAt)];
    spec
      .given(rescheduled)
      .when(fireStep(0, resumedAt))
      .then([stepDue(0, resumedAt, resumedAt), introEmail(resumedAt)]);

    const sentOnResume = [...rescheduled, stepDue(0, resumedAt, resumedAt), introEmail(resumedAt)];
    // The original timer, which fired during the pause and was refused, comes round again.
    spec.given(sentOnResume).when(fireStep(0, clock.plus(5 * HOUR + MINUTE))).thenNothing();
    spec.given(sentOnResume).when(fireStep(0, clock.plus(5 * HOUR + MINUTE), { manual: true })).thenThrows(NoStepScheduled, /already queued/);
  });

  it('reschedules nothing while the email of the step is already queued', () => {
    spec.given(step0Queued).when({ type: 'ResumeEnrollment', resumedAt }).thenNothing();
  });

  it('reschedules nothing for an enrollment that has ended', () => {
    spec.given(completed).when({ type: 'ResumeEnrollment', resumedAt: clock.plus(10 * DAY) }).thenNothing();
  });
});

describe('the lead became uncontactable after it was enrolled', () => {
  it.each([
    ['suppressed', 'LEAD_SUPPRESSED', 'SUPPRESSED'],
    ['unsubscribed', 'LEAD_UNSUBSCRIBED', 'UNSUBSCRIBED'],
    ['erased', 'LEAD_ERASED', 'LEAD_ERASED'],
  ] as const)('skips the due step of a %s lead (%s) and stops the enrollment (%s)', (status, skip, stop) => {
    spec
      .given(step1Scheduled)
      .when(fireStep(1, at.step1Due, { lead: { ...ada, status } }))
      .then([
        stepDue(1, at.step1Due, at.step1Due),
        { type: 'StepSkipped', data: { ...ref, stepIndex: 1, reason: skip, skippedAt: at.step1Due } },
        { type: 'EnrollmentStopped', data: { ...ref, reason: stop, stoppedAt: at.step1Due } },
      ]);
  });
});

describe('the timing of the next step', () => {
  it('is due at the send time of the previous step plus its delay', () => {
    // Step 1 waits P2D after step 0 was sent at 10:02, not after it was queued at 10:00.
    spec
      .given(step0Queued)
      .when({ type: 'RecordEmailSent', emailId: emailIds[0], transport: 'outbox', providerMessageId: 'outbox-1', sequence, sentAt: at.step0Sent })
      .then([
        { type: 'EmailSent', data: { ...ref, emailId: emailIds[0], transport: 'outbox', providerMessageId: 'outbox-1', sentAt: '2025-03-03T10:02:00.000Z' } },
        stepScheduled(1, '2025-03-05T10:02:00.000Z', 'PREVIOUS_STEP', '2025-03-03T10:02:00.000Z'),
      ]);
  });

  it('completes the enrollment once the last step is sent', () => {
    spec
      .given(step2Queued)
      .when({ type: 'RecordEmailSent', emailId: emailIds[2], transport: 'outbox', providerMessageId: 'outbox-3', sequence, sentAt: at.step2Sent })
      .then([
        { type: 'EmailSent', data: { ...ref, emailId: emailIds[2], transport: 'outbox', providerMessageId: 'outbox-3', sentAt: at.step2Sent } },
        { type: 'EnrollmentCompleted', data: { ...ref, completedAt: at.step2Sent } },
      ]);
  });

  it('ignores a second report of the same send', () => {
    spec
      .given(step1Scheduled)
      .when({ type: 'RecordEmailSent', emailId: emailIds[0], transport: 'outbox', providerMessageId: 'outbox-1', sequence, sentAt: at.step1Due })
      .thenNothing();
  });
});

describe('a step with a condition falls due', () => {
  const skippedThenNext = (condition: StepCondition): EnrollmentEvent[] => [
    stepDue(1, at.step1Due, at.step1Due),
    { type: 'StepSkipped', data: { ...ref, stepIndex: 1, reason: 'CONDITION_NOT_MET', detail: condition, skippedAt: at.step1Due } },
    // A skipped step counts as done at the skip: the next waits its delay from then.
    stepScheduled(2, '2025-03-08T10:02:00.000Z', 'PREVIOUS_STEP', at.step1Due),
  ];
  const sent = [stepDue(1, at.step1Due, at.step1Due), followUpEmail(at.step1Due)];
  const afterStep0 = clock.plus(3 * HOUR);

  it('IF_NOT_OPENED skips when an earlier email was opened after it was sent', () => {
    spec
      .given([...step1Scheduled, emailOpened(emailIds[0], afterStep0)])
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_OPENED') }))
      .then(skippedThenNext('IF_NOT_OPENED'));
  });

  it('IF_NOT_OPENED sends when nothing was opened', () => {
    spec
      .given(step1Scheduled)
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_OPENED') }))
      .then(sent);
  });

  it('IF_NOT_OPENED still sends when only a machine (a mail proxy or scanner) fetched the pixel', () => {
    const machineOpen: EnrollmentEvent = { type: 'EmailOpened', data: { ...ref, emailId: emailIds[0], machine: true, openedAt: afterStep0 } };
    spec
      .given([...step1Scheduled, machineOpen])
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_OPENED') }))
      .then(sent);
  });

  it('IF_NOT_OPENED counts a click as an open, even when the pixel was blocked', () => {
    spec
      .given([...step1Scheduled, linkClicked(emailIds[0], afterStep0)])
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_OPENED') }))
      .then(skippedThenNext('IF_NOT_OPENED'));
  });

  it('IF_NOT_CLICKED sends after an open without a click', () => {
    spec
      .given([...step1Scheduled, emailOpened(emailIds[0], afterStep0)])
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_CLICKED') }))
      .then(sent);
  });

  it('IF_NOT_CLICKED skips after a click', () => {
    spec
      .given([...step1Scheduled, linkClicked(emailIds[0], afterStep0)])
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_CLICKED') }))
      .then(skippedThenNext('IF_NOT_CLICKED'));
  });

  it('IF_NOT_REPLIED skips after a human reply that did not stop the enrollment', () => {
    spec
      .given([...step1Scheduled, replyReceived(emailIds[0], 'HUMAN', afterStep0)])
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_REPLIED') }))
      .then(skippedThenNext('IF_NOT_REPLIED'));
  });

  it('IF_NOT_REPLIED sends after an auto-reply', () => {
    spec
      .given([...step1Scheduled, replyReceived(emailIds[0], 'AUTO_REPLY', afterStep0)])
      .when(fireStep(1, at.step1Due, { sequence: sequenceWith('IF_NOT_REPLIED') }))
      .then(sent);
  });

  it('completes the enrollment when the last step is skipped', () => {
    spec
      .given([...step2Scheduled, replyReceived(emailIds[1], 'HUMAN', at.step1Sent)])
      .when(fireStep(2, at.step2Due))
      .then([
        stepDue(2, at.step2Due, at.step2Due),
        { type: 'StepSkipped', data: { ...ref, stepIndex: 2, reason: 'CONDITION_NOT_MET', detail: 'IF_NOT_REPLIED', skippedAt: at.step2Due } },
        { type: 'EnrollmentCompleted', data: { ...ref, completedAt: at.step2Due } },
      ]);
  });
});

describe('the lead replies', () => {
  const receivedAt = clock.plus(4 * HOUR);
  const reply = (kind: 'HUMAN' | 'AUTO_REPLY', stopOnReply: boolean): EnrollmentCommand => ({
    type: 'RecordReply',
    emailId: emailIds[0],
    kind,
    snippet: 'Sounds good',
    stopOnReply,
    receivedAt,
  });
  const replyEvent = (kind: 'HUMAN' | 'AUTO_REPLY'): EnrollmentEvent => ({
    type: 'ReplyReceived',
    data: { ...ref, emailId: emailIds[0], kind, snippet: 'Sounds good', receivedAt },
  });

  it('stops the enrollment on a human reply when the campaign stops on reply', () => {
    spec
      .given(step1Scheduled)
      .when(reply('HUMAN', true))
      .then([replyEvent('HUMAN'), enrollmentStopped('REPLIED', receivedAt)]);
  });

  it('keeps going when the campaign does not stop on reply', () => {
    spec.given(step1Scheduled).when(reply('HUMAN', false)).then([replyEvent('HUMAN')]);
  });

  it('keeps going on an auto-reply', () => {
    spec.given(step1Scheduled).when(reply('AUTO_REPLY', true)).then([replyEvent('AUTO_REPLY')]);
  });

  it('records a reply to a finished enrollment without stopping it again', () => {
    spec.given(completed).when(reply('HUMAN', true)).then([replyEvent('HUMAN')]);
  });
});

describe('an email bounces', () => {
  const bouncedAt = clock.plus(HOUR + 10 * MINUTE);
  const bounce = (kind: 'HARD' | 'SOFT'): EnrollmentCommand => ({
    type: 'RecordBounce',
    emailId: emailIds[0],
    kind,
    reason: kind === 'HARD' ? '550 5.1.1 user unknown' : '452 4.2.2 mailbox full',
    bouncedAt,
  });

  it('stops the enrollment on a hard bounce', () => {
    spec
      .given(step1Scheduled)
      .when(bounce('HARD'))
      .then([emailBounced(emailIds[0], 'HARD', bouncedAt), enrollmentStopped('BOUNCED', bouncedAt)]);
  });

  it('keeps going on a soft bounce', () => {
    spec.given(step1Scheduled).when(bounce('SOFT')).then([emailBounced(emailIds[0], 'SOFT', bouncedAt)]);
  });

  it('stops on a hard bounce that follows a soft one for the same email', () => {
    spec
      .given([...step1Scheduled, emailBounced(emailIds[0], 'SOFT', clock.plus(HOUR + 5 * MINUTE))])
      .when(bounce('HARD'))
      .then([emailBounced(emailIds[0], 'HARD', bouncedAt), enrollmentStopped('BOUNCED', bouncedAt)]);
  });

  it('ignores a repeated report of the same bounce', () => {
    spec.given([...step1Scheduled, emailBounced(emailIds[0], 'SOFT', bouncedAt)]).when(bounce('SOFT')).thenNothing();
    spec
      .given([...step1Scheduled, emailBounced(emailIds[0], 'HARD', bouncedAt), enrollmentStopped('BOUNCED', bouncedAt)])
      .when(bounce('HARD'))
      .thenNothing();
  });
});

describe('the delivery of a queued email fails for good', () => {
  const failedAt = clock.plus(HOUR + 30 * MINUTE);
  const fail: EnrollmentCommand = { type: 'RecordEmailFailed', emailId: emailIds[0], reason: 'mailbox disconnected', attempts: 5, permanent: true, failedAt };

  it('records the failure and stops the enrollment', () => {
    spec
      .given(step0Queued)
      .when(fail)
      .then([
        { type: 'EmailFailed', data: { ...ref, emailId: emailIds[0], reason: 'mailbox disconnected', attempts: 5, permanent: true, failedAt } },
        { type: 'EnrollmentStopped', data: { ...ref, reason: 'SEND_FAILED', stoppedAt: failedAt } },
      ]);
  });

  it('ignores a failure reported for an email already sent', () => {
    spec.given(step1Scheduled).when(fail).thenNothing();
  });
});

describe('a queued email is checked again at send time and may not go out', () => {
  const at = clock.plus(HOUR + 5 * MINUTE);
  const withhold: EnrollmentCommand = { type: 'WithholdEmail', emailId: emailIds[0], reason: 'LEAD_SUPPRESSED', detail: 'the address is on the suppression list (HARD_BOUNCE)', stop: 'SUPPRESSED', attempts: 1, at };

  it("skips the step with the reason, records the email as not sent, and stops the enrollment", () => {
    spec
      .given(step0Queued)
      .when(withhold)
      .then([
        { type: 'StepSkipped', data: { ...ref, stepIndex: 0, reason: 'LEAD_SUPPRESSED', detail: 'the address is on the suppression list (HARD_BOUNCE)', skippedAt: at } },
        { type: 'EmailFailed', data: { ...ref, emailId: emailIds[0], reason: 'not sent: the address is on the suppression list (HARD_BOUNCE)', attempts: 1, permanent: true, failedAt: at } },
        { type: 'EnrollmentStopped', data: { ...ref, reason: 'SUPPRESSED', stoppedAt: at } },
      ]);
  });

  it('does not stop an enrollment that already ended', () => {
    spec
      .given([...step0Queued, { type: 'EnrollmentStopped', data: { ...ref, reason: 'UNSUBSCRIBED', stoppedAt: at } }])
      .when({ ...withhold, reason: 'LEAD_UNSUBSCRIBED', detail: 'the lead is unsubscribed', stop: 'UNSUBSCRIBED' })
      .then([
        { type: 'StepSkipped', data: { ...ref, stepIndex: 0, reason: 'LEAD_UNSUBSCRIBED', detail: 'the lead is unsubscribed', skippedAt: at } },
        { type: 'EmailFailed', data: { ...ref, emailId: emailIds[0], reason: 'not sent: the lead is unsubscribed', attempts: 1, permanent: true, failedAt: at } },
      ]);
  });

  it('leaves an email already sent alone', () => {
    spec.given(step1Scheduled).when(withhold).thenNothing();
  });
});

describe('the lead opens and clicks', () => {
  const seenAt = clock.plus(2 * HOUR);

  it('records an open of one of its emails', () => {
    spec
      .given(step1Scheduled)
      .when({ type: 'RecordOpen', emailId: emailIds[0], ip: '203.0.113.7', userAgent: 'Mail/1.0', machine: false, openedAt: seenAt })
      .then([{ type: 'EmailOpened', data: { ...ref, emailId: emailIds[0], ip: '203.0.113.7', userAgent: 'Mail/1.0', machine: false, openedAt: seenAt } }]);
  });

  it('records a click with the link as written in the email', () => {
    spec
      .given(step1Scheduled)
      .when({ type: 'RecordClick', emailId: emailIds[0], linkIndex: 0, clickedAt: seenAt })
      .then([{ type: 'LinkClicked', data: { ...ref, emailId: emailIds[0], linkIndex: 0, url: 'https://example.com/demo', clickedAt: seenAt } }]);
  });

  it('refuses a click on a link the email does not have', () => {
    spec.given(step1Scheduled).when({ type: 'RecordClick', emailId: emailIds[0], linkIndex: 3, clickedAt: seenAt }).thenThrows(UnknownLink, 'no link number 3');
  });

  it('refuses tracking for an email of another enrollment', () => {
    const stranger = id('email');
    spec.given(step1Scheduled).when({ type: 'RecordOpen', emailId: stranger, machine: true, openedAt: seenAt }).thenThrows(EmailNotInEnrollment, stranger);
  });
});

describe('the enrollment is stopped', () => {
  const stoppedAt = clock.plus(DAY);
  const stopped = [...step1Scheduled, enrollmentStopped('CAMPAIGN_ARCHIVED', stoppedAt)];

  it('records the stop with its reason', () => {
    spec.given(step1Scheduled).when({ type: 'StopEnrollment', reason: 'CAMPAIGN_ARCHIVED', now: stoppedAt }).then([enrollmentStopped('CAMPAIGN_ARCHIVED', stoppedAt)]);
  });

  it('stops once', () => {
    spec.given(stopped).when({ type: 'StopEnrollment', reason: 'MANUAL', now: clock.plus(2 * DAY) }).thenNothing();
  });

  it('sends nothing more: a timer is ignored, a manual send is refused', () => {
    spec.given(stopped).when(fireStep(1, at.step1Due)).thenNothing();
    spec.given(stopped).when(fireStep(1, at.step1Due, { manual: true })).thenThrows(EnrollmentFinished, 'The enrollment is stopped');
  });

  it('refuses to stop an enrollment that does not exist', () => {
    spec.given([]).when({ type: 'StopEnrollment', reason: 'MANUAL', now: stoppedAt }).thenThrows(EnrollmentNotFound);
  });
});

describe('the template is rendered when the step falls due', () => {
  it('skips the step with MISSING_VARIABLE when the lead has no value and the template no default', () => {
    const noName: LeadFacts = { ...ada, variables: { company: 'Analytical Engines' } };
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { lead: noName }))
      .then([
        stepDue(0, at.step0Due, at.step0Due),
        {
          type: 'StepSkipped',
          data: {
            ...ref,
            stepIndex: 0,
            reason: 'MISSING_VARIABLE',
            detail: 'the lead has no value for {{firstName}} and the template gives no default',
            skippedAt: at.step0Due,
          },
        },
        stepScheduled(1, '2025-03-05T10:00:00.000Z', 'PREVIOUS_STEP', at.step0Due),
      ]);
  });

  it('uses the default of the template when the lead has no value', () => {
    const noName: LeadFacts = { ...ada, variables: { company: 'Analytical Engines', firstName: '' } };
    spec
      .given(step1Scheduled)
      .when(fireStep(1, at.step1Due, { lead: noName }))
      .then([stepDue(1, at.step1Due, at.step1Due), followUpEmail(at.step1Due, 'Re: Quick question, there')]);
  });

  it('escapes lead values in an HTML body, and lists its links in order', () => {
    const html = {
      subject: 'A guide for {{company}}',
      body: '<p>Hi {{firstName}},</p><p>Our <a href="https://example.com/guide">guide</a> and <a href="https://example.com/pricing?plan=team&seats=5">pricing</a> for {{company}}.</p>',
      revision: 3,
    };
    const sly: LeadFacts = { ...ada, variables: { firstName: '<script>alert(1)</script>', company: 'Smith & Sons' } };
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { lead: sly, templates: { [introId]: html }}))
      .then([
        stepDue(0, at.step0Due, at.step0Due),
        {
          type: 'EmailQueued',
          data: {
            ...ref,
            emailId: emailIds[0],
            workspaceId,
            stepIndex: 0,
            variant: 'A',
            templateId: introId,
            templateRevision: 3,
            to: 'ada@example.com',
            // A subject is a plain-text header: nothing to escape.
            subject: 'A guide for Smith & Sons',
            bodyHtml:
              '<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;,</p><p>Our <a href="https://example.com/guide">guide</a> and ' +
              '<a href="https://example.com/pricing?plan=team&seats=5">pricing</a> for Smith &amp; Sons.</p>',
            bodyText: 'Hi <script>alert(1)</script>,\n\nOur guide [https://example.com/guide] and pricing [https://example.com/pricing?plan=team&seats=5] for Smith & Sons.',
            trackingId: trackingIds[0],
            links: [
              { index: 0, url: 'https://example.com/guide' },
              { index: 1, url: 'https://example.com/pricing?plan=team&seats=5' },
            ],
            queuedAt: at.step0Due,
          },
        },
      ]);
  });

  it('skips with TEMPLATE_ERROR when the template of the step is gone', () => {
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { templates: {} }))
      .then([
        stepDue(0, at.step0Due, at.step0Due),
        { type: 'StepSkipped', data: { ...ref, stepIndex: 0, reason: 'TEMPLATE_ERROR', detail: `template ${introId} is not available`, skippedAt: at.step0Due } },
        stepScheduled(1, '2025-03-05T10:00:00.000Z', 'PREVIOUS_STEP', at.step0Due),
      ]);
  });
});

describe('an A/B step falls due', () => {
  // A weighs 1, B weighs 3: rolls below 0.25 pick A, the rest B.
  const abSequence: SequenceFacts = {
    sequenceId,
    steps: [
      {
        delay: 'PT1H',
        condition: 'ALWAYS',
        variants: [
          { key: 'A', templateId: introId, weight: 1 },
          { key: 'B', templateId: introBId, weight: 3 },
        ],
      },
      ...sequence.steps.slice(1),
    ],
  };
  const variantB: EnrollmentEvent = {
    type: 'EmailQueued',
    data: {
      ...ref,
      emailId: emailIds[0],
      workspaceId,
      stepIndex: 0,
      variant: 'B',
      templateId: introBId,
      templateRevision: 4,
      to: 'ada@example.com',
      subject: 'An idea for Analytical Engines',
      bodyHtml: '<p>Hi Ada, one idea for Analytical Engines.</p>',
      bodyText: 'Hi Ada, one idea for Analytical Engines.',
      trackingId: trackingIds[0],
      links: [],
      queuedAt: at.step0Due,
    },
  };

  it.each([0, 0.24])('picks variant A for roll %s', (variantRoll) => {
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { sequence: abSequence, variantRoll }))
      .then([stepDue(0, at.step0Due, at.step0Due), introEmail(at.step0Due)]);
  });

  it.each([0.25, 0.99, 1])('picks variant B for roll %s', (variantRoll) => {
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { sequence: abSequence, variantRoll }))
      .then([stepDue(0, at.step0Due, at.step0Due), variantB]);
  });
});

describe('enrolling a lead for an occasion (a birthday, an anniversary...)', () => {
  const dateId = id('date');
  const dueAt = clock.plus(2 * DAY);
  const occasion = { dateId, year: 2025, dueAt };
  const enrolledForOccasion: EnrollmentEvent = {
    type: 'LeadEnrolled',
    data: { ...ref, workspaceId, sequenceId, stepCount: 3, occasion, enrolledAt: at.enrolled },
  };

  it('in a launched campaign, schedules step 0 on the occasion, not after its delay', () => {
    spec
      .given([])
      .when(enrollLead({ occasion }))
      .then([enrolledForOccasion, stepScheduled(0, dueAt, 'OCCASION', at.enrolled)]);
  });

  it('in a launched campaign, schedules an occasion that has already passed for now', () => {
    const passed = { dateId, year: 2025, dueAt: clock.plus(-HOUR) };
    spec
      .given([])
      .when(enrollLead({ occasion: passed }))
      .then([{ type: 'LeadEnrolled', data: { ...ref, workspaceId, sequenceId, stepCount: 3, occasion: passed, enrolledAt: at.enrolled } }, stepScheduled(0, at.enrolled, 'OCCASION', at.enrolled)]);
  });

  it('in a draft campaign, records the occasion and schedules nothing', () => {
    spec.given([]).when(enrollLead({ campaign: draftCampaign, occasion })).then([enrolledForOccasion]);
  });

  it('schedules step 0 on the occasion when the campaign is launched before it', () => {
    const launchedAt = clock.plus(DAY);
    spec
      .given([enrolledForOccasion])
      .when({ type: 'StartEnrollment', launchedAt, sequence, now: launchedAt })
      .then([stepScheduled(0, dueAt, 'OCCASION', launchedAt)]);
  });

  it('schedules step 0 at the launch when the campaign is launched after the occasion', () => {
    const launchedAt = clock.plus(3 * DAY);
    spec
      .given([enrolledForOccasion])
      .when({ type: 'StartEnrollment', launchedAt, sequence, now: launchedAt })
      .then([stepScheduled(0, launchedAt, 'OCCASION', launchedAt)]);
  });

  it("sends the occasion's email when it falls due, then follows the sequence", () => {
    const scheduled = [enrolledForOccasion, stepScheduled(0, dueAt, 'OCCASION', at.enrolled)];
    spec.given(scheduled).when(fireStep(0, dueAt)).then([stepDue(0, dueAt, dueAt), introEmail(dueAt)]);
    const sentAt = clock.plus(2 * DAY + MINUTE);
    spec
      .given([...scheduled, stepDue(0, dueAt, dueAt), introEmail(dueAt)])
      .when({ type: 'RecordEmailSent', emailId: emailIds[0], transport: 'outbox', providerMessageId: 'outbox-1', sequence, sentAt })
      .then([
        { type: 'EmailSent', data: { ...ref, emailId: emailIds[0], transport: 'outbox', providerMessageId: 'outbox-1', sentAt } },
        stepScheduled(1, '2025-03-07T09:01:00.000Z', 'PREVIOUS_STEP', sentAt),
      ]);
  });
});

describe('a step falls due outside the send window', () => {
  // Monday to Friday, 09:00 to 17:00 local time. Step 0 falls due on Monday 2025-03-03 at 10:00 UTC.
  const weekdays: SendWindowSetting = { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '17:00' };
  const inNewYork = { window: weekdays, zone: 'America/New_York' };
  /** 09:00 in New York (EST, UTC-5) that Monday. */
  const newYorkOpens = '2025-03-03T14:00:00.000Z';

  it('moves the step to the next open slot in the lead zone, and sends nothing yet', () => {
    // 10:00 UTC is 05:00 in New York.
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { sendWindow: inNewYork }))
      .then([stepScheduled(0, newYorkOpens, 'SEND_WINDOW', at.step0Due)]);
  });

  it('moves a step due on Friday evening to Monday morning', () => {
    const fridayNight = '2025-03-07T22:00:00.000Z';
    spec
      .given(step0Scheduled)
      .when(fireStep(0, fridayNight, { sendWindow: { window: weekdays, zone: 'UTC' } }))
      .then([stepScheduled(0, '2025-03-10T09:00:00.000Z', 'SEND_WINDOW', fridayNight)]);
  });

  it('sends the step when the window opens', () => {
    const moved = [...step0Scheduled, stepScheduled(0, newYorkOpens, 'SEND_WINDOW', at.step0Due)];
    spec
      .given(moved)
      .when(fireStep(0, newYorkOpens, { sendWindow: inNewYork }))
      .then([stepDue(0, newYorkOpens, newYorkOpens), introEmail(newYorkOpens)]);
  });

  it('refuses the original timer if it comes round again before the window opens', () => {
    const moved = [...step0Scheduled, stepScheduled(0, newYorkOpens, 'SEND_WINDOW', at.step0Due)];
    spec.given(moved).when(fireStep(0, clock.plus(HOUR + MINUTE), { sendWindow: inNewYork })).thenThrows(StepNotDue, `not due until ${newYorkOpens}`);
  });

  it('sends at once when the due time is inside the window', () => {
    // 10:00 UTC is 11:00 in Paris.
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { sendWindow: { window: weekdays, zone: 'Europe/Paris' } }))
      .then([stepDue(0, at.step0Due, at.step0Due), introEmail(at.step0Due)]);
  });

  it('sends at once when a user asks for the step: the window is for timers', () => {
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { sendWindow: inNewYork, manual: true }))
      .then([stepDue(0, at.step0Due, at.step0Due, true), introEmail(at.step0Due)]);
  });

  it('stops at once for a lead that can no longer be contacted: stopping waits for no window', () => {
    spec
      .given(step0Scheduled)
      .when(fireStep(0, at.step0Due, { sendWindow: inNewYork, lead: { ...ada, status: 'unsubscribed' } }))
      .then([
        stepDue(0, at.step0Due, at.step0Due),
        { type: 'StepSkipped', data: { ...ref, stepIndex: 0, reason: 'LEAD_UNSUBSCRIBED', skippedAt: at.step0Due } },
        { type: 'EnrollmentStopped', data: { ...ref, reason: 'UNSUBSCRIBED', stoppedAt: at.step0Due } },
      ]);
  });
});

describe('an email is sent from one of the mailboxes', () => {
  it('records the mailbox and the address it went out from', () => {
    const mailboxId = id('mailbox');
    spec
      .given(step0Queued)
      .when({
        type: 'RecordEmailSent',
        emailId: emailIds[0],
        transport: 'gmail',
        providerMessageId: '18f2c0a1b2',
        messageIdHeader: '<18f2c0a1b2@mail.gmail.com>',
        threadId: 'thread-18f2',
        mailboxId,
        from: 'Grace Hopper <grace@acme.example>',
        sequence,
        sentAt: at.step0Sent,
      })
      .then([
        {
          type: 'EmailSent',
          data: {
            ...ref,
            emailId: emailIds[0],
            transport: 'gmail',
            providerMessageId: '18f2c0a1b2',
            messageIdHeader: '<18f2c0a1b2@mail.gmail.com>',
            threadId: 'thread-18f2',
            mailboxId,
            from: 'Grace Hopper <grace@acme.example>',
            sentAt: at.step0Sent,
          },
        },
        stepScheduled(1, at.step1Due, 'PREVIOUS_STEP', at.step0Sent),
      ]);
  });
});

describe('the same reply is found twice', () => {
  const receivedAt = clock.plus(4 * HOUR);
  const replyMessageId = '<CAF=reply-1@mail.example>';
  const reply = (over: Partial<Extract<EnrollmentCommand, { type: 'RecordReply' }>> = {}): EnrollmentCommand => ({
    type: 'RecordReply',
    emailId: emailIds[0],
    kind: 'HUMAN',
    snippet: 'Sounds good',
    replyMessageId,
    stopOnReply: false,
    receivedAt,
    ...over,
  });
  const replied = (id = replyMessageId, kind: 'HUMAN' | 'AUTO_REPLY' = 'HUMAN'): EnrollmentEvent => ({
    type: 'ReplyReceived',
    data: { ...ref, emailId: emailIds[0], kind, snippet: 'Sounds good', replyMessageId: id, receivedAt },
  });

  it('records it with its message id the first time', () => {
    spec.given(step1Scheduled).when(reply()).then([replied()]);
    spec.given(step1Scheduled).when(reply({ stopOnReply: true })).then([replied(), enrollmentStopped('REPLIED', receivedAt)]);
  });

  it('records nothing the second time', () => {
    spec.given([...step1Scheduled, replied()]).when(reply({ receivedAt: clock.plus(5 * HOUR) })).thenNothing();
    spec.given([...step1Scheduled, replied(), enrollmentStopped('REPLIED', receivedAt)]).when(reply({ stopOnReply: true })).thenNothing();
    spec.given([...step1Scheduled, replied(replyMessageId, 'AUTO_REPLY')]).when(reply({ kind: 'AUTO_REPLY' })).thenNothing();
  });

  it('records another reply to the same email', () => {
    spec.given([...step1Scheduled, replied()]).when(reply({ replyMessageId: '<CAF=reply-2@mail.example>' })).then([replied('<CAF=reply-2@mail.example>')]);
  });

  it('cannot tell replies without a message id apart, so records each', () => {
    spec
      .given([...step1Scheduled, replyReceived(emailIds[0], 'HUMAN', receivedAt)])
      .when(reply({ replyMessageId: undefined, snippet: undefined }))
      .then([replyReceived(emailIds[0], 'HUMAN', receivedAt)]);
  });

  it('keeps the first 1000 characters of a very long message id, and still knows it again', () => {
    const long = `<${'x'.repeat(1200)}@mail.example>`;
    spec.given(step1Scheduled).when(reply({ replyMessageId: long })).then([replied(long.slice(0, 1000))]);
    spec.given([...step1Scheduled, replied(long.slice(0, 1000))]).when(reply({ replyMessageId: long })).thenNothing();
  });
});
