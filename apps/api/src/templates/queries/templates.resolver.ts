import { Args, Query, Resolver } from '@nestjs/graphql';
import { IdArgs } from '../../common/args/id.args';
import { PageArgs } from '../../common/args/page.args';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { Connection } from '../../common/pagination/connection';
import { TemplateConnection, TemplateModel } from './template.model';
import { TemplatesQuery } from './templates.query';

@Resolver(() => TemplateModel)
export class TemplatesResolver {
  constructor(private readonly query: TemplatesQuery) {}

  @Query(() => TemplateConnection, { description: "The workspace's templates, oldest first" })
  templates(@CurrentActor() actor: Actor, @Args() { first, after }: PageArgs): Promise<Connection<TemplateModel>> {
    return this.query.list(actor.workspaceId, first, after);
  }

  @Query(() => TemplateModel)
  async template(@CurrentActor() actor: Actor, @Args() { id }: IdArgs): Promise<TemplateModel> {
    return (await this.query.byId(actor.workspaceId, id)) ?? Promise.reject(notFound('Template', id));
  }
}
