import MailComposer from 'nodemailer/lib/mail-composer';
import { domainOf, messageIdFor } from './message-id';
import { RecordedLink, addFooter, addOpenPixel, footerText, trackLinks } from './tracking-html';
import { EmailAddress, OutgoingEmail } from './transport';

export type { EmailAddress } from './transport';

/** The tracking endpoints of one email (see @app/tracking's trackingUrls). */
export type EmailTracking = { pixel: string; link: (index: number) => string; unsubscribe: string };

export type ComposeEmailInput = {
  emailId: string;
  from: EmailAddress;
  to: EmailAddress;
  subject: string;
  html: string;
  text: string;
  /** The links recorded when the email was queued, in order; clicks redirect only to these. */
  links: readonly RecordedLink[];
  tracking: EmailTracking;
  /** A mailbox that processes unsubscribe requests, when there is one. */
  unsubscribeMailto?: string;
  /**
   * For a follow-up: the Message-ID of the first email of the thread (and any since), and where
   * the provider keeps that thread (Gmail threadId, the first message's Graph id).
   */
  thread?: { inReplyTo: string; references: readonly string[]; providerThreadId?: string; providerMessageId?: string };
  /**
   * CAN-SPAM footer: the sender's postal address (and name) with a visible unsubscribe link,
   * added to both parts. Without it no footer is added.
   */
  footer?: { postalAddress?: string; companyName?: string };
  date: Date;
  /** Right-hand side of the Message-ID; defaults to the sender's domain. */
  messageIdDomain?: string;
};

export type ComposedEmail = OutgoingEmail & {
  /** Recorded links that could not be rewritten (left pointing at their original URL). */
  untrackedLinks: number[];
};

/**
 * Builds the MIME message of one sequence email with nodemailer's MailComposer: multipart
 * alternative text + HTML, tracked links and open pixel in the HTML, our own stable
 * Message-ID, threading headers for follow-ups, RFC 2369 / RFC 8058 one-click unsubscribe
 * headers (Gmail and Yahoo require them of bulk senders) and, when given, the CAN-SPAM footer
 * (postal address and a visible unsubscribe link).
 */
export async function composeEmail(input: ComposeEmailInput): Promise<ComposedEmail> {
  const messageIdHeader = messageIdFor(input.emailId, input.messageIdDomain ?? domainOf(input.from.address));
  const tracked = trackLinks(input.html, input.links, input.tracking.link);
  const footer = input.footer ? { ...input.footer, unsubscribeUrl: input.tracking.unsubscribe } : null;
  const html = addOpenPixel(footer ? addFooter(tracked.html, footer) : tracked.html, input.tracking.pixel);
  const text = footer ? `${input.text.replace(/\s+$/, '')}\n\n${footerText(footer)}` : input.text;
  const unsubscribe = [`<${input.tracking.unsubscribe}>`, ...(input.unsubscribeMailto ? [`<mailto:${input.unsubscribeMailto}?subject=unsubscribe>`] : [])].join(', ');
  const composer = new MailComposer({
    from: input.from.name ? { name: input.from.name, address: input.from.address } : input.from.address,
    to: input.to.name ? { name: input.to.name, address: input.to.address } : input.to.address,
    subject: input.subject,
    messageId: messageIdHeader,
    date: input.date,
    inReplyTo: input.thread?.inReplyTo,
    references: input.thread ? [...input.thread.references] : undefined,
    text,
    html,
    headers: {
      'List-Unsubscribe': unsubscribe,
      // RFC 8058: a POST to the https URL above unsubscribes, no page, no confirmation.
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    // Quoted-printable keeps long HTML lines under the 998-octet limit and stays readable.
    textEncoding: 'quoted-printable',
    // CRLF throughout (RFC 5322): what SMTP puts on the wire, so every transport sends the same bytes.
    newline: 'windows',
    xMailer: false,
  });
  const raw = await composer.compile().build();
  return {
    emailId: input.emailId,
    messageIdHeader,
    envelope: { from: input.from.address, to: [input.to.address] },
    raw,
    content: { from: input.from, to: input.to, subject: input.subject, html, text },
    thread: input.thread ? { inReplyTo: input.thread.inReplyTo, providerThreadId: input.thread.providerThreadId, providerMessageId: input.thread.providerMessageId } : undefined,
    untrackedLinks: tracked.missing,
  };
}
