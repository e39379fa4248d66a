import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases } from '@app/application';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { EmailRefs } from '../email-ref';

export class RecordBounceCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly emailId: string,
    readonly bounce: { kind: 'HARD' | 'SOFT'; reason: string },
  ) {
    super();
  }
}

/**
 * A bounce of an email. A hard one also stops this enrollment (the decider); suppressing the
 * lead and stopping its other enrollments is the schedulers' reactor's job, from the event.
 */
@CommandHandler(RecordBounceCommand)
export class RecordBounceHandler implements ICommandHandler<RecordBounceCommand> {
  constructor(
    private readonly emails: EmailRefs,
    private readonly enrollments: EnrollmentUseCases,
    private readonly commands: CommandExecutor,
  ) {}

  async execute({ actor, emailId, bounce }: RecordBounceCommand): Promise<{ position: string | null }> {
    const email = await this.emails.resolve({ kind: 'member', actor }, emailId);
    const { position } = await this.enrollments.recordBounce({
      workspaceId: email.workspaceId,
      enrollmentId: email.enrollmentId,
      emailId,
      kind: bounce.kind,
      reason: bounce.reason,
      bouncedAt: this.commands.now(),
    });
    return { position };
  }
}
