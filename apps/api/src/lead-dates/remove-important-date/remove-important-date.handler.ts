import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { leadDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';

export class RemoveLeadImportantDateCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly leadId: string,
    readonly dateId: string,
  ) {
    super();
  }
}

/** LeadImportantDateRemoved: no occasion campaign sends on it any more. */
@CommandHandler(RemoveLeadImportantDateCommand)
export class RemoveLeadImportantDateHandler implements ICommandHandler<RemoveLeadImportantDateCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, leadId, dateId }: RemoveLeadImportantDateCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: 'RemoveImportantDate',
      streamId: streams.lead(leadId),
      decider: leadDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Lead', leadId);
        return { type: 'RemoveImportantDate' as const, dateId, now: this.commands.now() };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
