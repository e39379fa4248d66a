import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CampaignModel } from '../../campaigns/queries/campaign.model';
import { CampaignsQuery } from '../../campaigns/queries/campaigns.query';
import { IdArgs } from '../../common/args/id.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { EmailModel } from '../../emails/queries/email.model';
import { EmailsQuery } from '../../emails/queries/emails.query';
import { LeadModel } from '../../leads/queries/lead.model';
import { LeadsQuery } from '../../leads/queries/leads.query';
import { EnrollmentModel } from './enrollment.model';
import { EnrollmentsQuery } from './enrollments.query';

@Resolver(() => EnrollmentModel)
export class EnrollmentsResolver {
  constructor(
    private readonly query: EnrollmentsQuery,
    private readonly emailsQuery: EmailsQuery,
    private readonly campaigns: CampaignsQuery,
    private readonly leads: LeadsQuery,
  ) {}

  @Query(() => EnrollmentModel)
  async enrollment(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<EnrollmentModel> {
    return (await this.query.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Enrollment', id));
  }

  @ResolveField(() => [EmailModel], { description: 'Its emails in step order' })
  emails(@CurrentActor() actor: Actor, @Parent() enrollment: EnrollmentModel): Promise<EmailModel[]> {
    return this.emailsQuery.ofEnrollment(actor.workspaceId, enrollment.id);
  }

  @ResolveField(() => CampaignModel)
  async campaign(@CurrentActor() actor: Actor, @Parent() enrollment: EnrollmentModel): Promise<CampaignModel> {
    return (await this.campaigns.byId(actor.workspaceId, enrollment.campaignId)) ?? Promise.reject(notFound('Campaign', enrollment.campaignId));
  }

  @ResolveField(() => LeadModel)
  async lead(@CurrentActor() actor: Actor, @Parent() enrollment: EnrollmentModel): Promise<LeadModel> {
    return (await this.leads.byId(actor.workspaceId, enrollment.leadId)) ?? Promise.reject(notFound('Lead', enrollment.leadId));
  }
}
