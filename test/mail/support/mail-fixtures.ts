import { randomUUID } from 'node:crypto';
import { AccessTokenSource, ComposedEmail, OAuthTokens, composeEmail, messageIdFor } from '@app/mail';
import { trackingUrls } from '@app/tracking';

export const TRACKING_SECRET = 'tracking-secret-for-mail-tests-32-chars';
export const PUBLIC_URL = 'https://api.copilot.test';

/** A sequence email as the delivery worker composes it. */
export function composed(input: {
  from: { name?: string; address: string };
  to?: { name?: string; address: string };
  subject?: string;
  emailId?: string;
  thread?: { first: string; providerThreadId?: string; providerMessageId?: string; domain?: string };
  footer?: { postalAddress?: string; companyName?: string };
}): Promise<ComposedEmail> {
  const emailId = input.emailId ?? randomUUID();
  const domain = input.from.address.split('@')[1] ?? 'localhost';
  const inReplyTo = input.thread ? messageIdFor(input.thread.first, input.thread.domain ?? domain) : undefined;
  return composeEmail({
    emailId,
    from: input.from,
    to: input.to ?? { name: 'Ada Lovelace', address: 'ada@example.com' },
    subject: input.subject ?? 'Quick question, Ada',
    html: '<p>Hi Ada, see <a href="https://example.com/demo">the demo</a>.</p>',
    text: 'Hi Ada, see https://example.com/demo.',
    links: [{ index: 0, url: 'https://example.com/demo' }],
    tracking: trackingUrls(PUBLIC_URL, TRACKING_SECRET, emailId),
    thread: inReplyTo ? { inReplyTo, references: [inReplyTo], providerThreadId: input.thread?.providerThreadId, providerMessageId: input.thread?.providerMessageId } : undefined,
    footer: input.footer,
    date: new Date('2025-03-03T10:00:00.000Z'),
  });
}

/**
 * An access-token source over a provider's refresh: what the schedulers' vault does, without
 * the table (the vault has its own tests). Counts refreshes.
 */
export function refreshingTokens(refresh: () => Promise<OAuthTokens>): AccessTokenSource & { refreshes: number } {
  let current: OAuthTokens | null = null;
  const source = {
    refreshes: 0,
    async current() {
      if (!current || Date.parse(current.expiresAt) - Date.now() < 60_000) return source.refresh();
      return current.accessToken;
    },
    async refresh() {
      source.refreshes++;
      current = await refresh();
      return current.accessToken;
    },
  };
  return source;
}
