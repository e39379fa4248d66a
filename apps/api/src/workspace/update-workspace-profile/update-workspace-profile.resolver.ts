import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { WorkspaceDetailsModel } from '../queries/workspace.model';
import { WorkspaceQuery } from '../queries/workspace.query';
import { UpdateWorkspaceProfileCommand } from './update-workspace-profile.handler';
import { UpdateWorkspaceProfileInput } from './update-workspace-profile.input';

@Resolver()
export class UpdateWorkspaceProfileResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly workspaces: WorkspaceQuery,
  ) {}

  @Mutation(() => WorkspaceDetailsModel, { description: "Change the workspace's profile (owners and admins)" })
  async updateWorkspaceProfile(@CurrentActor() actor: Actor, @Args('input') input: UpdateWorkspaceProfileInput): Promise<WorkspaceDetailsModel> {
    const { position } = await this.commandBus.execute(new UpdateWorkspaceProfileCommand(actor, input));
    await this.watermarks.waitFor(['members'], position);
    return (await this.workspaces.byId(actor.workspaceId)) ?? Promise.reject(notFound('Workspace', actor.workspaceId));
  }
}
