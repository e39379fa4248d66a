import { Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { WorkspaceMemberModel } from './member.model';
import { MembersQuery } from './members.query';

@Resolver()
export class MembersResolver {
  constructor(private readonly query: MembersQuery) {}

  @Query(() => [WorkspaceMemberModel], { description: 'Who belongs to your workspace, with which role, oldest first' })
  workspaceMembers(@CurrentActor() actor: Actor): Promise<WorkspaceMemberModel[]> {
    return this.query.list(actor.workspaceId);
  }
}
