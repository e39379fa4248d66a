import { Args, ArgsType, Field, ID, Query, Resolver } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { CampaignSendingModel } from './campaign-sending.model';
import { CampaignSendingQuery } from './campaign-sending.query';

@ArgsType()
export class CampaignIdArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'campaignId must be a UUID' })
  campaignId!: string;
}

@Resolver(() => CampaignSendingModel)
export class CampaignSendingResolver {
  constructor(private readonly query: CampaignSendingQuery) {}

  @Query(() => CampaignSendingModel, { nullable: true, description: "A campaign's mailboxes, send window, time zone and occasion" })
  campaignSending(@CurrentActor() actor: Actor, @Args() { campaignId }: CampaignIdArgs): Promise<CampaignSendingModel | null> {
    return this.query.byCampaign(actor.workspaceId, campaignId);
  }
}
