import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { templateDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { ReviseTemplateInput } from './revise-template.input';

export class ReviseTemplateCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: ReviseTemplateInput,
  ) {
    super();
  }
}

@CommandHandler(ReviseTemplateCommand)
export class ReviseTemplateHandler implements ICommandHandler<ReviseTemplateCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, input }: ReviseTemplateCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: 'ReviseTemplate',
      streamId: streams.template(input.id),
      decider: templateDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Template', input.id);
        return { type: 'ReviseTemplate' as const, subject: input.subject, body: input.body, now: this.commands.now() };
      },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
