import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { SetCampaignOccasionInput } from './set-campaign-occasion.input';

export class SetCampaignOccasionCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: SetCampaignOccasionInput,
  ) {
    super();
  }
}

/**
 * CampaignOccasionSet on a draft campaign: once launched, the schedulers' occasion job enrols
 * each lead on its date of that kind (once per date and year) at the local send time.
 */
@CommandHandler(SetCampaignOccasionCommand)
export class SetCampaignOccasionHandler implements ICommandHandler<SetCampaignOccasionCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, input }: SetCampaignOccasionCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: 'SetCampaignOccasion',
      streamId: streams.campaign(input.campaignId),
      decider: campaignDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Campaign', input.campaignId);
        return { type: 'SetCampaignOccasion' as const, occasion: input.occasion, customLabel: input.customLabel ?? undefined, sendAtLocalTime: input.sendAtLocalTime, now: this.commands.now() };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
