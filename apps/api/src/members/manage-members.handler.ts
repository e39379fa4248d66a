import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Role, streams } from '@app/events';
import { WorkspaceCommand, workspaceDecider } from '@app/domain';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../common/auth/actor';
import { requireOwnWorkspace } from '../common/auth/workspace-scope';
import { ApiError } from '../common/errors/api-errors';
import { MembersQuery } from './queries/members.query';

export type MemberChange = { kind: 'add'; email: string; role: Role } | { kind: 'change-role'; userId: string; role: Role } | { kind: 'remove'; userId: string };

export class ManageMembersCommand extends Command<{ userId: string; position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly change: MemberChange,
  ) {
    super();
  }
}

/**
 * Adds a member (an existing user, by email), changes a member's role, or removes one, through
 * the workspace's decider: only owners and admins manage members, only owners touch the owner
 * role, and the last owner stays. Each change is a workspace event whose actor is the member
 * who made it, so the log tells who granted what to whom, and when.
 */
@CommandHandler(ManageMembersCommand)
export class ManageMembersHandler implements ICommandHandler<ManageMembersCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly members: MembersQuery,
  ) {}

  async execute({ actor, change }: ManageMembersCommand): Promise<{ userId: string; position: string | null }> {
    const workspaceId = actor.workspaceId;
    const userId = change.kind === 'add' ? await this.members.userIdByEmail(change.email) : change.userId;
    if (!userId) throw new ApiError('NOT_FOUND', 'No registered user has this email: they register first, then you add them', 'USER.NOT_FOUND');
    const now = this.commands.now();
    const base = { actorId: actor.userId, now };
    const command: WorkspaceCommand =
      change.kind === 'add'
        ? { type: 'AddMember', userId, role: change.role, ...base }
        : change.kind === 'change-role'
          ? { type: 'ChangeMemberRole', userId, role: change.role, ...base }
          : { type: 'RemoveMember', userId, ...base };
    const outcome = await this.commands.execute({
      name: command.type,
      streamId: streams.workspace(workspaceId),
      decider: workspaceDecider,
      tenantId: workspaceId,
      actorId: actor.userId,
      command: (state) => {
        requireOwnWorkspace(state, workspaceId, 'Workspace', workspaceId);
        return command;
      },
    });
    return { userId, position: outcome.appended?.position ?? null };
  }
}
