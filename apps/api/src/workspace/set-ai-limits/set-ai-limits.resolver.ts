import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { WorkspaceDetailsModel } from '../queries/workspace.model';
import { WorkspaceQuery } from '../queries/workspace.query';
import { SetAiLimitsCommand } from './set-ai-limits.handler';
import { SetAiLimitsInput } from './set-ai-limits.input';

@Resolver()
export class SetAiLimitsResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly workspaces: WorkspaceQuery,
  ) {}

  @Mutation(() => WorkspaceDetailsModel, { description: "Set the workspace's monthly AI token budget and request rate (owners and admins); they apply to the next request" })
  async setAiLimits(@CurrentActor() actor: Actor, @Args('input') input: SetAiLimitsInput): Promise<WorkspaceDetailsModel> {
    const { position } = await this.commandBus.execute(new SetAiLimitsCommand(actor, input));
    await this.watermarks.waitFor(['members'], position);
    return (await this.workspaces.byId(actor.workspaceId)) ?? Promise.reject(notFound('Workspace', actor.workspaceId));
  }
}
