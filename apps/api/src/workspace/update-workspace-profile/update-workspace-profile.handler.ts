import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WorkspaceProfile, workspaceDecider } from '@app/domain';
import { streams } from '@app/events';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { UpdateWorkspaceProfileInput } from './update-workspace-profile.input';

export class UpdateWorkspaceProfileCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly input: UpdateWorkspaceProfileInput,
  ) {
    super();
  }
}

@CommandHandler(UpdateWorkspaceProfileCommand)
export class UpdateWorkspaceProfileHandler implements ICommandHandler<UpdateWorkspaceProfileCommand> {
  constructor(private readonly commands: CommandExecutor) {}

  async execute({ actor, input }: UpdateWorkspaceProfileCommand): Promise<{ position: string | null }> {
    // null and absent both mean "unchanged"; the decider keeps only what differs.
    const profile: WorkspaceProfile = {};
    for (const field of ['companyName', 'postalAddress', 'productDescription', 'website'] as const) {
      const value = input[field];
      if (typeof value === 'string') profile[field] = value;
    }
    const outcome = await this.commands.execute({
      name: 'UpdateWorkspaceProfile',
      streamId: streams.workspace(actor.workspaceId),
      decider: workspaceDecider,
      command: { type: 'UpdateWorkspaceProfile', profile, actorId: actor.userId, now: this.commands.now() },
    });
    return { position: outcome.appended?.position ?? null };
  }
}
