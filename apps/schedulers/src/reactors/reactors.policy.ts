import { CampaignState, EnrollmentState } from '@app/domain';
import { EventData, StopReason } from '@app/events';
import { RecordedEvent } from '@app/event-store';

type EnrollmentStatus = EnrollmentState['status'];
type CampaignStatus = CampaignState['status'];

/** What the campaign-lifecycle reactor does to which enrollments of the campaign. */
export type Sweep = { campaignId: string } & (
  | { command: 'start'; statuses: readonly ['waiting'] }
  | { command: 'resume'; statuses: readonly ['active']; resumedAt: string }
  | { command: 'stop'; statuses: readonly ['waiting', 'active']; reason: StopReason }
);

export function sweepFor(event: RecordedEvent): Sweep | null {
  switch (event.type) {
    case 'CampaignLaunched':
      return { campaignId: event.data.campaignId, command: 'start', statuses: ['waiting'] };
    case 'CampaignResumed':
      return { campaignId: event.data.campaignId, command: 'resume', statuses: ['active'], resumedAt: event.data.resumedAt };
    case 'CampaignArchived':
      return { campaignId: event.data.campaignId, command: 'stop', statuses: ['waiting', 'active'], reason: 'CAMPAIGN_ARCHIVED' };
    default:
      return null;
  }
}

/**
 * What to do with an enrollment just made (LeadEnrolled). EnrollLead schedules the first
 * step itself when the campaign was launched, so usually nothing; but a launch recorded
 * between the enrollment's read of the campaign and its append leaves it waiting, and the
 * launch sweep (which reads the read model as of the launch) may not see it. An enrollment
 * that slipped into a campaign archived meanwhile is stopped.
 */
export function actionOnEnrollment(campaign: CampaignStatus, launched: boolean, enrollment: EnrollmentStatus): 'start' | 'stop' | 'none' {
  if (enrollment !== 'waiting' && enrollment !== 'active') return 'none';
  if (campaign === 'archived') return 'stop';
  if (enrollment === 'waiting' && launched && (campaign === 'active' || campaign === 'paused')) return 'start';
  return 'none';
}

/**
 * Whether to resume an enrollment after the campaign resumed at `resumedAt`. ResumeEnrollment
 * reschedules any step due at or before the resume, including one already rescheduled to
 * exactly that instant: after a crash the reactor handles the event again, and this guard
 * keeps that repeat from appending a second StepScheduled.
 */
export function shouldResume(enrollment: EnrollmentState, resumedAt: string): boolean {
  if (enrollment.status !== 'active' || enrollment.step.phase !== 'scheduled') return false;
  const due = Date.parse(enrollment.step.dueAt);
  return due < Date.parse(resumedAt);
}

/**
 * The campaign is done once nothing is waiting or active any more; only a running campaign
 * completes. An occasion campaign never runs out: next year's birthdays are still to come.
 */
export function shouldComplete(campaign: CampaignStatus, unfinishedEnrollments: number, occasion = false): boolean {
  return !occasion && unfinishedEnrollments === 0 && (campaign === 'active' || campaign === 'paused');
}

/** One entry per campaign of a batch of endings: its last ending, to wait for the read model once. */
export function endingsByCampaign(events: readonly RecordedEvent[]): Map<string, RecordedEvent> {
  const last = new Map<string, RecordedEvent>();
  for (const event of events) {
    if (event.type !== 'EnrollmentCompleted' && event.type !== 'EnrollmentStopped') continue;
    last.set(event.data.campaignId, event);
  }
  return last;
}

/** A hard bounce means the address does not exist: never send to it again, in any campaign. */
export function suppressionFor(bounce: EventData<'EmailBounced'>): { reason: 'HARD_BOUNCE'; emailId: string } | null {
  return bounce.kind === 'HARD' ? { reason: 'HARD_BOUNCE', emailId: bounce.emailId } : null;
}
