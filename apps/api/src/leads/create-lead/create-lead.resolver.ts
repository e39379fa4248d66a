import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { customFieldsRecord } from '../lead-fields';
import { LeadModel } from '../queries/lead.model';
import { LeadsQuery } from '../queries/leads.query';
import { CreateLeadCommand } from './create-lead.handler';
import { CreateLeadInput } from './create-lead.input';

@Resolver()
export class CreateLeadResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly leads: LeadsQuery,
  ) {}

  @Mutation(() => LeadModel, { description: 'Add a lead; an email already in the workspace answers CONFLICT with the existing lead id (update that lead instead)' })
  async createLead(@CurrentActor() actor: Actor, @Args('input') input: CreateLeadInput): Promise<LeadModel> {
    const fields = { ...input, customFields: customFieldsRecord(input.customFields) };
    const { leadId, position } = await this.commandBus.execute(new CreateLeadCommand(actor, fields, 'MANUAL'));
    await this.watermarks.waitFor(['leads'], position);
    return (await this.leads.byId(actor.workspaceId, leadId)) ?? Promise.reject(notFound('Lead', leadId));
  }
}
