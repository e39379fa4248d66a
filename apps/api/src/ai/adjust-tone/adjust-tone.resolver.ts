import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { answerFields } from '../ai-answer';
import { ToneAdjustedEmailModel } from '../ai.models';
import { AdjustToneCommand } from './adjust-tone.handler';
import { AdjustToneInput } from './adjust-tone.input';

@Resolver()
export class AdjustToneResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => ToneAdjustedEmailModel, { description: 'The same email body in another tone: wording only, facts and variables unchanged' })
  async adjustTone(@CurrentActor() actor: Actor, @Args('input') input: AdjustToneInput): Promise<ToneAdjustedEmailModel> {
    const drafted = await this.commandBus.execute(new AdjustToneCommand(actor, input));
    return { ...answerFields(drafted), ...drafted.generation.result };
  }
}
