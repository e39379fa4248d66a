import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { CampaignSendingModel } from '../queries/campaign-sending.model';
import { CampaignSendingQuery } from '../queries/campaign-sending.query';
import { ConfigureCampaignSendingCommand } from './configure-campaign-sending.handler';
import { ConfigureCampaignSendingInput } from './configure-campaign-sending.input';

@Resolver()
export class ConfigureCampaignSendingResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly sending: CampaignSendingQuery,
  ) {}

  @Mutation(() => CampaignSendingModel, { description: 'Which mailboxes a campaign sends from (rotated over, each within its limits), and its send window and time zone' })
  async configureCampaignSending(@CurrentActor() actor: Actor, @Args('input') input: ConfigureCampaignSendingInput): Promise<CampaignSendingModel> {
    const { position } = await this.commandBus.execute(new ConfigureCampaignSendingCommand(actor, input));
    return this.sending.afterWrite(actor.workspaceId, input.campaignId, position);
  }
}
