import { createTransport } from 'nodemailer';
import { MailboxAuthError, OutgoingEmail, SentReceipt, Transport, TransportError } from '../transport';

export type SmtpSettings = { host: string; port: number; secure: boolean; username: string; password: string };

type SmtpFailure = { code?: string; responseCode?: number; response?: string; message?: string };

const CONNECTION_TIMEOUT_MS = 15_000;

function transporter(settings: SmtpSettings) {
  return createTransport({
    host: settings.host,
    port: settings.port,
    // Port 465 speaks TLS from the start; 587 and 25 upgrade with STARTTLS when offered.
    secure: settings.secure,
    auth: { user: settings.username, pass: settings.password },
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: 60_000,
  });
}

/**
 * An SMTP reply as a TransportError: a refused login is the mailbox's problem (it waits until
 * reconnected), 4xx is "try later", 5xx is a refusal of this message, and no reply at all is
 * network trouble.
 */
export function smtpError(error: unknown): TransportError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpFailure;
  const text = `smtp: ${e.response ?? e.message ?? String(error)}`.slice(0, 900);
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 534) return new MailboxAuthError(text, 'AUTH_FAILED');
  if (typeof e.responseCode === 'number') return new TransportError(text, e.responseCode >= 500);
  return new TransportError(text, false);
}

/**
 * Sends the composed MIME as is over SMTP with nodemailer (envelope and raw message, nothing
 * rewritten). SMTP has no way to ask whether a message was already accepted: `find` answers
 * null, and the delivery worker relies on the receipt it records right after the server's 250.
 */
export class SmtpTransport implements Transport {
  readonly name = 'smtp';

  constructor(private readonly settings: SmtpSettings) {}

  /** Connects and logs in, without sending: checks the settings a user typed. */
  static async verify(settings: SmtpSettings): Promise<void> {
    const t = transporter(settings);
    try {
      await t.verify();
    } catch (error) {
      throw smtpError(error);
    } finally {
      t.close();
    }
  }

  async send(message: OutgoingEmail): Promise<SentReceipt> {
    const t = transporter(this.settings);
    try {
      const info = (await t.sendMail({ envelope: { from: message.envelope.from, to: [...message.envelope.to] }, raw: message.raw })) as { response?: string; messageId?: string };
      const queued = /queued as ([A-Za-z0-9._-]+)/i.exec(info.response ?? '')?.[1];
      return { transport: this.name, providerMessageId: queued ? `smtp:${queued}` : `smtp:${message.messageIdHeader}`, messageIdHeader: message.messageIdHeader };
    } catch (error) {
      throw smtpError(error);
    } finally {
      t.close();
    }
  }

  async find(): Promise<SentReceipt | null> {
    return null;
  }
}
