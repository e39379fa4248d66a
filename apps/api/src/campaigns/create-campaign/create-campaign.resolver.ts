import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { CampaignModel } from '../queries/campaign.model';
import { CampaignsQuery } from '../queries/campaigns.query';
import { CreateCampaignCommand } from './create-campaign.handler';
import { CreateCampaignInput } from './create-campaign.input';

@Resolver()
export class CreateCampaignResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly campaigns: CampaignsQuery,
  ) {}

  @Mutation(() => CampaignModel, { description: 'Create a draft campaign sending a sequence; launch it to start sending' })
  async createCampaign(@CurrentActor() actor: Actor, @Args('input') input: CreateCampaignInput): Promise<CampaignModel> {
    const { campaignId, position } = await this.commandBus.execute(new CreateCampaignCommand(actor, input));
    await this.watermarks.waitFor(['campaigns'], position);
    return (await this.campaigns.byId(actor.workspaceId, campaignId)) ?? Promise.reject(notFound('Campaign', campaignId));
  }
}
