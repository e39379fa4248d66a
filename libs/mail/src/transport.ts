export type EmailAddress = { name?: string; address: string };

/** A message ready for a transport: the exact bytes to send and who it goes to. */
export type OutgoingEmail = {
  emailId: string;
  messageIdHeader: string;
  envelope: { from: string; to: readonly string[] };
  /** The whole RFC 5322 message. */
  raw: Buffer;
  /**
   * The message as parts, for providers that build a reply themselves (Microsoft Graph replies
   * in a conversation from JSON: `createReply`, then the content, then `send`).
   */
  content?: { from: EmailAddress; to: EmailAddress; subject: string; html: string; text: string };
  /** A follow-up: where it threads at the provider (Gmail `threadId`; Graph: the first message). */
  thread?: { inReplyTo: string; providerThreadId?: string; providerMessageId?: string };
};

/**
 * What a send remembers between attempts: a provider that creates the message before sending
 * it (a Graph draft) hands its id over before sending, and a later attempt resumes from it.
 */
export type SendJournal = {
  /** The provider's id of the message a previous attempt created, if any. */
  readonly prior?: { providerMessageId?: string };
  /** Called once the provider has assigned the message an id, before it is sent. */
  providerIdAssigned(providerMessageId: string): Promise<void>;
};

/** What a transport says about a message it accepted; recorded on EmailSent. */
export type SentReceipt = {
  /** Name of the transport, e.g. "outbox", "gmail". */
  transport: string;
  providerMessageId: string;
  messageIdHeader: string;
  /** Provider thread, where there is one (Gmail threadId). */
  threadId?: string;
};

/**
 * Where messages leave the system: the local outbox, Gmail, Microsoft Graph or SMTP.
 * Delivery is idempotent per email only if `find` answers for every message `send` accepted:
 * a worker that died after sending asks `find` before sending again.
 */
export interface Transport {
  readonly name: string;
  send(message: OutgoingEmail, journal?: SendJournal): Promise<SentReceipt>;
  /**
   * The receipt of a message already sent with this Message-ID (or, for providers that create
   * before sending, under the id a previous attempt recorded), or null.
   */
  find(messageIdHeader: string, prior?: { providerMessageId?: string }): Promise<SentReceipt | null>;
}

/**
 * A transport could not send. `permanent` failures (an invalid recipient, a refused message)
 * are never retried; others are, after `retryAfterMs` when the provider said how long to wait.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export type MailboxAuthProblem = 'REVOKED' | 'AUTH_FAILED';

/**
 * The mailbox cannot be used until its owner connects it again: the grant was revoked or
 * expired (`invalid_grant`), or the provider keeps refusing fresh credentials. Its sends wait;
 * they are neither retried against the provider nor failed.
 */
export class MailboxAuthError extends TransportError {
  constructor(
    message: string,
    readonly problem: MailboxAuthProblem,
  ) {
    super(message, false);
    this.name = 'MailboxAuthError';
  }
}

/**
 * The provider asked us to slow down (429, Gmail's rate-limit 403s): not a failure of the
 * message. The send waits `retryAfterMs` (what the provider asked, else a minute) without
 * spending one of its attempts, like any send over a mailbox's limits.
 */
export class ProviderRateLimited extends TransportError {
  constructor(message: string, retryAfterMs: number | undefined) {
    super(message, false, retryAfterMs ?? 60_000);
    this.name = 'ProviderRateLimited';
  }
}
