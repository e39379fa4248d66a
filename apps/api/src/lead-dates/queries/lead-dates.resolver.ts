import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { LeadModel } from '../../leads/queries/lead.model';
import { LeadImportantDateModel } from './lead-date.model';
import { LeadDatesQuery, LeadIdArgs } from './lead-dates.query';

@Resolver(() => LeadImportantDateModel)
export class LeadDatesResolver {
  constructor(private readonly query: LeadDatesQuery) {}

  @Query(() => [LeadImportantDateModel], { description: "A lead's important dates, in calendar order" })
  leadImportantDates(@CurrentActor() actor: Actor, @Args() { leadId }: LeadIdArgs): Promise<LeadImportantDateModel[]> {
    return this.query.ofLead(actor.workspaceId, leadId);
  }
}

/** `Lead.importantDates`, next to the lead's other fields. */
@Resolver(() => LeadModel)
export class LeadImportantDatesField {
  constructor(private readonly query: LeadDatesQuery) {}

  @ResolveField(() => [LeadImportantDateModel])
  importantDates(@CurrentActor() actor: Actor, @Parent() lead: LeadModel): Promise<LeadImportantDateModel[]> {
    return this.query.ofLead(actor.workspaceId, lead.id);
  }
}
