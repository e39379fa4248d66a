import { Inject, Injectable } from '@nestjs/common';
import { MailboxLimits } from '@app/events';
import { ConnectedAccount, GoogleOAuth, MailProviderSettings, MicrosoftOAuth, OAuthProvider, OAuthState, mailboxKeys, pkceFor, signOAuthState, verifyOAuthState } from '@app/mail';
import { PLATFORM_CONFIG, PlatformConfig } from '@app/platform';
import { ApiSettings } from '../api.config';
import { API_SETTINGS } from '../api.tokens';
import { ApiError, badInput } from '../common/errors/api-errors';

/** How long a user has to get through the provider's consent screen. */
const STATE_TTL_MS = 15 * 60_000;

const NAMES: Record<OAuthProvider, { name: string; variables: string }> = {
  GMAIL: { name: 'Gmail', variables: 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET' },
  OUTLOOK: { name: 'Microsoft 365 / Outlook', variables: 'MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET' },
};

/**
 * The OAuth side of connecting Gmail and Outlook mailboxes: authorize URLs with a signed,
 * expiring state and PKCE, and the code exchange of the callbacks. The state key and the key
 * that seals the credentials are both derived from PII_MASTER_KEY.
 */
@Injectable()
export class MailboxProviders {
  readonly settings: MailProviderSettings;
  /** Seals `mailbox_credentials` (AES-256-GCM). */
  readonly sealingKey: Buffer;
  private readonly stateKey: Buffer;

  constructor(@Inject(API_SETTINGS) api: ApiSettings, @Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.settings = api.mailboxProviders ?? { google: null, microsoft: null };
    const keys = mailboxKeys(config.piiMasterKey);
    this.sealingKey = keys.sealing;
    this.stateKey = keys.oauthState;
  }

  private client(provider: OAuthProvider): GoogleOAuth | MicrosoftOAuth {
    const client = provider === 'GMAIL' ? (this.settings.google && new GoogleOAuth(this.settings.google)) : this.settings.microsoft && new MicrosoftOAuth(this.settings.microsoft);
    if (!client) {
      const { name, variables } = NAMES[provider];
      throw new ApiError('BAD_USER_INPUT', `${name} mailboxes are not available on this server: its administrator must set ${variables}`, 'MAILBOX.PROVIDER_UNAVAILABLE');
    }
    return client;
  }

  /** Where to send the user's browser to grant access. */
  authorizeUrl(input: { provider: OAuthProvider; workspaceId: string; userId: string; displayName?: string; limits?: Partial<MailboxLimits>; loginHint?: string; now: number }): string {
    const client = this.client(input.provider);
    const { token, state } = signOAuthState(this.stateKey, {
      provider: input.provider,
      workspaceId: input.workspaceId,
      userId: input.userId,
      displayName: input.displayName,
      limits: input.limits,
      expiresAt: input.now + STATE_TTL_MS,
    });
    return client.authorizeUrl({ state: token, codeChallenge: pkceFor(this.stateKey, state.nonce).challenge, loginHint: input.loginHint });
  }

  /** The state of a callback, if it is ours, for this provider, and recent. */
  verifyState(provider: OAuthProvider, token: string, now: number): OAuthState {
    const state = verifyOAuthState(this.stateKey, token, now);
    if (!state || state.provider !== provider) throw badInput('This sign-in link is invalid or has expired: start connecting the mailbox again', 'MAILBOX.OAUTH_STATE');
    return state;
  }

  /** Exchanges the callback's code (with the PKCE verifier of its state) for tokens and the address. */
  exchange(state: OAuthState, code: string): Promise<ConnectedAccount> {
    return this.client(state.provider).exchange(code, pkceFor(this.stateKey, state.nonce).verifier);
  }

  /** Revokes a Google grant when its mailbox is disconnected (Microsoft has no such endpoint for a user's consent). */
  async revoke(provider: string, refreshToken: string): Promise<void> {
    if (provider === 'GMAIL' && this.settings.google) await new GoogleOAuth(this.settings.google).revoke(refreshToken);
  }
}
