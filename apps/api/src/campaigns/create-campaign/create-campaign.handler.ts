import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Facts } from '@app/application';
import { SequenceNotFound, campaignDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { v7 as uuidv7 } from 'uuid';
import { Actor } from '../../common/auth/actor';
import { CreateCampaignInput } from './create-campaign.input';

export class CreateCampaignCommand extends Command<{ campaignId: string; position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: CreateCampaignInput,
  ) {
    super();
  }
}

@CommandHandler(CreateCampaignCommand)
export class CreateCampaignHandler implements ICommandHandler<CreateCampaignCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly facts: Facts,
  ) {}

  /** The sequence fact comes from its stream; "not in this workspace" is the decider's call to make. */
  private async sequence(sequenceId: string, workspaceId: string): Promise<{ stepCount: number } | null> {
    try {
      return { stepCount: (await this.facts.sequence(sequenceId, workspaceId)).steps.length };
    } catch (error) {
      if (error instanceof SequenceNotFound) return null;
      throw error;
    }
  }

  async execute({ actor, input }: CreateCampaignCommand): Promise<{ campaignId: string; position: string | null }> {
    const campaignId = uuidv7();
    const outcome = await this.commands.execute({
      name: 'CreateCampaign',
      streamId: streams.campaign(campaignId),
      decider: campaignDecider,
      command: async () => ({
        type: 'CreateCampaign' as const,
        campaignId,
        workspaceId: actor.workspaceId,
        name: input.name,
        sequenceId: input.sequenceId,
        stopOnReply: input.stopOnReply,
        sequence: await this.sequence(input.sequenceId, actor.workspaceId),
        now: this.commands.now(),
      }),
    });
    return { campaignId, position: outcome.appended?.position ?? null };
  }
}
