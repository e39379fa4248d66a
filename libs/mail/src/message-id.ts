const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Our Message-ID of an email: derived from its id, so a resend after a crash carries the same
 * one (providers and `Transport.find` recognise it) and a follow-up can name the first email
 * in In-Reply-To before reading anything back.
 */
export function messageIdFor(emailId: string, domain: string): string {
  if (!UUID.test(emailId)) throw new Error(`"${emailId}" is not an email id`);
  const host = domain.trim().toLowerCase().replace(/[^a-z0-9.-]/g, '') || 'localhost';
  return `<${emailId.toLowerCase()}@${host}>`;
}

/** The email id inside one of our Message-IDs, or null for anyone else's. */
export function emailIdOfMessageId(messageIdHeader: string): string | null {
  const match = /^<?([0-9a-f-]{36})@[^>]+>?$/i.exec(messageIdHeader.trim());
  return match && UUID.test(match[1] as string) ? (match[1] as string).toLowerCase() : null;
}

/** The domain part of an address, for Message-IDs that look like the sender's own. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1) : address;
}
