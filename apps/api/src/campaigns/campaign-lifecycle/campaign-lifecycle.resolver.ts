import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { IdArgs } from '../../common/args/id.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { CampaignModel } from '../queries/campaign.model';
import { CampaignsQuery } from '../queries/campaigns.query';
import { CampaignLifecycleAction, ChangeCampaignLifecycleCommand } from './campaign-lifecycle.handler';

@Resolver()
export class CampaignLifecycleResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly campaigns: CampaignsQuery,
  ) {}

  private async change(actor: Actor, id: string, action: CampaignLifecycleAction): Promise<CampaignModel> {
    const { position } = await this.commandBus.execute(new ChangeCampaignLifecycleCommand(actor, id, action));
    await this.watermarks.waitFor(['campaigns'], position);
    return (await this.campaigns.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Campaign', id));
  }

  @Mutation(() => CampaignModel, { description: 'Start sending: a draft campaign becomes active and its enrolled leads get their first step scheduled' })
  launchCampaign(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<CampaignModel> {
    return this.change(actor, id, 'LaunchCampaign');
  }

  @Mutation(() => CampaignModel, { description: 'Stop sending for now; steps that fall due wait for resumeCampaign (pausing a paused campaign changes nothing)' })
  pauseCampaign(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<CampaignModel> {
    return this.change(actor, id, 'PauseCampaign');
  }

  @Mutation(() => CampaignModel, { description: 'Send again; steps that fell due during the pause are due now' })
  resumeCampaign(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<CampaignModel> {
    return this.change(actor, id, 'ResumeCampaign');
  }

  @Mutation(() => CampaignModel, { description: 'Retire the campaign for good: its enrollments stop and it takes no new leads' })
  archiveCampaign(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<CampaignModel> {
    return this.change(actor, id, 'ArchiveCampaign');
  }
}
