import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { answerFields } from '../ai-answer';
import { IcebreakerModel } from '../ai.models';
import { GenerateIcebreakerCommand } from './generate-icebreaker.handler';
import { GenerateIcebreakerInput } from './generate-icebreaker.input';

@Resolver()
export class GenerateIcebreakerResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => IcebreakerModel, { description: "A personal opening line for an email to a lead, grounded in its research notes and fields" })
  async generateIcebreaker(@CurrentActor() actor: Actor, @Args('input') input: GenerateIcebreakerInput): Promise<IcebreakerModel> {
    const drafted = await this.commandBus.execute(new GenerateIcebreakerCommand(actor, input));
    return { ...answerFields(drafted), ...drafted.generation.result };
  }
}
