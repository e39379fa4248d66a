import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases } from '@app/application';
import { Actor } from '../../common/auth/actor';

export class SendStepCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly enrollmentId: string,
  ) {
    super();
  }
}

/** Fires the current step now instead of at its due time: it is queued for sending or skipped by its condition. */
@CommandHandler(SendStepCommand)
export class SendStepHandler implements ICommandHandler<SendStepCommand> {
  constructor(private readonly enrollments: EnrollmentUseCases) {}

  async execute({ actor, enrollmentId }: SendStepCommand): Promise<{ position: string | null }> {
    const { position } = await this.enrollments.fireStep({ workspaceId: actor.workspaceId, enrollmentId, manual: true, actorId: actor.userId });
    return { position };
  }
}
