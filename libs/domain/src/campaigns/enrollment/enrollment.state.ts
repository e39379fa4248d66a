import { BounceKinds, ReplyKinds, SendWindowSetting, SequenceStep, SkipReason, StopReason } from '@app/events';
import { CampaignStatus } from '../campaign/campaign.state';

type BounceKind = (typeof BounceKinds)[number];

/** What one email of the enrollment has seen. */
export type EmailRecord = {
  emailId: string;
  stepIndex: number;
  links: readonly string[];
  delivery: 'queued' | 'sent' | 'failed';
  opened: boolean;
  clicked: boolean;
  replied: boolean;
  /** Message ids of replies already recorded: the same reply found twice is one reply. */
  replyIds: readonly string[];
  /** The worst bounce seen: a SOFT bounce may still be followed by a HARD one. */
  bounced: BounceKind | null;
};

/** The step in progress: waiting for its due time, or its email waiting to be sent. */
export type CurrentStep = { stepIndex: number; phase: 'scheduled'; dueAt: string } | { stepIndex: number; phase: 'queued'; emailId: string };

type Base = {
  enrollmentId: string;
  workspaceId: string;
  campaignId: string;
  leadId: string;
  sequenceId: string;
  stepCount: number;
  enrolledAt: string;
  emails: readonly EmailRecord[];
  /** Occasion enrollments: when the occasion's email is due. */
  occasionDueAt?: string;
};

export type EnrollmentState =
  | { status: 'none' }
  /** Enrolled in a campaign that has not been launched yet. */
  | ({ status: 'waiting' } & Base)
  | ({ status: 'active'; step: CurrentStep } & Base)
  | ({ status: 'completed' } & Base)
  | ({ status: 'stopped'; reason: StopReason } & Base);

export type EnrollmentStatus = EnrollmentState['status'];

/** Facts about the lead at decision time, from its own stream. */
export type LeadFacts = {
  status: 'contactable' | 'suppressed' | 'unsubscribed' | 'erased';
  email: string;
  /** Template variables: standard fields and custom fields. */
  variables: Readonly<Record<string, string | undefined>>;
};
export type CampaignFacts = { status: CampaignStatus; launchedAt: string | null; stopOnReply: boolean };
export type SequenceFacts = { sequenceId: string; steps: readonly SequenceStep[] };
export type TemplateFacts = Readonly<Record<string, { subject: string; body: string; revision: number }>>;
/** The campaign's send window, in the lead's time zone (else the campaign's, else UTC). */
export type SendWindowFacts = { window: SendWindowSetting; zone: string } | null;

export type EnrollmentCommand =
  | {
      type: 'EnrollLead';
      enrollmentId: string;
      workspaceId: string;
      campaignId: string;
      leadId: string;
      campaign: CampaignFacts;
      lead: Pick<LeadFacts, 'status'>;
      sequence: SequenceFacts;
      /** Occasion campaigns: which date and year, and when its email is due. */
      occasion?: { dateId: string; year: number; dueAt: string };
      now: string;
    }
  /** The campaign was launched after this lead was enrolled. */
  /** `launchedAt` null: the campaign is not launched (any more), so there is nothing to start. */
  | { type: 'StartEnrollment'; launchedAt: string | null; sequence: SequenceFacts; now: string }
  /**
   * The current step fell due (a timer) or a user asked to send it now (`manual`). The caller
   * passes a stable `emailId` derived from enrollment and step, so a retry queues the same email.
   */
  | {
      type: 'FireStep';
      stepIndex: number;
      manual: boolean;
      campaign: CampaignFacts;
      lead: LeadFacts;
      sequence: SequenceFacts;
      templates: TemplateFacts;
      /** In [0, 1): picks the A/B variant; derive it from the enrollment id so it is stable. */
      variantRoll: number;
      emailId: string;
      trackingId: string;
      /** Outside the window, a timer's step moves to the next open slot instead of sending. */
      sendWindow?: SendWindowFacts;
      now: string;
    }
  | {
      type: 'RecordEmailSent';
      emailId: string;
      transport: string;
      providerMessageId: string;
      messageIdHeader?: string;
      threadId?: string;
      mailboxId?: string;
      from?: string;
      sequence: SequenceFacts;
      sentAt: string;
    }
  | { type: 'RecordEmailFailed'; emailId: string; reason: string; attempts: number; permanent: boolean; failedAt: string }
  /**
   * Checked again at send time, the lead may not be emailed any more (suppressed, unsubscribed,
   * erased): the queued email's step is skipped for that reason, the email is never sent, and
   * an open enrollment stops with `stop`.
   */
  | { type: 'WithholdEmail'; emailId: string; reason: SkipReason; detail: string; stop: StopReason; attempts: number; at: string }
  | { type: 'RecordOpen'; emailId: string; ip?: string; userAgent?: string; machine: boolean; openedAt: string }
  | { type: 'RecordClick'; emailId: string; linkIndex: number; ip?: string; userAgent?: string; clickedAt: string }
  | { type: 'RecordReply'; emailId: string; kind: (typeof ReplyKinds)[number]; snippet?: string; replyMessageId?: string; stopOnReply: boolean; receivedAt: string }
  | { type: 'RecordBounce'; emailId: string; kind: BounceKind; reason: string; bouncedAt: string }
  | { type: 'StopEnrollment'; reason: StopReason; now: string }
  /** The campaign resumed: a step that fell due while it was paused is due now. */
  | { type: 'ResumeEnrollment'; resumedAt: string };
