import MailComposer from 'nodemailer/lib/mail-composer';
import { domainOf, messageIdFor } from './message-id';
import { RecordedLink, addOpenPixel, trackLinks } from './tracking-html';
import { OutgoingEmail } from './transport';

export type EmailAddress = { name?: string; address: string };

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
  /** For a follow-up: the Message-ID of the first email of the thread (and any since). */
  thread?: { inReplyTo: string; references: readonly string[] };
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
 * Message-ID, threading headers for follow-ups, and RFC 2369 / RFC 8058 one-click
 * unsubscribe headers (Gmail and Yahoo require them of bulk senders).
 */
export async function composeEmail(input: ComposeEmailInput): Promise<ComposedEmail> {
  const messageIdHeader = messageIdFor(input.emailId, input.messageIdDomain ?? domainOf(input.from.address));
  const tracked = trackLinks(input.html, input.links, input.tracking.link);
  const html = addOpenPixel(tracked.html, input.tracking.pixel);
  const unsubscribe = [`<${input.tracking.unsubscribe}>`, ...(input.unsubscribeMailto ? [`<mailto:${input.unsubscribeMailto}?subject=unsubscribe>`] : [])].join(', ');
  const composer = new MailComposer({
    from: input.from.name ? { name: input.from.name, address: input.from.address } : input.from.address,
    to: input.to.name ? { name: input.to.name, address: input.to.address } : input.to.address,
    subject: input.subject,
    messageId: messageIdHeader,
    date: input.date,
    inReplyTo: input.thread?.inReplyTo,
    references: input.thread ? [...input.thread.references] : undefined,
    text: input.text,
    html,
    headers: {
      'List-Unsubscribe': unsubscribe,
      // RFC 8058: a POST to the https URL above unsubscribes, no page, no confirmation.
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    // Quoted-printable keeps long HTML lines under the 998-octet limit and stays readable.
    textEncoding: 'quoted-printable',
    xMailer: false,
  });
  const raw = await composer.compile().build();
  return {
    emailId: input.emailId,
    messageIdHeader,
    envelope: { from: input.from.address, to: [input.to.address] },
    raw,
    untrackedLinks: tracked.missing,
  };
}
