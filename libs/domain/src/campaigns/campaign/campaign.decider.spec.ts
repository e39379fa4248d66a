import { CampaignEvent } from '@app/events';
import {
  CampaignAlreadyExists,
  CampaignCommand,
  CampaignHasUnfinishedEnrollments,
  CampaignNotFound,
  CampaignStateConflict,
  InvalidCampaign,
  SequenceNotFound,
  campaignDecider,
} from '@app/domain';
import { DAY, HOUR, deciderSpec, fixedClock, idFactory } from '@app/testing';

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
