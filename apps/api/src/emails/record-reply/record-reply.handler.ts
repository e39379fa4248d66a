import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases } from '@app/application';
import { CommandExecutor } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { badInput } from '../../common/errors/api-errors';
import { EmailRefs } from '../email-ref';

export class RecordReplyCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly emailId: string,
    readonly reply: { kind: 'HUMAN' | 'AUTO_REPLY'; receivedAt?: Date; snippet?: string },
  ) {
    super();
  }
}

/** A minute of clock skew between the mail server and us is tolerated. */
const SKEW_MS = 60_000;

/** A reply to an email; a human reply stops the sequence when the campaign says so. */
@CommandHandler(RecordReplyCommand)
export class RecordReplyHandler implements ICommandHandler<RecordReplyCommand> {
  constructor(
    private readonly emails: EmailRefs,
    private readonly enrollments: EnrollmentUseCases,
    private readonly commands: CommandExecutor,
  ) {}

  async execute({ actor, emailId, reply }: RecordReplyCommand): Promise<{ position: string | null }> {
    const email = await this.emails.resolve({ kind: 'member', actor }, emailId);
    const now = this.commands.now();
    if (reply.receivedAt && reply.receivedAt.getTime() > Date.parse(now) + SKEW_MS) throw badInput('receivedAt is in the future: give the time the reply arrived', 'REPLY.FUTURE');
    const { position } = await this.enrollments.recordReply({
      workspaceId: email.workspaceId,
      enrollmentId: email.enrollmentId,
      emailId,
      kind: reply.kind,
      snippet: reply.snippet,
      receivedAt: reply.receivedAt?.toISOString() ?? now,
    });
    return { position };
  }
}
