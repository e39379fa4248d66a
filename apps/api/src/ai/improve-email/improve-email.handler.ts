import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Actor } from '../../common/auth/actor';
import { AiDrafting, Drafted } from '../ai-drafting.service';
import { ImproveEmailInput } from './improve-email.input';

export class ImproveEmailCommand extends Command<Drafted<'IMPROVE_EMAIL'>> {
  constructor(
    readonly actor: Actor,
    readonly input: ImproveEmailInput,
  ) {
    super();
  }
}

@CommandHandler(ImproveEmailCommand)
export class ImproveEmailHandler implements ICommandHandler<ImproveEmailCommand> {
  constructor(private readonly drafting: AiDrafting) {}

  execute({ actor, input }: ImproveEmailCommand): Promise<Drafted<'IMPROVE_EMAIL'>> {
    return this.drafting.draft(actor, {}, ({ workspace }) => ({ kind: 'IMPROVE_EMAIL', subject: input.subject, body: input.body, instructions: input.instructions, workspace }));
  }
}
