import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { customFieldsRecord } from '../lead-fields';
import { LeadModel } from '../queries/lead.model';
import { LeadsQuery } from '../queries/leads.query';
import { UpdateLeadCommand } from './update-lead.handler';
import { UpdateLeadInput } from './update-lead.input';

@Resolver()
export class UpdateLeadResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly leads: LeadsQuery,
  ) {}

  @Mutation(() => LeadModel, { description: "Change a lead's profile; giving the current values changes nothing" })
  async updateLead(@CurrentActor() actor: Actor, @Args('input') input: UpdateLeadInput): Promise<LeadModel> {
    const { id, customFields, ...rest } = input;
    const fields = { ...rest, ...(customFields === undefined ? {} : { customFields: customFieldsRecord(customFields) }) };
    const { position } = await this.commandBus.execute(new UpdateLeadCommand(actor, id, fields));
    await this.watermarks.waitFor(['leads'], position);
    return (await this.leads.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Lead', id));
  }
}
