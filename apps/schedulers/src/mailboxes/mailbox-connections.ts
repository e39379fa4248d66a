import { MailboxProvider } from '@app/events';
import { GmailInbox, GmailTransport, GraphInbox, GraphTransport, MailProviderSettings, MailboxAuthError, SmtpTransport, Transport } from '@app/mail';
import { MailboxCredentials } from './mailbox-credentials';

export type MailboxRef = { mailboxId: string; provider: MailboxProvider };

/**
 * The provider clients of one mailbox: its transport (Gmail, Graph, SMTP or the local outbox)
 * and, for Gmail and Outlook, its inbox reader, each on the mailbox's own credentials.
 */
export class MailboxConnections {
  constructor(
    private readonly credentials: MailboxCredentials,
    private readonly providers: MailProviderSettings,
    /** The local outbox: the OUTBOX provider, and campaigns that name no mailbox. */
    readonly outbox: Transport,
  ) {}

  /** Whether this process can use the provider (OAuth providers need their client id and secret). */
  configured(provider: MailboxProvider): boolean {
    if (provider === 'GMAIL') return this.providers.google !== null;
    if (provider === 'OUTLOOK') return this.providers.microsoft !== null;
    return true;
  }

  async transport(mailbox: MailboxRef): Promise<Transport> {
    switch (mailbox.provider) {
      case 'GMAIL':
        if (!this.providers.google) throw new MailboxAuthError('Gmail is not configured on the schedulers', 'AUTH_FAILED');
        return new GmailTransport({ settings: this.providers.google, tokens: this.credentials.tokens(mailbox.mailboxId, 'GMAIL') });
      case 'OUTLOOK':
        if (!this.providers.microsoft) throw new MailboxAuthError('Microsoft 365 is not configured on the schedulers', 'AUTH_FAILED');
        return new GraphTransport({ settings: this.providers.microsoft, tokens: this.credentials.tokens(mailbox.mailboxId, 'OUTLOOK') });
      case 'SMTP': {
        const secret = await this.credentials.secret(mailbox.mailboxId);
        if (secret?.kind !== 'smtp') throw new MailboxAuthError('no stored SMTP settings for this mailbox: connect it again', 'AUTH_FAILED');
        return new SmtpTransport(secret);
      }
      case 'OUTBOX':
        return this.outbox;
      default: {
        const unknown: never = mailbox.provider;
        throw new Error(`unknown mailbox provider ${String(unknown)}`);
      }
    }
  }

  /** The inbox reader of a Gmail or Outlook mailbox; null for the others (nothing to poll). */
  inbox(mailbox: MailboxRef): GmailInbox | GraphInbox | null {
    if (mailbox.provider === 'GMAIL' && this.providers.google) return new GmailInbox({ settings: this.providers.google, tokens: this.credentials.tokens(mailbox.mailboxId, 'GMAIL') });
    if (mailbox.provider === 'OUTLOOK' && this.providers.microsoft) return new GraphInbox({ settings: this.providers.microsoft, tokens: this.credentials.tokens(mailbox.mailboxId, 'OUTLOOK') });
    return null;
  }
}
