import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AiDrafting, Drafted } from '../ai-drafting.service';
import { GenerateIcebreakerInput } from './generate-icebreaker.input';

export class GenerateIcebreakerCommand extends Command<Drafted<'ICEBREAKER'>> {
  constructor(
    readonly actor: Actor,
    readonly input: GenerateIcebreakerInput,
  ) {
    super();
  }
}

@CommandHandler(GenerateIcebreakerCommand)
export class GenerateIcebreakerHandler implements ICommandHandler<GenerateIcebreakerCommand> {
  constructor(private readonly drafting: AiDrafting) {}

  execute({ actor, input }: GenerateIcebreakerCommand): Promise<Drafted<'ICEBREAKER'>> {
    return this.drafting.draft(actor, { leadId: input.leadId }, ({ lead, workspace }) => {
      // The lead was read for this scope, so it is there (or the read refused as NOT_FOUND).
      if (!lead) throw new Error('icebreaker without its lead');
      return { kind: 'ICEBREAKER', lead, workspace, language: input.language };
    });
  }
}
