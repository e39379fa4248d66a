import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SmtpTransport } from '@app/mail';
import { CLOCK, Clock } from '@app/platform';
import { Inject } from '@nestjs/common';
import { Actor } from '../../common/auth/actor';
import { ApiError, badInput } from '../../common/errors/api-errors';
import { limitsOf } from '../mailbox-limits.input';
import { MailboxConnector } from '../mailbox-connector';
import { MailboxProviders } from '../mailbox-providers';
import { MailboxProviderEnum } from '../queries/mailbox.model';
import { ConnectMailboxInput } from './connect-mailbox.input';

export type ConnectMailboxResult = { authorizeUrl: string } | { mailboxId: string; position: string | null };

export class ConnectMailboxCommand extends Command<ConnectMailboxResult> {
  constructor(
    readonly actor: Actor,
    readonly input: ConnectMailboxInput,
  ) {
    super();
  }
}

/**
 * GMAIL and OUTLOOK: an authorize URL (OAuth 2.0 with a signed state and PKCE); the callback
 * connects the mailbox. SMTP: the settings are tried (a real login) before anything is stored.
 * OUTBOX: connected at once.
 */
@CommandHandler(ConnectMailboxCommand)
export class ConnectMailboxHandler implements ICommandHandler<ConnectMailboxCommand> {
  constructor(
    private readonly providers: MailboxProviders,
    private readonly connector: MailboxConnector,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, input }: ConnectMailboxCommand): Promise<ConnectMailboxResult> {
    const displayName = input.displayName?.trim() || undefined;
    const limits = limitsOf(input.limits);
    const base = { workspaceId: actor.workspaceId, actorId: actor.userId, displayName, limits };
    switch (input.provider) {
      case MailboxProviderEnum.GMAIL:
      case MailboxProviderEnum.OUTLOOK:
        return {
          authorizeUrl: this.providers.authorizeUrl({ provider: input.provider, workspaceId: actor.workspaceId, userId: actor.userId, displayName, limits, loginHint: input.address ?? undefined, now: this.clock.now().getTime() }),
        };
      case MailboxProviderEnum.SMTP: {
        const smtp = input.smtp;
        if (!smtp) throw badInput('An SMTP mailbox needs its server: give smtp { host, port, secure, username, password }', 'MAILBOX.SMTP_REQUIRED');
        const address = input.address ?? (smtp.username.includes('@') ? smtp.username : null);
        if (!address) throw badInput('Give the address to send from (the SMTP username is not an email address)', 'MAILBOX.ADDRESS_REQUIRED');
        const settings = { host: smtp.host.trim(), port: smtp.port, secure: smtp.secure, username: smtp.username, password: smtp.password };
        try {
          await SmtpTransport.verify(settings);
        } catch (error) {
          throw new ApiError('BAD_USER_INPUT', `Could not log in to ${settings.host}:${settings.port}: ${error instanceof Error ? error.message : String(error)}`, 'MAILBOX.SMTP_LOGIN');
        }
        return this.connector.connect({ ...base, provider: 'SMTP', address, secret: { kind: 'smtp', ...settings } });
      }
      case MailboxProviderEnum.OUTBOX: {
        if (!input.address) throw badInput('An outbox mailbox needs the address its emails are written from', 'MAILBOX.ADDRESS_REQUIRED');
        return this.connector.connect({ ...base, provider: 'OUTBOX', address: input.address, secret: null });
      }
      default: {
        const unknown: never = input.provider;
        throw badInput(`Unknown provider ${String(unknown)}`);
      }
    }
  }
}
