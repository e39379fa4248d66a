import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { mailboxDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { MailboxLimitsInput, limitsOf } from '../mailbox-limits.input';

export class SetMailboxLimitsCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly mailboxId: string,
    readonly limits: MailboxLimitsInput,
  ) {
    super();
  }
}

/** Changes the limits given (merged into the current ones); the same limits again change nothing. */
@CommandHandler(SetMailboxLimitsCommand)
export class SetMailboxLimitsHandler implements ICommandHandler<SetMailboxLimitsCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, mailboxId, limits }: SetMailboxLimitsCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: 'SetMailboxLimits',
      streamId: streams.mailbox(mailboxId),
      decider: mailboxDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Mailbox', mailboxId);
        return { type: 'SetMailboxLimits' as const, limits: limitsOf(limits) ?? {}, now: this.commands.now() };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
