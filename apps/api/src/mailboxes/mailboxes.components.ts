import { ConnectMailboxHandler } from './connect-mailbox/connect-mailbox.handler';
import { ConnectMailboxResolver } from './connect-mailbox/connect-mailbox.resolver';
import { DisconnectMailboxHandler } from './disconnect-mailbox/disconnect-mailbox.handler';
import { DisconnectMailboxResolver } from './disconnect-mailbox/disconnect-mailbox.resolver';
import { MailboxConnector } from './mailbox-connector';
import { MailboxCredentialsStore } from './mailbox-credentials.store';
import { MailboxProviders } from './mailbox-providers';
import { CompleteOAuthHandler } from './oauth-callback/complete-oauth.handler';
import { OAuthCallbackController } from './oauth-callback/oauth-callback.controller';
import { MailboxesQuery } from './queries/mailboxes.query';
import { MailboxesResolver } from './queries/mailboxes.resolver';
import { SetMailboxLimitsHandler } from './set-mailbox-limits/set-mailbox-limits.handler';
import { SetMailboxLimitsResolver } from './set-mailbox-limits/set-mailbox-limits.resolver';

/**
 * Mailboxes: connecting Gmail (OAuth), Outlook (OAuth + Graph), SMTP and the outbox, their
 * limits, and the OAuth callbacks. An ApiComponents, checked where api.components.ts registers
 * it (importing the type here would make an import cycle).
 */
export const mailboxesComponents = {
  resolvers: [ConnectMailboxResolver, DisconnectMailboxResolver, SetMailboxLimitsResolver, MailboxesResolver],
  handlers: [ConnectMailboxHandler, CompleteOAuthHandler, DisconnectMailboxHandler, SetMailboxLimitsHandler],
  queries: [MailboxesQuery, MailboxProviders, MailboxCredentialsStore, MailboxConnector],
  controllers: [OAuthCallbackController],
};
