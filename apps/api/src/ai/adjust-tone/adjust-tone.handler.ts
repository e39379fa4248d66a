import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AiDrafting, Drafted } from '../ai-drafting.service';
import { AdjustToneInput } from './adjust-tone.input';

export class AdjustToneCommand extends Command<Drafted<'ADJUST_TONE'>> {
  constructor(
    readonly actor: Actor,
    readonly input: AdjustToneInput,
  ) {
    super();
  }
}

@CommandHandler(AdjustToneCommand)
export class AdjustToneHandler implements ICommandHandler<AdjustToneCommand> {
  constructor(private readonly drafting: AiDrafting) {}

  execute({ actor, input }: AdjustToneCommand): Promise<Drafted<'ADJUST_TONE'>> {
    return this.drafting.draft(actor, {}, () => ({ kind: 'ADJUST_TONE', body: input.body, tone: input.tone }));
  }
}
