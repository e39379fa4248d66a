/** A message ready for a transport: the exact bytes to send and who it goes to. */
export type OutgoingEmail = {
  emailId: string;
  messageIdHeader: string;
  envelope: { from: string; to: readonly string[] };
  /** The whole RFC 5322 message. */
  raw: Buffer;
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
 * Where messages leave the system: the local outbox now; Gmail, Graph and SMTP later.
 * Delivery is idempotent per email only if `find` answers for every message `send` accepted:
 * a worker that died after sending asks `find` before sending again.
 */
export interface Transport {
  readonly name: string;
  send(message: OutgoingEmail): Promise<SentReceipt>;
  /** The receipt of a message already accepted with this Message-ID, or null. */
  find(messageIdHeader: string): Promise<SentReceipt | null>;
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
