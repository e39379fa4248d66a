import { Inject, Injectable } from '@nestjs/common';
import { stableIds } from '@app/application';
import { MailboxCommand, MailboxState, fold, mailboxDecider } from '@app/domain';
import { MailboxEvent, MailboxLimits, MailboxProvider, streams } from '@app/events';
import { EventStore } from '@app/event-store';
import { MailboxSecret } from '@app/mail';
import { CommandExecutor, EVENT_STORE } from '@app/platform';
import { ApiError } from '../common/errors/api-errors';
import { MailboxCredentialsStore } from './mailbox-credentials.store';

export type MailboxConnection = {
  workspaceId: string;
  actorId: string;
  provider: MailboxProvider;
  address: string;
  displayName?: string;
  limits?: Partial<MailboxLimits>;
  /** What it needs to send (none for the outbox). */
  secret: MailboxSecret | null;
};

const providerNames: Record<MailboxProvider, string> = { GMAIL: 'Gmail', OUTLOOK: 'Outlook', SMTP: 'SMTP', OUTBOX: 'outbox' };

/**
 * Connects a mailbox, or connects it again: stores its credentials sealed, then records the
 * connection (MailboxConnected, or MailboxReconnected for a disconnected one, whose waiting
 * emails then go out). Connecting a mailbox that is connected replaces its credentials (a new
 * password, a fresh grant) and changes only the limits given.
 */
@Injectable()
export class MailboxConnector {
  constructor(
    private readonly commands: CommandExecutor,
    private readonly credentials: MailboxCredentialsStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  private refuseOtherProvider(state: MailboxState, address: string, provider: MailboxProvider): void {
    if (state.status !== 'none' && state.provider !== provider) {
      throw new ApiError('CONFLICT', `${address} is connected as a ${providerNames[state.provider]} mailbox: disconnect it before connecting it through ${providerNames[provider]}`, 'MAILBOX.PROVIDER_MISMATCH');
    }
  }

  async connect(input: MailboxConnection): Promise<{ mailboxId: string; position: string | null }> {
    const { workspaceId, actorId, provider, displayName, limits } = input;
    const address = input.address.trim().toLowerCase();
    const mailboxId = stableIds.mailbox(workspaceId, address);
    const run = (command: (state: Parameters<typeof mailboxDecider.decide>[1]) => MailboxCommand) =>
      this.commands.execute({ name: 'ConnectMailbox', streamId: streams.mailbox(mailboxId), decider: mailboxDecider, tenantId: workspaceId, actorId, command });

    // The credentials go first: a mailbox reconnected with its old, revoked ones would be
    // disconnected again by the first send that tried them.
    const before = fold(mailboxDecider, (await this.store.readStream(streams.mailbox(mailboxId))) as unknown as MailboxEvent[]);
    this.refuseOtherProvider(before, address, provider);
    if (input.secret) await this.credentials.put({ mailboxId, workspaceId, provider, secret: input.secret });

    let reconnected = false;
    const outcome = await run((state) => {
      this.refuseOtherProvider(state, address, provider);
      reconnected = state.status === 'disconnected';
      if (state.status === 'connected') return { type: 'SetMailboxLimits', limits: limits ?? {}, now: this.commands.now() };
      return { type: 'ConnectMailbox', mailboxId, workspaceId, provider, address, displayName, limits, now: this.commands.now() };
    });
    let position = outcome.appended?.position ?? null;
    // A reconnection keeps the limits it had; limits given with it apply now.
    if (reconnected && limits && Object.keys(limits).length) {
      const set = await run(() => ({ type: 'SetMailboxLimits', limits, now: this.commands.now() }));
      position = set.appended?.position ?? position;
    }
    return { mailboxId, position };
  }
}
