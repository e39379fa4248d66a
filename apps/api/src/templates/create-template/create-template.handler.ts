import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { templateDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { v7 as uuidv7 } from 'uuid';
import { Actor } from '../../common/auth/actor';
import { CreateTemplateInput } from './create-template.input';

export class CreateTemplateCommand extends Command<{ templateId: string; position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: CreateTemplateInput,
  ) {
    super();
  }
}

@CommandHandler(CreateTemplateCommand)
export class CreateTemplateHandler implements ICommandHandler<CreateTemplateCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, input }: CreateTemplateCommand): Promise<{ templateId: string; position: string | null }> {
    const templateId = uuidv7();
    const outcome = await this.commands.execute({
      name: 'CreateTemplate',
      streamId: streams.template(templateId),
      decider: templateDecider,
      command: { type: 'CreateTemplate', templateId, workspaceId: actor.workspaceId, ...input, now: this.commands.now() },
    });
    return { templateId, position: outcome.appended?.position ?? null };
  }
}
