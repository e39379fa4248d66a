import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Inject } from '@nestjs/common';
import { OAuthProvider } from '@app/mail';
import { CLOCK, Clock } from '@app/platform';
import { MembershipQuery } from '../../auth/membership.query';
import { COMMAND_ROLES } from '../../common/auth/actor';
import { ApiError, forbidden } from '../../common/errors/api-errors';
import { MailboxConnector } from '../mailbox-connector';
import { MailboxProviders } from '../mailbox-providers';

export class CompleteOAuthCommand extends Command<{ mailboxId: string; address: string; workspaceId: string; position: string | null }> {
  constructor(
    readonly provider: OAuthProvider,
    readonly code: string,
    readonly state: string,
  ) {
    super();
  }
}

/**
 * The provider sent the browser back with a code: the signed state says who asked and for which
 * workspace (still a member who may issue commands?), the code (with the state's PKCE verifier)
 * buys the tokens and tells the address, and the mailbox is connected under the asker's name.
 */
@CommandHandler(CompleteOAuthCommand)
export class CompleteOAuthHandler implements ICommandHandler<CompleteOAuthCommand> {
  constructor(
    private readonly providers: MailboxProviders,
    private readonly connector: MailboxConnector,
    private readonly memberships: MembershipQuery,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ provider, code, state: token }: CompleteOAuthCommand) {
    const state = this.providers.verifyState(provider, token, this.clock.now().getTime());
    const membership = await this.memberships.find(state.userId, state.workspaceId);
    if (!membership || !COMMAND_ROLES.includes(membership.role)) throw forbidden('You are no longer a member who may connect mailboxes in this workspace', 'MAILBOX.NOT_A_MEMBER');
    let account;
    try {
      account = await this.providers.exchange(state, code);
    } catch (error) {
      throw new ApiError('BAD_USER_INPUT', `The provider did not grant access: ${error instanceof Error ? error.message : String(error)}`, 'MAILBOX.OAUTH_EXCHANGE');
    }
    const { tokens } = account;
    const connected = await this.connector.connect({
      workspaceId: state.workspaceId,
      actorId: state.userId,
      provider,
      address: account.address,
      displayName: state.displayName ?? account.displayName,
      limits: state.limits,
      secret: { kind: 'oauth', refreshToken: tokens.refreshToken, accessToken: tokens.accessToken, accessTokenExpiresAt: tokens.expiresAt, scope: tokens.scope },
    });
    return { ...connected, address: account.address.toLowerCase(), workspaceId: state.workspaceId };
  }
}
