import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { campaignDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';

/** The lifecycle moves a user makes; completing is the system's (when every enrollment ends). */
export type CampaignLifecycleAction = 'LaunchCampaign' | 'PauseCampaign' | 'ResumeCampaign' | 'ArchiveCampaign';

export class ChangeCampaignLifecycleCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly campaignId: string,
    readonly action: CampaignLifecycleAction,
  ) {
    super();
  }
}

/**
 * Launch, pause, resume, archive: one event on the campaign stream each. What follows for the
 * campaign's enrollments (start, resume, stop) is done by the schedulers' reactors from it.
 */
@CommandHandler(ChangeCampaignLifecycleCommand)
export class ChangeCampaignLifecycleHandler implements ICommandHandler<ChangeCampaignLifecycleCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, campaignId, action }: ChangeCampaignLifecycleCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: action,
      streamId: streams.campaign(campaignId),
      decider: campaignDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Campaign', campaignId);
        return { type: action, now: this.commands.now() };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
