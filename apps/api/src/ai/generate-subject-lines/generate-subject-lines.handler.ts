import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AiDrafting, Drafted } from '../ai-drafting.service';
import { GenerateSubjectLinesInput } from './generate-subject-lines.input';

export class GenerateSubjectLinesCommand extends Command<Drafted<'SUBJECT_LINES'>> {
  constructor(
    readonly actor: Actor,
    readonly input: GenerateSubjectLinesInput,
  ) {
    super();
  }
}

@CommandHandler(GenerateSubjectLinesCommand)
export class GenerateSubjectLinesHandler implements ICommandHandler<GenerateSubjectLinesCommand> {
  constructor(private readonly drafting: AiDrafting) {}

  execute({ actor, input }: GenerateSubjectLinesCommand): Promise<Drafted<'SUBJECT_LINES'>> {
    return this.drafting.draft(actor, {}, () => ({ kind: 'SUBJECT_LINES', body: input.body, count: input.count }));
  }
}
