import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { CurrentActor } from '../../common/auth/auth.decorators';
import { answerFields } from '../ai-answer';
import { SubjectLinesModel } from '../ai.models';
import { GenerateSubjectLinesCommand } from './generate-subject-lines.handler';
import { GenerateSubjectLinesInput } from './generate-subject-lines.input';

@Resolver()
export class GenerateSubjectLinesResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => SubjectLinesModel, { description: 'Distinct subject lines for an email body, best first; they may use template variables' })
  async generateSubjectLines(@CurrentActor() actor: Actor, @Args('input') input: GenerateSubjectLinesInput): Promise<SubjectLinesModel> {
    const drafted = await this.commandBus.execute(new GenerateSubjectLinesCommand(actor, input));
    return { ...answerFields(drafted), ...drafted.generation.result };
  }
}
