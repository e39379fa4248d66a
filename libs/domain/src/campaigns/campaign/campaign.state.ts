import { OccasionKinds, SendWindowSetting } from '@app/events';

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'completed' | 'archived';

export type CampaignSending = { mailboxIds: readonly string[]; sendWindow: SendWindowSetting | null; timezone: string | null };
export type CampaignOccasion = { occasion: (typeof OccasionKinds)[number]; customLabel?: string; sendAtLocalTime: string };

type Base = {
  campaignId: string;
  workspaceId: string;
  name: string;
  sequenceId: string;
  stopOnReply: boolean;
  sending: CampaignSending;
  /** Set for occasion campaigns (birthdays, anniversaries...). */
  occasion: CampaignOccasion | null;
};
export type CampaignState =
  | { status: 'none' }
  | ({ status: 'draft' } & Base)
  | ({ status: 'active' | 'paused' | 'completed'; launchedAt: string } & Base)
  | ({ status: 'archived'; launchedAt: string | null } & Base);

export type CampaignCommand =
  | {
      type: 'CreateCampaign';
      campaignId: string;
      workspaceId: string;
      name: string;
      sequenceId: string;
      stopOnReply: boolean;
      /** Fact: the sequence, if it exists in this workspace. */
      sequence: { stepCount: number } | null;
      now: string;
    }
  | { type: 'LaunchCampaign'; now: string }
  | { type: 'PauseCampaign'; now: string }
  | { type: 'ResumeCampaign'; now: string }
  /** Fact: how many of its enrollments are still waiting or active. */
  | { type: 'CompleteCampaign'; unfinishedEnrollments: number; now: string }
  | { type: 'ArchiveCampaign'; now: string }
  | {
      type: 'ConfigureCampaignSending';
      mailboxIds: readonly string[];
      sendWindow: SendWindowSetting | null;
      timezone: string | null;
      /** Fact: the workspace's mailboxes among those named (absent: not found in the workspace). */
      mailboxes: Readonly<Record<string, { connected: boolean }>>;
      now: string;
    }
  | { type: 'SetCampaignOccasion'; occasion: CampaignOccasion['occasion']; customLabel?: string; sendAtLocalTime: string; now: string };
