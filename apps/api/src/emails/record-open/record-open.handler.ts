import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases } from '@app/application';
import { CommandExecutor } from '@app/platform';
import { isMachineOpen } from '@app/tracking';
import { Origin, runAsOrigin } from '../../common/auth/origin';
import { EmailRefs } from '../email-ref';

export type TrackingHit = { ip?: string; userAgent?: string };

export class RecordOpenCommand extends Command<{ position: string | null }> {
  constructor(
    readonly origin: Origin,
    readonly emailId: string,
    readonly hit: TrackingHit,
  ) {
    super();
  }
}

/** An open of the pixel, human or machine (told apart by the user agent); every open is recorded. */
@CommandHandler(RecordOpenCommand)
export class RecordOpenHandler implements ICommandHandler<RecordOpenCommand> {
  constructor(
    private readonly emails: EmailRefs,
    private readonly enrollments: EnrollmentUseCases,
    private readonly commands: CommandExecutor,
  ) {}

  async execute({ origin, emailId, hit }: RecordOpenCommand): Promise<{ position: string | null }> {
    const email = await this.emails.resolve(origin, emailId);
    const { position } = await runAsOrigin(origin, email, () =>
      this.enrollments.recordOpen({
        workspaceId: email.workspaceId,
        enrollmentId: email.enrollmentId,
        emailId,
        ip: hit.ip,
        userAgent: hit.userAgent,
        machine: isMachineOpen(hit.userAgent),
        openedAt: this.commands.now(),
      }),
    );
    return { position };
  }
}
