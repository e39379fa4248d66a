import { Query, Resolver } from '@nestjs/graphql';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { WorkspaceDetailsModel } from './workspace.model';
import { WorkspaceQuery } from './workspace.query';

@Resolver(() => WorkspaceDetailsModel)
export class WorkspaceResolver {
  constructor(private readonly query: WorkspaceQuery) {}

  @Query(() => WorkspaceDetailsModel, { description: 'Your workspace: its profile, AI limits and how AI requests are answered' })
  async workspace(@CurrentActor() actor: Actor): Promise<WorkspaceDetailsModel> {
    return (await this.query.byId(actor.workspaceId)) ?? Promise.reject(notFound('Workspace', actor.workspaceId));
  }
}
