import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AiDrafting, Drafted } from '../ai-drafting.service';
import { CheckGrammarInput } from './check-grammar.input';

export class CheckGrammarCommand extends Command<Drafted<'CHECK_GRAMMAR'>> {
  constructor(
    readonly actor: Actor,
    readonly input: CheckGrammarInput,
  ) {
    super();
  }
}

@CommandHandler(CheckGrammarCommand)
export class CheckGrammarHandler implements ICommandHandler<CheckGrammarCommand> {
  constructor(private readonly drafting: AiDrafting) {}

  execute({ actor, input }: CheckGrammarCommand): Promise<Drafted<'CHECK_GRAMMAR'>> {
    return this.drafting.draft(actor, {}, () => ({ kind: 'CHECK_GRAMMAR', text: input.text, language: input.language }));
  }
}
