import { z } from 'zod';
import { defineEvent, historicVersion } from '../core/define-event';
import { Id, Instant, LocalTime, NonEmpty, TimeZoneName } from '../core/primitives';

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

export const Weekdays = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof Weekdays)[number];
/** When sends may go out, in the lead's time zone (else the campaign's): days and [start, end). */
export const SendWindowSchema = z.object({ days: z.array(z.enum(Weekdays)).min(1), start: LocalTime, end: LocalTime });
export type SendWindowSetting = z.output<typeof SendWindowSchema>;

/** Which mailboxes send (rotated over), and when. */
export const CampaignSendingConfigured = defineEvent({
  type: 'CampaignSendingConfigured',
  schema: z.object({
    campaignId: Id,
    mailboxIds: z.array(Id),
    sendWindow: SendWindowSchema.nullable(),
    /** Used for leads without a time zone of their own. */
    timezone: TimeZoneName.nullable(),
    configuredAt: Instant,
  }),
});

export const OccasionKinds = ['BIRTHDAY', 'WORK_ANNIVERSARY', 'CUSTOM'] as const;
/** Makes a campaign an occasion campaign: it sends its first step on each lead's date of that kind. */
export const CampaignOccasionSet = defineEvent({
  type: 'CampaignOccasionSet',
  schema: z.object({
    campaignId: Id,
    occasion: z.enum(OccasionKinds),
    /** For CUSTOM occasions: the label of the leads' dates it sends on. */
    customLabel: z.string().trim().min(1).max(100).optional(),
    sendAtLocalTime: LocalTime,
    setAt: Instant,
  }),
});

export const campaignEvents = [
  CampaignCreated,
  CampaignLaunched,
  CampaignPaused,
  CampaignResumed,
  CampaignCompleted,
  CampaignArchived,
  CampaignSendingConfigured,
  CampaignOccasionSet,
] as const;
