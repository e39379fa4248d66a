import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { TemplateModel } from '../queries/template.model';
import { TemplatesQuery } from '../queries/templates.query';
import { CreateTemplateCommand } from './create-template.handler';
import { CreateTemplateInput } from './create-template.input';

@Resolver()
export class CreateTemplateResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly templates: TemplatesQuery,
  ) {}

  @Mutation(() => TemplateModel, { description: 'Create a template; unknown variables without a default are refused' })
  async createTemplate(@CurrentActor() actor: Actor, @Args('input') input: CreateTemplateInput): Promise<TemplateModel> {
    const { templateId, position } = await this.commandBus.execute(new CreateTemplateCommand(actor, input));
    await this.watermarks.waitFor(['templates'], position);
    return (await this.templates.byId(actor.workspaceId, templateId)) ?? Promise.reject(notFound('Template', templateId));
  }
}
