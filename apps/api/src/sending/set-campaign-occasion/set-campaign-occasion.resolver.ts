import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { CampaignSendingModel } from '../queries/campaign-sending.model';
import { CampaignSendingQuery } from '../queries/campaign-sending.query';
import { SetCampaignOccasionCommand } from './set-campaign-occasion.handler';
import { SetCampaignOccasionInput } from './set-campaign-occasion.input';

@Resolver()
export class SetCampaignOccasionResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly sending: CampaignSendingQuery,
  ) {}

  @Mutation(() => CampaignSendingModel, { description: "Make a draft campaign an occasion campaign: once launched, it sends its first step on each lead's date of this kind" })
  async setCampaignOccasion(@CurrentActor() actor: Actor, @Args('input') input: SetCampaignOccasionInput): Promise<CampaignSendingModel> {
    const { position } = await this.commandBus.execute(new SetCampaignOccasionCommand(actor, input));
    return this.sending.afterWrite(actor.workspaceId, input.campaignId, position);
  }
}
