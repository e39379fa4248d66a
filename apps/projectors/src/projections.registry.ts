import { DB } from '@app/read-store';
import { Projection } from '@app/projections';
import { aiUsageProjection } from './ai-usage/ai-usage.projection';
import { campaignDailyStatsProjection } from './campaign-daily-stats/campaign-daily-stats.projection';
import { campaignsProjection } from './campaigns/campaigns.projection';
import { dueStepsProjection } from './due-steps/due-steps.projection';
import { emailsProjection } from './emails/emails.projection';
import { enrollmentsProjection } from './enrollments/enrollments.projection';
import { eventLogProjection } from './event-log/event-log.projection';
import { leadsProjection } from './leads/leads.projection';
import { leadDatesProjection } from './lead-dates/lead-dates.projection';
import { mailboxesProjection } from './mailboxes/mailboxes.projection';
import { membersProjection } from './members/members.projection';
import { replyRatesProjection } from './reply-rates/reply-rates.projection';
import { sequencesProjection } from './sequences/sequences.projection';
import { suppressionsProjection } from './suppressions/suppressions.projection';
import { templatesProjection } from './templates/templates.projection';

/**
 * Every read model. Adding one means writing its file (events, tables, apply) and listing it
 * here; on start it is built from the first event in the background.
 */
export const projections: readonly Projection<DB>[] = [
  membersProjection,
  templatesProjection,
  sequencesProjection,
  campaignsProjection,
  leadsProjection,
  enrollmentsProjection,
  emailsProjection,
  campaignDailyStatsProjection,
  dueStepsProjection,
  eventLogProjection,
  replyRatesProjection,
  mailboxesProjection,
  suppressionsProjection,
  leadDatesProjection,
  aiUsageProjection,
];
