import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { TemplateModel } from '../queries/template.model';
import { TemplatesQuery } from '../queries/templates.query';
import { ReviseTemplateCommand } from './revise-template.handler';
import { ReviseTemplateInput } from './revise-template.input';

@Resolver()
export class ReviseTemplateResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly templates: TemplatesQuery,
  ) {}

  @Mutation(() => TemplateModel, { description: 'A new revision of the subject and body; emails already queued keep theirs' })
  async reviseTemplate(@CurrentActor() actor: Actor, @Args('input') input: ReviseTemplateInput): Promise<TemplateModel> {
    const { position } = await this.commandBus.execute(new ReviseTemplateCommand(actor, input));
    await this.watermarks.waitFor(['templates'], position);
    return (await this.templates.byId(actor.workspaceId, input.id)) ?? Promise.reject(notFound('Template', input.id));
  }
}
