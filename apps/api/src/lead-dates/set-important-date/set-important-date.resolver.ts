import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { LeadImportantDateModel } from '../queries/lead-date.model';
import { LeadDatesQuery } from '../queries/lead-dates.query';
import { SetLeadImportantDateCommand } from './set-important-date.handler';
import { SetLeadImportantDateInput } from './set-important-date.input';

@Resolver()
export class SetLeadImportantDateResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly dates: LeadDatesQuery,
  ) {}

  @Mutation(() => LeadImportantDateModel, { description: "Add or change a lead's important date (birthday, work anniversary, custom)" })
  async setLeadImportantDate(@CurrentActor() actor: Actor, @Args('input') input: SetLeadImportantDateInput): Promise<LeadImportantDateModel> {
    const { dateId, position } = await this.commandBus.execute(new SetLeadImportantDateCommand(actor, input));
    await this.watermarks.waitFor(['lead_dates'], position);
    const date = (await this.dates.ofLead(actor.workspaceId, input.leadId)).find((d) => d.dateId === dateId);
    if (!date) throw notFound('Important date', dateId);
    return date;
  }
}
