import { Inject, Injectable } from '@nestjs/common';
import { MailboxProvider } from '@app/events';
import { MailboxSecret, openMailboxSecret, sealMailboxSecret } from '@app/mail';
import { KYSELY } from '@app/platform';
import { DB } from '@app/read-store';
import { Kysely } from 'kysely';
import { MailboxProviders } from './mailbox-providers';

/**
 * Writes mailbox credentials (refresh tokens, SMTP passwords) sealed into `mailbox_credentials`:
 * never into the log, never in plain text. The schedulers read them to send and to poll.
 */
@Injectable()
export class MailboxCredentialsStore {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    private readonly providers: MailboxProviders,
  ) {}

  async put(input: { mailboxId: string; workspaceId: string; provider: MailboxProvider; secret: MailboxSecret }): Promise<void> {
    const { mailboxId, workspaceId, provider, secret } = input;
    const sealed = sealMailboxSecret(this.providers.sealingKey, mailboxId, secret);
    const accessExpiresAt = secret.kind === 'oauth' ? (secret.accessTokenExpiresAt ?? null) : null;
    await this.db
      .insertInto('mailboxCredentials')
      .values({ mailboxId, workspaceId, provider, sealed, accessExpiresAt, refreshedAt: null })
      .onConflict((oc) => oc.column('mailboxId').doUpdateSet({ workspaceId, provider, sealed, accessExpiresAt, refreshedAt: null, updatedAt: new Date().toISOString() }))
      .execute();
  }

  /** Forgets the credentials, handing back what they were (to revoke a grant). */
  async remove(mailboxId: string): Promise<{ provider: string; secret: MailboxSecret } | null> {
    const row = await this.db.deleteFrom('mailboxCredentials').where('mailboxId', '=', mailboxId).returning(['provider', 'sealed']).executeTakeFirst();
    if (!row) return null;
    try {
      return { provider: row.provider, secret: openMailboxSecret(this.providers.sealingKey, mailboxId, row.sealed) };
    } catch {
      return null;
    }
  }
}
