export type CampaignStatus = 'draft' | 'active' | 'paused' | 'completed' | 'archived';

type Base = { campaignId: string; workspaceId: string; name: string; sequenceId: string; stopOnReply: boolean };
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
  | { type: 'ArchiveCampaign'; now: string };
