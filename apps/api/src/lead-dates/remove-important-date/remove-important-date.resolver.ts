import { Args, ArgsType, Field, ID, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { IsUUID } from 'class-validator';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { LeadImportantDateModel } from '../queries/lead-date.model';
import { LeadDatesQuery, LeadIdArgs } from '../queries/lead-dates.query';
import { RemoveLeadImportantDateCommand } from './remove-important-date.handler';

@ArgsType()
export class LeadDateArgs extends LeadIdArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'dateId must be a UUID' })
  dateId!: string;
}

@Resolver()
export class RemoveLeadImportantDateResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly dates: LeadDatesQuery,
  ) {}

  @Mutation(() => [LeadImportantDateModel], { description: "Remove a lead's important date; answers the dates it still has" })
  async removeLeadImportantDate(@CurrentActor() actor: Actor, @Args() { leadId, dateId }: LeadDateArgs): Promise<LeadImportantDateModel[]> {
    const { position } = await this.commandBus.execute(new RemoveLeadImportantDateCommand(actor, leadId, dateId));
    await this.watermarks.waitFor(['lead_dates'], position);
    return this.dates.ofLead(actor.workspaceId, leadId);
  }
}
