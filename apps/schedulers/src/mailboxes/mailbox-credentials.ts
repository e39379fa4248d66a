import { AccessTokenSource, GoogleOAuth, MailProviderSettings, MailboxAuthError, MailboxSecret, MicrosoftOAuth, OAuthTokens, openMailboxSecret, sealMailboxSecret } from '@app/mail';
import { Clock } from '@app/platform';
import { Kysely, sql } from 'kysely';

/** Renew an access token this long before it expires: a send or a poll never meets an expired one. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

type Row = { provider: string; sealed: Buffer };
type OAuthProvider = 'GMAIL' | 'OUTLOOK';

/**
 * The sealed credentials of the mailboxes (`mailbox_credentials`), as the schedulers use them:
 * SMTP settings, and OAuth access tokens kept fresh. Every scheduler process shares one cached
 * access token per mailbox (sealed in the row); the one that renews it holds the row's lock
 * while it asks the provider, so a token is refreshed once, not once per process.
 */
export class MailboxCredentials {
  private readonly google: GoogleOAuth | null;
  private readonly microsoft: MicrosoftOAuth | null;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly key: Buffer,
    providers: MailProviderSettings,
    private readonly clock: Clock,
  ) {
    this.google = providers.google ? new GoogleOAuth(providers.google) : null;
    this.microsoft = providers.microsoft ? new MicrosoftOAuth(providers.microsoft) : null;
  }

  private async row(executor: Kysely<unknown>, mailboxId: string, forUpdate: boolean): Promise<Row | null> {
    const { rows } = await sql<Row>`
      select provider, sealed from mailbox_credentials where mailbox_id = ${mailboxId} ${forUpdate ? sql`for update` : sql``}`.execute(executor);
    return rows[0] ?? null;
  }

  async secret(mailboxId: string): Promise<MailboxSecret | null> {
    const row = await this.row(this.db, mailboxId, false);
    return row ? openMailboxSecret(this.key, mailboxId, row.sealed) : null;
  }

  private oauth(provider: OAuthProvider): GoogleOAuth | MicrosoftOAuth {
    const client = provider === 'GMAIL' ? this.google : this.microsoft;
    if (!client) throw new MailboxAuthError(`${provider === 'GMAIL' ? 'Google' : 'Microsoft'} is not configured in this process`, 'AUTH_FAILED');
    return client;
  }

  private fresh(secret: MailboxSecret | null): string | null {
    if (secret?.kind !== 'oauth' || !secret.accessToken || !secret.accessTokenExpiresAt) return null;
    return Date.parse(secret.accessTokenExpiresAt) - this.clock.now().getTime() > REFRESH_MARGIN_MS ? secret.accessToken : null;
  }

  /** Renews the access token under the row's lock, unless another process just did (`force`: whatever the cache says). */
  private async renew(mailboxId: string, provider: OAuthProvider, force: { stale: string } | null): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.row(trx, mailboxId, true);
      if (!row) throw new MailboxAuthError('no stored credentials for this mailbox: connect it again', 'AUTH_FAILED');
      const secret = openMailboxSecret(this.key, mailboxId, row.sealed);
      if (secret.kind !== 'oauth') throw new MailboxAuthError('the stored credentials are not OAuth tokens', 'AUTH_FAILED');
      const cached = this.fresh(secret);
      if (cached && (!force || cached !== force.stale)) return cached;
      const tokens: OAuthTokens = await this.oauth(provider).refresh(secret.refreshToken, this.clock.now().getTime());
      const next: MailboxSecret = {
        ...secret,
        // Microsoft rotates refresh tokens (and Google may): the newest one is the one that works.
        refreshToken: tokens.refreshToken ?? secret.refreshToken,
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: tokens.expiresAt,
        scope: tokens.scope ?? secret.scope,
      };
      await sql`
        update mailbox_credentials set sealed = ${sealMailboxSecret(this.key, mailboxId, next)}, access_expires_at = ${tokens.expiresAt},
          refreshed_at = ${this.clock.now().toISOString()}, updated_at = now()
        where mailbox_id = ${mailboxId}`.execute(trx);
      return tokens.accessToken;
    });
  }

  /** The mailbox's access token, renewed before it expires; a MailboxAuthError when the grant is gone. */
  tokens(mailboxId: string, provider: OAuthProvider): AccessTokenSource {
    let last: string | null = null;
    return {
      current: async () => {
        last = this.fresh(await this.secret(mailboxId)) ?? (await this.renew(mailboxId, provider, null));
        return last;
      },
      refresh: async () => {
        last = await this.renew(mailboxId, provider, { stale: last ?? '' });
        return last;
      },
    };
  }
}
