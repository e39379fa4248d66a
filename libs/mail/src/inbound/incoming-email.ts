import { simpleParser } from 'mailparser';
import { InboxMessage } from '../providers/provider-types';

/** What a delivery status notification (RFC 3464) says about one recipient. */
export type DeliveryStatus = { action: string | null; status: string | null; diagnostic: string | null; recipient: string | null };

/** An inbox message, parsed: what matching and classifying need of it. */
export type IncomingEmail = {
  providerMessageId: string;
  threadId?: string;
  /** Its own Message-ID (a reply found twice is one reply). */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  fromAddress: string | null;
  subject: string;
  /** Lower-cased header names, their first value unfolded. */
  headers: Readonly<Record<string, string>>;
  contentType: string;
  reportType: string | null;
  /** The delivery status fields, when it is (or looks like) a bounce report. */
  deliveryStatus: DeliveryStatus | null;
  /** Message-IDs of the message a bounce report returns (its attached headers). */
  returnedMessageIds: string[];
  snippet: string;
};

const MESSAGE_ID = /<[^<>\s]+@[^<>\s]+>/g;

function idsOf(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.match(MESSAGE_ID) ?? []);
}

/** The reply's own words: the text above the quoted message. */
function ownWords(text: string): string {
  const quote = /^(On .{0,200}wrote:|-{2,}\s*Original Message\s*-{2,}|>|From: .+)$/im.exec(text);
  return (quote ? text.slice(0, quote.index) : text).replace(/\s+/g, ' ').trim();
}

function field(text: string, name: string): string | null {
  return new RegExp(`^${name}:[ \\t]*(.+)$`, 'mi').exec(text)?.[1]?.trim() ?? null;
}

/** Parses a raw inbox message with mailparser. */
export async function parseIncomingEmail(message: InboxMessage): Promise<IncomingEmail> {
  const mail = await simpleParser(message.raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const { key, line } of mail.headerLines) {
    if (headers[key] !== undefined) continue;
    headers[key] = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  const contentType = mail.headers.get('content-type');
  const type = typeof contentType === 'object' && contentType !== null && 'value' in contentType ? String(contentType.value).toLowerCase() : (headers['content-type'] ?? 'text/plain').split(';')[0]?.trim().toLowerCase() ?? 'text/plain';
  const reportType = typeof contentType === 'object' && contentType !== null && 'params' in contentType ? ((contentType.params as Record<string, string>)['report-type']?.toLowerCase() ?? null) : null;
  const text = mail.text ?? '';
  const ownId = mail.messageId?.trim() ?? null;

  // The report's machine-readable part and the returned headers: mailparser inlines text parts
  // (message/delivery-status, text/rfc822-headers) into the text and keeps message/rfc822 apart.
  const looksLikeReport = type === 'multipart/report' || /^(mailer-daemon|postmaster)@/i.test(mail.from?.value[0]?.address ?? '');
  const status = looksLikeReport ? field(text, 'Status') : null;
  const deliveryStatus: DeliveryStatus | null =
    looksLikeReport && (status || field(text, 'Action'))
      ? { action: field(text, 'Action'), status, diagnostic: field(text, 'Diagnostic-Code'), recipient: field(text, 'Final-Recipient') ?? field(text, 'Original-Recipient') }
      : null;
  const returned = new Set<string>();
  if (looksLikeReport) {
    for (const attachment of mail.attachments) {
      if (!/^(message\/(rfc822|global)|text\/rfc822-headers|message\/global-headers)$/i.test(attachment.contentType)) continue;
      const head = attachment.content.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
      for (const id of field(head, 'Message-ID')?.match(MESSAGE_ID) ?? []) returned.add(id);
    }
    for (const match of text.matchAll(/^Message-ID:[ \t]*(<[^<>\s]+@[^<>\s]+>)/gim)) returned.add(match[1] as string);
  }
  if (ownId) returned.delete(ownId);

  return {
    providerMessageId: message.providerMessageId,
    threadId: message.threadId,
    messageId: ownId,
    inReplyTo: idsOf(mail.inReplyTo),
    references: idsOf(mail.references),
    fromAddress: mail.from?.value[0]?.address?.toLowerCase() ?? null,
    subject: mail.subject ?? '',
    headers,
    contentType: type,
    reportType,
    deliveryStatus,
    returnedMessageIds: [...returned],
    snippet: ownWords(text).slice(0, 280),
  };
}
