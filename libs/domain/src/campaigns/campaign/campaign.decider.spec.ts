import { CampaignEvent } from '@app/events';
import {
  CampaignAlreadyExists,
  CampaignCommand,
  CampaignHasUnfinishedEnrollments,
  CampaignNotFound,
  CampaignStateConflict,
  InvalidCampaign,
  InvalidSendWindow,
  MailboxNotFound,
  SequenceNotFound,
  campaignDecider,
} from '@app/domain';
import { DAY, HOUR, MINUTE, deciderSpec, fixedClock, idFactory } from '@app/testing';

const clock = fixedClock();
const id = idFactory();
const workspaceId = id('workspace');
const campaignId = id('campaign');
const sequenceId = id('sequence');

const spec = deciderSpec(campaignDecider);

const createCampaign = (over: Partial<Extract<CampaignCommand, { type: 'CreateCampaign' }>> = {}): CampaignCommand => ({
  type: 'CreateCampaign',
  campaignId,
  workspaceId,
  name: 'Q2 outbound',
  sequenceId,
  stopOnReply: true,
  sequence: { stepCount: 3 },
  now: clock.now,
  ...over,
});

const at = { created: clock.now, launched: clock.plus(HOUR), paused: clock.plus(DAY), resumed: clock.plus(2 * DAY), ended: clock.plus(9 * DAY) };
const created: CampaignEvent = {
  type: 'CampaignCreated',
  data: { campaignId, workspaceId, name: 'Q2 outbound', sequenceId, stopOnReply: true, createdAt: at.created },
};
const launched: CampaignEvent = { type: 'CampaignLaunched', data: { campaignId, launchedAt: at.launched } };
const paused: CampaignEvent = { type: 'CampaignPaused', data: { campaignId, pausedAt: at.paused } };

const draft = [created];
const active = [created, launched];
const onPause = [created, launched, paused];
const completed: CampaignEvent[] = [...active, { type: 'CampaignCompleted', data: { campaignId, completedAt: at.ended } }];
const archived: CampaignEvent[] = [...active, { type: 'CampaignArchived', data: { campaignId, archivedAt: at.ended } }];

describe('creating a campaign', () => {
  it('records it as a draft with its reply setting and a trimmed name', () => {
    spec
      .given([])
      .when(createCampaign({ name: '  Q2 outbound ', stopOnReply: false }))
      .then([{ type: 'CampaignCreated', data: { campaignId, workspaceId, name: 'Q2 outbound', sequenceId, stopOnReply: false, createdAt: at.created } }]);
  });

  it('refuses a sequence that does not exist in the workspace', () => {
    spec.given([]).when(createCampaign({ sequence: null })).thenThrows(SequenceNotFound, sequenceId);
  });

  it.each(['', '   ', 'x'.repeat(201)])('refuses the name %j', (name) => {
    spec.given([]).when(createCampaign({ name })).thenThrows(InvalidCampaign, /name/);
  });

  it('refuses to create it twice', () => {
    spec.given(draft).when(createCampaign()).thenThrows(CampaignAlreadyExists);
  });

  it('refuses any other command before it exists', () => {
    spec.given([]).when({ type: 'LaunchCampaign', now: at.launched }).thenThrows(CampaignNotFound);
  });
});

describe('a draft campaign', () => {
  it('launches', () => {
    spec.given(draft).when({ type: 'LaunchCampaign', now: at.launched }).then([launched]);
  });

  it('cannot be paused, resumed or completed before launch', () => {
    spec.given(draft).when({ type: 'PauseCampaign', now: at.paused }).thenThrows(CampaignStateConflict, 'Cannot pause a campaign that is draft: launch it first');
    spec.given(draft).when({ type: 'ResumeCampaign', now: at.resumed }).thenThrows(CampaignStateConflict, /resume a campaign that is draft/);
    spec.given(draft).when({ type: 'CompleteCampaign', unfinishedEnrollments: 0, now: at.ended }).thenThrows(CampaignStateConflict, /complete a campaign that is draft/);
  });

  it('can be archived without ever running', () => {
    spec.given(draft).when({ type: 'ArchiveCampaign', now: at.ended }).then([{ type: 'CampaignArchived', data: { campaignId, archivedAt: at.ended } }]);
  });
});

describe('a running campaign', () => {
  it('pauses', () => {
    spec.given(active).when({ type: 'PauseCampaign', now: at.paused }).then([paused]);
  });

  it('treats a resume as already done', () => {
    spec.given(active).when({ type: 'ResumeCampaign', now: at.resumed }).thenNothing();
  });

  it('cannot be launched again', () => {
    spec.given(active).when({ type: 'LaunchCampaign', now: at.resumed }).thenThrows(CampaignStateConflict, /launch a campaign that is active/);
  });

  it('completes when no enrollment is unfinished', () => {
    spec
      .given(active)
      .when({ type: 'CompleteCampaign', unfinishedEnrollments: 0, now: at.ended })
      .then([{ type: 'CampaignCompleted', data: { campaignId, completedAt: at.ended } }]);
  });

  it('does not complete while enrollments are unfinished', () => {
    spec
      .given(active)
      .when({ type: 'CompleteCampaign', unfinishedEnrollments: 2, now: at.ended })
      .thenThrows(CampaignHasUnfinishedEnrollments, 'still has 2 unfinished enrollment(s)');
  });
});

describe('a paused campaign', () => {
  it('resumes', () => {
    spec.given(onPause).when({ type: 'ResumeCampaign', now: at.resumed }).then([{ type: 'CampaignResumed', data: { campaignId, resumedAt: at.resumed } }]);
  });

  it('treats a second pause as already done', () => {
    spec.given(onPause).when({ type: 'PauseCampaign', now: at.resumed }).thenNothing();
  });

  it('pauses again after a resume', () => {
    const resumed: CampaignEvent = { type: 'CampaignResumed', data: { campaignId, resumedAt: at.resumed } };
    const again = clock.plus(3 * DAY);
    spec.given([...onPause, resumed]).when({ type: 'PauseCampaign', now: again }).then([{ type: 'CampaignPaused', data: { campaignId, pausedAt: again } }]);
  });

  it('completes once its last enrollment has finished', () => {
    spec
      .given(onPause)
      .when({ type: 'CompleteCampaign', unfinishedEnrollments: 0, now: at.ended })
      .then([{ type: 'CampaignCompleted', data: { campaignId, completedAt: at.ended } }]);
  });
});

describe('a completed campaign', () => {
  it('cannot be launched again', () => {
    spec.given(completed).when({ type: 'LaunchCampaign', now: clock.plus(10 * DAY) }).thenThrows(CampaignStateConflict, 'it has completed; create a new campaign');
  });

  it('cannot be paused or resumed', () => {
    spec.given(completed).when({ type: 'PauseCampaign', now: clock.plus(10 * DAY) }).thenThrows(CampaignStateConflict, /pause a campaign that is completed/);
    spec.given(completed).when({ type: 'ResumeCampaign', now: clock.plus(10 * DAY) }).thenThrows(CampaignStateConflict, /resume a campaign that is completed/);
  });

  it('completes once', () => {
    spec.given(completed).when({ type: 'CompleteCampaign', unfinishedEnrollments: 0, now: clock.plus(10 * DAY) }).thenNothing();
  });

  it('can be archived', () => {
    const now = clock.plus(10 * DAY);
    spec.given(completed).when({ type: 'ArchiveCampaign', now }).then([{ type: 'CampaignArchived', data: { campaignId, archivedAt: now } }]);
  });
});

describe('an archived campaign', () => {
  it('cannot be launched, and says a new campaign is needed', () => {
    spec.given(archived).when({ type: 'LaunchCampaign', now: clock.plus(10 * DAY) }).thenThrows(CampaignStateConflict, 'Cannot launch a campaign that is archived: it is archived; create a new campaign');
  });

  it('cannot be resumed or completed', () => {
    spec.given(archived).when({ type: 'ResumeCampaign', now: clock.plus(10 * DAY) }).thenThrows(CampaignStateConflict, /archived/);
    spec.given(archived).when({ type: 'CompleteCampaign', unfinishedEnrollments: 0, now: clock.plus(10 * DAY) }).thenThrows(CampaignStateConflict, /archived/);
  });

  it('is archived once', () => {
    spec.given(archived).when({ type: 'ArchiveCampaign', now: clock.plus(10 * DAY) }).thenNothing();
  });
});

describe('configuring how a campaign sends', () => {
  const mailboxA = id('mailbox');
  const mailboxB = id('mailbox');
  const unknownMailbox = id('mailbox');
  const now = clock.plus(2 * HOUR);
  type ConfigureSending = Extract<CampaignCommand, { type: 'ConfigureCampaignSending' }>;
  const configure = (over: Partial<ConfigureSending> = {}): ConfigureSending => ({
    type: 'ConfigureCampaignSending',
    mailboxIds: [mailboxA, mailboxB],
    sendWindow: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '17:00' },
    timezone: 'Europe/Paris',
    mailboxes: { [mailboxA]: { connected: true }, [mailboxB]: { connected: true } },
    now,
    ...over,
  });
  const configured = (over: Partial<Extract<CampaignEvent, { type: 'CampaignSendingConfigured' }>['data']> = {}): CampaignEvent => ({
    type: 'CampaignSendingConfigured',
    data: {
      campaignId,
      mailboxIds: [mailboxA, mailboxB],
      sendWindow: { days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], start: '09:00', end: '17:00' },
      timezone: 'Europe/Paris',
      configuredAt: now,
      ...over,
    },
  });

  it('records the mailboxes to rotate over, the window and the fallback time zone', () => {
    spec.given(draft).when(configure()).then([configured()]);
  });

  it('puts the window days in Monday-first order and names each mailbox once', () => {
    spec
      .given(draft)
      .when(configure({ mailboxIds: [mailboxA, mailboxB, mailboxA], sendWindow: { days: ['FRI', 'MON', 'WED', 'MON'], start: '08:30', end: '12:00' } }))
      .then([configured({ sendWindow: { days: ['MON', 'WED', 'FRI'], start: '08:30', end: '12:00' } })]);
  });

  it('can be changed while the campaign runs or is paused', () => {
    spec.given(active).when(configure()).then([configured()]);
    spec.given(onPause).when(configure()).then([configured()]);
  });

  it('records nothing when nothing changed, the days given in another order', () => {
    const earlier = [...active, configured({ configuredAt: at.launched })];
    spec.given(earlier).when(configure({ sendWindow: { days: ['FRI', 'THU', 'WED', 'TUE', 'MON'], start: '09:00', end: '17:00' } })).thenNothing();
  });

  it('records a new mailbox order: it is the rotation order', () => {
    const earlier = [...active, configured({ configuredAt: at.launched })];
    spec.given(earlier).when(configure({ mailboxIds: [mailboxB, mailboxA] })).then([configured({ mailboxIds: [mailboxB, mailboxA] })]);
  });

  it('clears the window and the time zone', () => {
    const earlier = [...active, configured({ configuredAt: at.launched })];
    spec.given(earlier).when(configure({ sendWindow: null, timezone: null })).then([configured({ sendWindow: null, timezone: null })]);
  });

  it('refuses a mailbox that is not in the workspace, naming it', () => {
    spec.given(draft).when(configure({ mailboxIds: [mailboxA, unknownMailbox] })).thenThrows(MailboxNotFound, unknownMailbox);
  });

  it.each([
    ['18:00', '09:00'],
    ['09:00', '09:00'],
  ])('refuses a window from %s to %s: it must start before it ends', (start, end) => {
    spec.given(draft).when(configure({ sendWindow: { days: ['MON'], start, end } })).thenThrows(InvalidSendWindow, /must start before it ends/);
  });

  it('refuses a window without a day', () => {
    spec.given(draft).when(configure({ sendWindow: { days: [], start: '09:00', end: '17:00' } })).thenThrows(InvalidSendWindow, /at least one day/);
  });

  it.each([
    ['9:00', '17:00'],
    ['09:00', '25:00'],
    ['09:00', '17h30'],
  ])('refuses a window from %s to %s: times are HH:MM', (start, end) => {
    spec.given(draft).when(configure({ sendWindow: { days: ['MON'], start, end } })).thenThrows(InvalidSendWindow, /is not a time of day: write HH:MM/);
  });

  it.each(['Mars/Olympus_Mons', 'CEST'])('refuses the time zone %j', (timezone) => {
    spec.given(draft).when(configure({ timezone })).thenThrows(InvalidSendWindow, `"${timezone}" is not an IANA time zone`);
  });

  it('is refused once the campaign has completed or been archived', () => {
    spec.given(completed).when(configure()).thenThrows(CampaignStateConflict, 'Cannot configure sending of a campaign that is completed');
    spec.given(archived).when(configure()).thenThrows(CampaignStateConflict, 'Cannot configure sending of a campaign that is archived');
  });

  it('is refused before the campaign exists', () => {
    spec.given([]).when(configure()).thenThrows(CampaignNotFound);
  });
});

describe('making a campaign an occasion campaign', () => {
  const now = clock.plus(30 * MINUTE);
  type SetOccasion = Extract<CampaignCommand, { type: 'SetCampaignOccasion' }>;
  const setOccasion = (over: Partial<SetOccasion> = {}): SetOccasion => ({ type: 'SetCampaignOccasion', occasion: 'BIRTHDAY', sendAtLocalTime: '09:00', now, ...over });

  it('records the occasion and the local time its email goes out', () => {
    spec.given(draft).when(setOccasion()).then([{ type: 'CampaignOccasionSet', data: { campaignId, occasion: 'BIRTHDAY', sendAtLocalTime: '09:00', setAt: now } }]);
  });

  it('records the trimmed label of a CUSTOM occasion', () => {
    spec
      .given(draft)
      .when(setOccasion({ occasion: 'CUSTOM', customLabel: ' Contract renewal ', sendAtLocalTime: '14:30' }))
      .then([{ type: 'CampaignOccasionSet', data: { campaignId, occasion: 'CUSTOM', customLabel: 'Contract renewal', sendAtLocalTime: '14:30', setAt: now } }]);
  });

  it('can be changed while the campaign is a draft', () => {
    const birthday: CampaignEvent = { type: 'CampaignOccasionSet', data: { campaignId, occasion: 'BIRTHDAY', sendAtLocalTime: '09:00', setAt: at.created } };
    spec
      .given([...draft, birthday])
      .when(setOccasion({ occasion: 'WORK_ANNIVERSARY' }))
      .then([{ type: 'CampaignOccasionSet', data: { campaignId, occasion: 'WORK_ANNIVERSARY', sendAtLocalTime: '09:00', setAt: now } }]);
  });

  it.each([undefined, '', '   '])('refuses a CUSTOM occasion with the label %j', (customLabel) => {
    spec.given(draft).when(setOccasion({ occasion: 'CUSTOM', customLabel })).thenThrows(InvalidCampaign, 'A CUSTOM occasion needs the label');
  });

  it('refuses a label longer than 100 characters', () => {
    spec.given(draft).when(setOccasion({ occasion: 'CUSTOM', customLabel: 'x'.repeat(101) })).thenThrows(InvalidCampaign, 'customLabel must be at most 100 characters');
  });

  it.each(['9:00', '24:00', '12:60', '0900', ''])('refuses the send time %j', (sendAtLocalTime) => {
    spec.given(draft).when(setOccasion({ sendAtLocalTime })).thenThrows(InvalidCampaign, 'sendAtLocalTime must be a time of day as HH:MM');
  });

  it.each([
    ['running', active, 'active'],
    ['paused', onPause, 'paused'],
    ['completed', completed, 'completed'],
    ['archived', archived, 'archived'],
  ] as const)('is refused once the campaign is %s', (_situation, history, status) => {
    spec.given(history).when(setOccasion()).thenThrows(CampaignStateConflict, `a campaign that is ${status}`);
  });
});
