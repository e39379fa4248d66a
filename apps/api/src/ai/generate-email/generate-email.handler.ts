import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AiDrafting, Drafted } from '../ai-drafting.service';
import { GenerateEmailInput } from './generate-email.input';

export class GenerateEmailCommand extends Command<Drafted<'GENERATE_EMAIL'>> {
  constructor(
    readonly actor: Actor,
    readonly input: GenerateEmailInput,
  ) {
    super();
  }
}

@CommandHandler(GenerateEmailCommand)
export class GenerateEmailHandler implements ICommandHandler<GenerateEmailCommand> {
  constructor(private readonly drafting: AiDrafting) {}

  execute({ actor, input }: GenerateEmailCommand): Promise<Drafted<'GENERATE_EMAIL'>> {
    return this.drafting.draft(actor, { leadId: input.leadId, campaignId: input.campaignId }, (context) => ({
      kind: 'GENERATE_EMAIL',
      goal: input.goal,
      tone: input.tone,
      length: input.length,
      language: input.language,
      ...context,
    }));
  }
}
