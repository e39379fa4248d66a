import { Args, ArgsType, Field, ID, Query, Resolver } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';
import { Actor } from '../../common/auth/actor';
import { AllowRoles, CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionStatusModel } from './projection-status.model';
import { ProjectionsQuery } from './projections.query';
import { SendTimeReplyRateModel } from './reply-rates.model';

@ArgsType()
export class ReplyRatesArgs {
  @Field(() => ID, { nullable: true, description: 'One campaign (default: every campaign of the workspace, added up)' })
  @IsOptional()
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId?: string | null;
}

@Resolver()
export class ProjectionsResolver {
  constructor(private readonly query: ProjectionsQuery) {}

  @Query(() => [ProjectionStatusModel], {
    description: 'Every read model: version, schema, checkpoint, events behind, lag and state (owners, admins, auditors); the same as `npm run projections -- status`',
  })
  @AllowRoles('OWNER', 'ADMIN', 'AUDITOR')
  projections(): Promise<ProjectionStatusModel[]> {
    return this.query.status();
  }

  @Query(() => [SendTimeReplyRateModel], { description: "Reply rate by weekday and hour of sending, in the lead's own time zone (analysts' read model reply_rates)" })
  async replyRatesBySendTime(@CurrentActor() actor: Actor, @Args() { campaignId }: ReplyRatesArgs): Promise<SendTimeReplyRateModel[]> {
    if (campaignId && !(await this.query.campaignExists(actor.workspaceId, campaignId))) throw notFound('Campaign', campaignId);
    return this.query.replyRates(actor.workspaceId, campaignId ?? null);
  }
}
