import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { LeadModel } from '../queries/lead.model';
import { LeadsQuery } from '../queries/leads.query';
import { UnsubscribeLeadCommand } from './unsubscribe-lead.handler';
import { UnsubscribeInput } from './unsubscribe-lead.input';

@Resolver()
export class UnsubscribeLeadResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly leads: LeadsQuery,
  ) {}

  @Mutation(() => LeadModel, { description: 'Record that the lead asked to receive nothing more: it is never sent to again and its enrollments stop' })
  async unsubscribe(@CurrentActor() actor: Actor, @Args('input') input: UnsubscribeInput): Promise<LeadModel> {
    const { position } = await this.commandBus.execute(new UnsubscribeLeadCommand({ kind: 'member', actor }, actor.workspaceId, input.leadId, 'MANUAL'));
    await this.watermarks.waitFor(['leads'], position);
    return (await this.leads.byId(actor.workspaceId, input.leadId)) ?? Promise.reject(notFound('Lead', input.leadId));
  }
}
