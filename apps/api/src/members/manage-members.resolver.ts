import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../common/auth/actor';
import { AllowRoles, CurrentActor } from '../common/auth/auth.decorators';
import { notFound } from '../common/errors/api-errors';
import { ProjectionWatermarks } from '../common/read-your-writes/projection-watermarks';
import { ManageMembersCommand, MemberChange } from './manage-members.handler';
import { AddMemberInput, ChangeMemberRoleInput, RemoveMemberInput } from './member-inputs';
import { WorkspaceMemberModel } from './queries/member.model';
import { MembersQuery } from './queries/members.query';

@Resolver()
export class ManageMembersResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly members: MembersQuery,
  ) {}

  private async apply(actor: Actor, change: MemberChange): Promise<string> {
    const { userId, position } = await this.commandBus.execute(new ManageMembersCommand(actor, change));
    await this.watermarks.waitFor(['members'], position);
    return userId;
  }

  @Mutation(() => WorkspaceMemberModel, { description: 'Add a registered user to your workspace with a role (owners and admins; only an owner grants OWNER)' })
  @AllowRoles('OWNER', 'ADMIN')
  async addMember(@CurrentActor() actor: Actor, @Args('input') input: AddMemberInput): Promise<WorkspaceMemberModel> {
    const userId = await this.apply(actor, { kind: 'add', email: input.email, role: input.role });
    return (await this.members.member(actor.workspaceId, userId)) ?? Promise.reject(notFound('Member', userId));
  }

  @Mutation(() => WorkspaceMemberModel, { description: "Change a member's role; the workspace keeps at least one owner (it takes effect at their next token refresh)" })
  @AllowRoles('OWNER', 'ADMIN')
  async changeMemberRole(@CurrentActor() actor: Actor, @Args('input') input: ChangeMemberRoleInput): Promise<WorkspaceMemberModel> {
    const userId = await this.apply(actor, { kind: 'change-role', userId: input.userId, role: input.role });
    return (await this.members.member(actor.workspaceId, userId)) ?? Promise.reject(notFound('Member', userId));
  }

  @Mutation(() => [WorkspaceMemberModel], { description: 'Remove a member; answers the members who remain' })
  @AllowRoles('OWNER', 'ADMIN')
  async removeMember(@CurrentActor() actor: Actor, @Args('input') input: RemoveMemberInput): Promise<WorkspaceMemberModel[]> {
    await this.apply(actor, { kind: 'remove', userId: input.userId });
    return this.members.list(actor.workspaceId);
  }
}
