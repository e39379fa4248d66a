import { EnrollmentState } from '@app/domain';
import { RecordedEvent } from '@app/event-store';
import { actionOnEnrollment, endingsByCampaign, shouldComplete, shouldResume, suppressionFor, sweepFor } from './reactors.policy';

const ids = { enrollmentId: '0195a3c4-0000-7000-8000-000000000001', campaignId: '0195a3c4-0000-7000-8000-0000000000c1', leadId: '0195a3c4-0000-7000-8000-0000000000a1' };
const recorded = (event: { type: string; data: object }, position = '1') => ({ ...event, id: `e-${position}`, position, metadata: { tenantId: 'w' } }) as unknown as RecordedEvent;
const base = { ...ids, workspaceId: 'w', sequenceId: 's', stepCount: 2, enrolledAt: '2025-03-03T09:00:00.000Z', emails: [] };
const scheduled = (dueAt: string): EnrollmentState => ({ ...base, status: 'active', step: { stepIndex: 0, phase: 'scheduled', dueAt } });

describe('the campaign lifecycle sweeps', () => {
  it('start waiting enrollments on launch, resume active ones at the resume time, stop open ones on archive', () => {
    expect(sweepFor(recorded({ type: 'CampaignLaunched', data: { campaignId: ids.campaignId, launchedAt: 'x' } }))).toEqual({ campaignId: ids.campaignId, command: 'start', statuses: ['waiting'] });
    expect(sweepFor(recorded({ type: 'CampaignResumed', data: { campaignId: ids.campaignId, resumedAt: '2025-03-04T00:00:00.000Z' } }))).toEqual({
      campaignId: ids.campaignId,
      command: 'resume',
      statuses: ['active'],
      resumedAt: '2025-03-04T00:00:00.000Z',
    });
    expect(sweepFor(recorded({ type: 'CampaignArchived', data: { campaignId: ids.campaignId, archivedAt: 'x' } }))).toEqual({
      campaignId: ids.campaignId,
      command: 'stop',
      statuses: ['waiting', 'active'],
      reason: 'CAMPAIGN_ARCHIVED',
    });
    expect(sweepFor(recorded({ type: 'CampaignPaused', data: { campaignId: ids.campaignId, pausedAt: 'x' } }))).toBeNull();
  });
});

describe('a new enrollment', () => {
  it('is started when it waits in a launched, running campaign', () => {
    expect(actionOnEnrollment('active', true, 'waiting')).toBe('start');
    expect(actionOnEnrollment('paused', true, 'waiting')).toBe('start');
  });

  it('is left alone when the campaign is not launched or the step is already scheduled', () => {
    expect(actionOnEnrollment('draft', false, 'waiting')).toBe('none');
    expect(actionOnEnrollment('active', true, 'active')).toBe('none');
    expect(actionOnEnrollment('completed', true, 'waiting')).toBe('none');
  });

  it('is stopped when it slipped into an archived campaign, and an ended one is left alone', () => {
    expect(actionOnEnrollment('archived', true, 'waiting')).toBe('stop');
    expect(actionOnEnrollment('archived', false, 'active')).toBe('stop');
    expect(actionOnEnrollment('archived', true, 'stopped')).toBe('none');
  });
});

describe('resuming an enrollment', () => {
  const resumedAt = '2025-03-05T12:00:00.000Z';
  it('happens for a step that fell due during the pause', () => {
    expect(shouldResume(scheduled('2025-03-05T10:00:00.000Z'), resumedAt)).toBe(true);
  });
  it('does not happen twice: a step already moved to the resume time is left', () => {
    expect(shouldResume(scheduled(resumedAt), resumedAt)).toBe(false);
  });
  it('does not happen for a step not due yet, a queued email or an ended enrollment', () => {
    expect(shouldResume(scheduled('2025-03-06T10:00:00.000Z'), resumedAt)).toBe(false);
    expect(shouldResume({ ...base, status: 'active', step: { stepIndex: 0, phase: 'queued', emailId: 'e' } }, resumedAt)).toBe(false);
    expect(shouldResume({ ...base, status: 'completed' }, resumedAt)).toBe(false);
  });
});

describe('completing a campaign', () => {
  it('happens when a running campaign has nothing waiting or active', () => {
    expect(shouldComplete('active', 0)).toBe(true);
    expect(shouldComplete('paused', 0)).toBe(true);
    expect(shouldComplete('active', 1)).toBe(false);
    expect(shouldComplete('draft', 0)).toBe(false);
    expect(shouldComplete('archived', 0)).toBe(false);
    expect(shouldComplete('completed', 0)).toBe(false);
  });

  it('never happens to an occasion campaign: next year’s dates are still to come', () => {
    expect(shouldComplete('active', 0, true)).toBe(false);
  });

  it('is looked at once per campaign of a batch, after its last ending', () => {
    const other = '0195a3c4-0000-7000-8000-0000000000c2';
    const events = [
      recorded({ type: 'EnrollmentCompleted', data: { ...ids, completedAt: 'x' } }, '1'),
      recorded({ type: 'EnrollmentStopped', data: { ...ids, campaignId: other, reason: 'REPLIED', stoppedAt: 'x' } }, '2'),
      recorded({ type: 'EnrollmentStopped', data: { ...ids, reason: 'MANUAL', stoppedAt: 'x' } }, '3'),
    ];
    const endings = endingsByCampaign(events);
    expect([...endings].map(([campaignId, event]) => [campaignId, event.position])).toEqual([
      [ids.campaignId, '3'],
      [other, '2'],
    ]);
  });
});

describe('bounces', () => {
  it('suppress the lead on a hard bounce only', () => {
    const bounce = { ...ids, emailId: 'e1', reason: '550', bouncedAt: 'x' };
    expect(suppressionFor({ ...bounce, kind: 'HARD' })).toEqual({ reason: 'HARD_BOUNCE', emailId: 'e1' });
    expect(suppressionFor({ ...bounce, kind: 'SOFT' })).toBeNull();
  });
});
