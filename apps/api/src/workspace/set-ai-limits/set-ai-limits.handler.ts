import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { workspaceDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { SetAiLimitsInput } from './set-ai-limits.input';

export class SetAiLimitsCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: SetAiLimitsInput,
  ) {
    super();
  }
}

@CommandHandler(SetAiLimitsCommand)
export class SetAiLimitsHandler implements ICommandHandler<SetAiLimitsCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, input }: SetAiLimitsCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: 'SetAiLimits',
      streamId: streams.workspace(actor.workspaceId),
      decider: workspaceDecider,
      command: { type: 'SetAiLimits', limits: { monthlyTokenBudget: input.monthlyTokenBudget, requestsPerMinute: input.requestsPerMinute }, actorId: actor.userId, now: this.commands.now() },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
