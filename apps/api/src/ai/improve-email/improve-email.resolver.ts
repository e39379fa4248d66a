import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { answerFields } from '../ai-answer';
import { ImprovedEmailModel } from '../ai.models';
import { ImproveEmailCommand } from './improve-email.handler';
import { ImproveEmailInput } from './improve-email.input';

@Resolver()
export class ImproveEmailResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => ImprovedEmailModel, { description: 'Rewrite a draft following your instructions, keeping its template variables' })
  async improveEmail(@CurrentActor() actor: Actor, @Args('input') input: ImproveEmailInput): Promise<ImprovedEmailModel> {
    const drafted = await this.commandBus.execute(new ImproveEmailCommand(actor, input));
    return { ...answerFields(drafted), ...drafted.generation.result };
  }
}
