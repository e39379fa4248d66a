import { AuthResolver } from './auth/auth.resolver';
import { LoginHandler } from './auth/login/login.handler';
import { MembershipQuery } from './auth/membership.query';
import { RefreshTokenHandler } from './auth/refresh-token/refresh-token.handler';
import { RegisterHandler } from './auth/register/register.handler';
import { CampaignLifecycleResolver } from './campaigns/campaign-lifecycle/campaign-lifecycle.resolver';
import { ChangeCampaignLifecycleHandler } from './campaigns/campaign-lifecycle/campaign-lifecycle.handler';
import { CreateCampaignHandler } from './campaigns/create-campaign/create-campaign.handler';
import { CreateCampaignResolver } from './campaigns/create-campaign/create-campaign.resolver';
import { CampaignsQuery } from './campaigns/queries/campaigns.query';
import { CampaignsResolver } from './campaigns/queries/campaigns.resolver';
import { DashboardQuery } from './dashboard/queries/dashboard.query';
import { DashboardResolver } from './dashboard/queries/dashboard.resolver';
import { EmailRefs } from './emails/email-ref';
import { EmailsQuery } from './emails/queries/emails.query';
import { EmailsResolver } from './emails/queries/emails.resolver';
import { RecordBounceHandler } from './emails/record-bounce/record-bounce.handler';
import { RecordBounceResolver } from './emails/record-bounce/record-bounce.resolver';
import { RecordClickHandler } from './emails/record-click/record-click.handler';
import { RecordClickResolver } from './emails/record-click/record-click.resolver';
import { RecordOpenHandler } from './emails/record-open/record-open.handler';
import { RecordOpenResolver } from './emails/record-open/record-open.resolver';
import { RecordReplyHandler } from './emails/record-reply/record-reply.handler';
import { RecordReplyResolver } from './emails/record-reply/record-reply.resolver';
import { EnrollLeadHandler } from './enrollments/enroll-lead/enroll-lead.handler';
import { EnrollLeadResolver } from './enrollments/enroll-lead/enroll-lead.resolver';
import { EnrollLeadsHandler } from './enrollments/enroll-leads/enroll-leads.handler';
import { EnrollLeadsResolver } from './enrollments/enroll-leads/enroll-leads.resolver';
import { EnrollmentsQuery } from './enrollments/queries/enrollments.query';
import { EnrollmentsResolver } from './enrollments/queries/enrollments.resolver';
import { SendStepHandler } from './enrollments/send-step/send-step.handler';
import { SendStepResolver } from './enrollments/send-step/send-step.resolver';
import { CreateLeadHandler } from './leads/create-lead/create-lead.handler';
import { CreateLeadResolver } from './leads/create-lead/create-lead.resolver';
import { ImportLeadsController } from './leads/import-leads/import-leads.controller';
import { ImportLeadsHandler } from './leads/import-leads/import-leads.handler';
import { ImportLeadsResolver } from './leads/import-leads/import-leads.resolver';
import { LeadsQuery } from './leads/queries/leads.query';
import { LeadsResolver } from './leads/queries/leads.resolver';
import { UnsubscribeLeadHandler } from './leads/unsubscribe-lead/unsubscribe-lead.handler';
import { UnsubscribeLeadResolver } from './leads/unsubscribe-lead/unsubscribe-lead.resolver';
import { UpdateLeadHandler } from './leads/update-lead/update-lead.handler';
import { UpdateLeadResolver } from './leads/update-lead/update-lead.resolver';
import { CreateSequenceHandler } from './sequences/create-sequence/create-sequence.handler';
import { CreateSequenceResolver } from './sequences/create-sequence/create-sequence.resolver';
import { SequencesQuery } from './sequences/queries/sequences.query';
import { SequencesResolver } from './sequences/queries/sequences.resolver';
import { CreateTemplateHandler } from './templates/create-template/create-template.handler';
import { CreateTemplateResolver } from './templates/create-template/create-template.resolver';
import { TemplatesQuery } from './templates/queries/templates.query';
import { TemplatesResolver } from './templates/queries/templates.resolver';
import { ReviseTemplateHandler } from './templates/revise-template/revise-template.handler';
import { ReviseTemplateResolver } from './templates/revise-template/revise-template.resolver';
import { TrackingTokens } from './tracking/tracking-token';
import { TrackingController } from './tracking/tracking.controller';
import { UnsubscribeController } from './tracking/unsubscribe.controller';
import { aiComponents } from './ai/ai.components';
import { workspaceComponents } from './workspace/workspace.components';
import { leadDatesComponents } from './lead-dates/lead-dates.components';
import { mailboxesComponents } from './mailboxes/mailboxes.components';
import { sendingComponents } from './sending/sending.components';
import { auditComponents } from './audit/audit.components';
import { gdprComponents } from './gdpr/gdpr.components';
import { membersComponents } from './members/members.components';
import { projectionsComponents } from './projections/projections.components';

import { Type } from '@nestjs/common';

/** What one feature of the API contributes; features register in `features` below. */
export type ApiComponents = {
  resolvers: readonly Type[];
  handlers: readonly Type[];
  queries: readonly Type[];
  controllers: readonly Type[];
};

const coreResolvers = [
  AuthResolver,
  TemplatesResolver,
  CreateTemplateResolver,
  ReviseTemplateResolver,
  SequencesResolver,
  CreateSequenceResolver,
  CampaignsResolver,
  CreateCampaignResolver,
  CampaignLifecycleResolver,
  LeadsResolver,
  CreateLeadResolver,
  UpdateLeadResolver,
  ImportLeadsResolver,
  UnsubscribeLeadResolver,
  EnrollmentsResolver,
  EnrollLeadResolver,
  EnrollLeadsResolver,
  SendStepResolver,
  EmailsResolver,
  RecordOpenResolver,
  RecordClickResolver,
  RecordReplyResolver,
  RecordBounceResolver,
  DashboardResolver,
];

const coreHandlers = [
  RegisterHandler,
  LoginHandler,
  RefreshTokenHandler,
  CreateTemplateHandler,
  ReviseTemplateHandler,
  CreateSequenceHandler,
  CreateCampaignHandler,
  ChangeCampaignLifecycleHandler,
  CreateLeadHandler,
  UpdateLeadHandler,
  ImportLeadsHandler,
  UnsubscribeLeadHandler,
  EnrollLeadHandler,
  EnrollLeadsHandler,
  SendStepHandler,
  RecordOpenHandler,
  RecordClickHandler,
  RecordReplyHandler,
  RecordBounceHandler,
];

const coreQueries = [MembershipQuery, TemplatesQuery, SequencesQuery, CampaignsQuery, LeadsQuery, EnrollmentsQuery, EmailsQuery, DashboardQuery, EmailRefs, TrackingTokens];

const coreControllers = [TrackingController, UnsubscribeController, ImportLeadsController];

const core: ApiComponents = { resolvers: coreResolvers, handlers: coreHandlers, queries: coreQueries, controllers: coreControllers };

/**
 * Every feature of the API. A new feature keeps its own `<feature>.components.ts` next to its
 * code and adds one line here.
 */
const features: readonly ApiComponents[] = [core, workspaceComponents, aiComponents, mailboxesComponents, sendingComponents, leadDatesComponents, auditComponents, gdprComponents, membersComponents, projectionsComponents];

/** Every GraphQL resolver: the schema is built from exactly these (and schema.graphql printed from them). */
export const resolvers = features.flatMap((f) => f.resolvers);
/** CommandBus handlers: every mutation and tracking hit is one of these commands. */
export const handlers = features.flatMap((f) => f.handlers);
/** Read-model readers and small services. */
export const queries = features.flatMap((f) => f.queries);
/** Plain HTTP routes: tracking, one-click unsubscribe, CSV import. */
export const controllers = features.flatMap((f) => f.controllers);
