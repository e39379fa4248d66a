import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EnrollmentUseCases } from '@app/application';
import { CommandExecutor } from '@app/platform';
import { Origin, runAsOrigin } from '../../common/auth/origin';
import { badInput, notFound } from '../../common/errors/api-errors';
import { EmailRefs } from '../email-ref';
import { EmailRef } from '../queries/emails.query';
import { TrackingHit } from '../record-open/record-open.handler';

/** Which link: by its index (a signed click token) or by its URL (a member reporting a click). */
export type ClickedLink = { linkIndex: number } | { url: string };

export class RecordClickCommand extends Command<{ url: string; position: string | null }> {
  constructor(
    readonly origin: Origin,
    readonly emailId: string,
    readonly link: ClickedLink,
    readonly hit: TrackingHit = {},
  ) {
    super();
  }
}

function sameUrl(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

function findLink(email: EmailRef, link: ClickedLink): { index: number; url: string } {
  if ('linkIndex' in link) {
    const found = email.links.find((l) => l.index === link.linkIndex);
    if (!found) throw notFound('Link', `${link.linkIndex} of email ${email.emailId}`);
    return found;
  }
  const found = email.links.find((l) => sameUrl(l.url, link.url));
  if (!found) {
    const known = email.links.length ? `its links are: ${email.links.map((l) => l.url).join(', ')}` : 'it has no links';
    throw badInput(`url is not a link of email ${email.emailId}: ${known}`, 'EMAIL.UNKNOWN_LINK');
  }
  return found;
}

/**
 * A click on one of the email's links. The answer is the URL recorded for that link when the
 * email was queued: the redirect never goes anywhere a request names.
 */
@CommandHandler(RecordClickCommand)
export class RecordClickHandler implements ICommandHandler<RecordClickCommand> {
  constructor(
    private readonly emails: EmailRefs,
    private readonly enrollments: EnrollmentUseCases,
    private readonly commands: CommandExecutor,
  ) {}

  async execute({ origin, emailId, link, hit }: RecordClickCommand): Promise<{ url: string; position: string | null }> {
    const email = await this.emails.resolve(origin, emailId);
    const target = findLink(email, link);
    const { position } = await runAsOrigin(origin, email, () =>
      this.enrollments.recordClick({
        workspaceId: email.workspaceId,
        enrollmentId: email.enrollmentId,
        emailId,
        linkIndex: target.index,
        ip: hit.ip,
        userAgent: hit.userAgent,
        clickedAt: this.commands.now(),
      }),
    );
    return { url: target.url, position };
  }
}
