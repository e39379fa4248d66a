import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { mailboxDecider } from '@app/domain';
import { streams } from '@app/events';
import { AppLogger, CommandExecutor, LOGGER } from '@app/platform';
import { Actor } from '../../common/auth/actor';
import { requireOwnWorkspace } from '../../common/auth/workspace-scope';
import { MailboxCredentialsStore } from '../mailbox-credentials.store';
import { MailboxProviders } from '../mailbox-providers';

export class DisconnectMailboxCommand extends Command<{ position: string | null }> {
  constructor(
    readonly actor: Actor,
    readonly mailboxId: string,
  ) {
    super();
  }
}

/**
 * A member disconnects a mailbox: MailboxDisconnected (USER), its credentials are deleted and a
 * Google grant is revoked. Its campaigns' emails wait for it (or go from the campaign's other
 * mailboxes); connecting it again asks for access again.
 */
@CommandHandler(DisconnectMailboxCommand)
export class DisconnectMailboxHandler implements ICommandHandler<DisconnectMailboxCommand> {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly credentials: MailboxCredentialsStore,
    private readonly providers: MailboxProviders,
    @Inject(LOGGER) private readonly logger: AppLogger,
  ) {}

  async execute({ actor, mailboxId }: DisconnectMailboxCommand): Promise<{ position: string | null }> {
    const outcome = await this.commands.execute({
      name: 'DisconnectMailbox',
      streamId: streams.mailbox(mailboxId),
      decider: mailboxDecider,
      command: (state) => {
        requireOwnWorkspace(state, actor.workspaceId, 'Mailbox', mailboxId);
        return { type: 'DisconnectMailbox' as const, reason: 'USER' as const, now: this.commands.now() };
      },
    });
    const removed = await this.credentials.remove(mailboxId);
    if (removed?.secret.kind === 'oauth') {
      // Best effort: the grant is useless without its stored token anyway.
      await this.providers.revoke(removed.provider, removed.secret.refreshToken).catch((error: unknown) => this.logger.warn({ mailboxId, err: error }, 'could not revoke the grant at the provider'));
    }
    return { position: outcome.appended?.position ?? null };
  }
}
