import { z } from 'zod';
import { defineEvent, historicVersion } from '../core/define-event';
import { Id, Instant, NonEmpty } from '../core/primitives';

/** v1 had no reply setting: every campaign stopped a lead's sequence on reply. */
const CampaignCreatedV1 = z.object({ campaignId: Id, workspaceId: Id, name: NonEmpty, sequenceId: Id, createdAt: Instant });

export const CampaignCreated = defineEvent({
  type: 'CampaignCreated',
  version: 2,
  schema: z.object({
    campaignId: Id,
    workspaceId: Id,
    name: NonEmpty,
    sequenceId: Id,
    /** Stop a lead's sequence when it replies (on by default). */
    stopOnReply: z.boolean(),
    createdAt: Instant,
  }),
  history: [historicVersion(1, CampaignCreatedV1, (v1) => ({ ...v1, stopOnReply: true }))],
});

export const CampaignLaunched = defineEvent({
  type: 'CampaignLaunched',
  schema: z.object({ campaignId: Id, launchedAt: Instant }),
});
export const CampaignPaused = defineEvent({
  type: 'CampaignPaused',
  schema: z.object({ campaignId: Id, pausedAt: Instant }),
});
export const CampaignResumed = defineEvent({
  type: 'CampaignResumed',
  schema: z.object({ campaignId: Id, resumedAt: Instant }),
});
export const CampaignCompleted = defineEvent({
  type: 'CampaignCompleted',
  schema: z.object({ campaignId: Id, completedAt: Instant }),
});
export const CampaignArchived = defineEvent({
  type: 'CampaignArchived',
  schema: z.object({ campaignId: Id, archivedAt: Instant }),
});

export const campaignEvents = [CampaignCreated, CampaignLaunched, CampaignPaused, CampaignResumed, CampaignCompleted, CampaignArchived] as const;
