import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { notFound } from '../../common/errors/api-errors';
import { ProjectionWatermarks } from '../../common/read-your-writes/projection-watermarks';
import { CreateTemplateCommand } from '../../templates/create-template/create-template.handler';
import { TemplateModel } from '../../templates/queries/template.model';
import { TemplatesQuery } from '../../templates/queries/templates.query';
import { SaveDraftAsTemplateInput } from './save-draft-as-template.input';

/**
 * An accepted draft becomes a template through the template's own command (CreateTemplate):
 * the same checks (unknown variables refused, naming the variable), the same event, the same
 * read model. There is no second way to make a template, so no handler of its own.
 */
@Resolver()
export class SaveDraftAsTemplateResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly watermarks: ProjectionWatermarks,
    private readonly templates: TemplatesQuery,
  ) {}

  @Mutation(() => TemplateModel, { description: 'Save an accepted AI draft as a template; unknown variables without a default are refused like in createTemplate' })
  async saveDraftAsTemplate(@CurrentActor() actor: Actor, @Args('input') input: SaveDraftAsTemplateInput): Promise<TemplateModel> {
    const { templateId, position } = await this.commandBus.execute(new CreateTemplateCommand(actor, { name: input.name, subject: input.subject, body: input.body, category: input.category }));
    await this.watermarks.waitFor(['templates'], position);
    return (await this.templates.byId(actor.workspaceId, templateId)) ?? Promise.reject(notFound('Template', templateId));
  }
}
