import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { answerFields } from '../ai-answer';
import { GrammarCheckModel } from '../ai.models';
import { CheckGrammarCommand } from './check-grammar.handler';
import { CheckGrammarInput } from './check-grammar.input';

@Resolver()
export class CheckGrammarResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => GrammarCheckModel, { description: 'Spelling, grammar and punctuation corrections, each at its position in the text' })
  async checkGrammar(@CurrentActor() actor: Actor, @Args('input') input: CheckGrammarInput): Promise<GrammarCheckModel> {
    const drafted = await this.commandBus.execute(new CheckGrammarCommand(actor, input));
    return { ...answerFields(drafted), ...drafted.generation.result };
  }
}
