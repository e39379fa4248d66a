import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { answerFields } from '../ai-answer';
import { EmailDraftModel } from '../ai.models';
import { GenerateEmailCommand } from './generate-email.handler';
import { GenerateEmailInput } from './generate-email.input';

@Resolver()
export class GenerateEmailResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => EmailDraftModel, {
    description: "Draft an email to a lead (or to the workspace's leads in general) with template variables where personal details belong; save it with saveDraftAsTemplate",
  })
  async generateEmail(@CurrentActor() actor: Actor, @Args('input') input: GenerateEmailInput): Promise<EmailDraftModel> {
    const drafted = await this.commandBus.execute(new GenerateEmailCommand(actor, input));
    return { ...answerFields(drafted), ...drafted.generation.result };
  }
}
