import { composeEmail, emailIdOfMessageId, messageIdFor } from '@app/mail';
import { findPart, parseMime } from '@app/testing';
import { trackingUrls, verifyTrackingToken } from '@app/tracking';

const SECRET = 'x'.repeat(32);
const emailId = '0195a3c4-1111-7000-8000-000000000001';
const firstEmailId = '0195a3c4-1111-7000-8000-000000000000';
const tracking = trackingUrls('https://api.example.test', SECRET, emailId);

const base = {
  emailId,
  from: { name: 'Grace Hopper', address: 'grace@acme.test' },
  to: { address: 'ada@example.com' },
  subject: 'Quick question, Ada — ça va?',
  html: '<p>Hi Ada, see <a href="https://example.com/demo">the demo</a>.</p>',
  text: 'Hi Ada, see https://example.com/demo.',
  links: [{ index: 0, url: 'https://example.com/demo' }],
  tracking,
  date: new Date('2025-03-03T10:00:00.000Z'),
};

describe('composing the first email of a sequence', () => {
  it('has our stable Message-ID, sender, recipient, encoded subject and date', async () => {
    const composed = await composeEmail(base);
    const message = parseMime(composed.raw);
    expect(composed.messageIdHeader).toBe(`<${emailId}@acme.test>`);
    expect(message.headers.get('Message-ID')).toBe(composed.messageIdHeader);
    expect(message.headers.get('From')).toBe('Grace Hopper <grace@acme.test>');
    expect(message.headers.get('To')).toBe('ada@example.com');
    expect(message.headers.get('Subject')).toBe('Quick question, Ada — ça va?');
    expect(message.headers.get('Date')).toBe('Mon, 03 Mar 2025 10:00:00 +0000');
    expect(message.headers.get('In-Reply-To')).toBeUndefined();
    expect(message.headers.get('References')).toBeUndefined();
    expect(composed.envelope).toEqual({ from: 'grace@acme.test', to: ['ada@example.com'] });
  });

  it('carries one-click unsubscribe headers with a signed token for this email', async () => {
    const message = parseMime((await composeEmail(base)).raw);
    expect(message.headers.get('List-Unsubscribe')).toBe(`<${tracking.unsubscribe}>`);
    expect(message.headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const token = /\/u\/([^>]+)>/.exec(message.headers.get('List-Unsubscribe') ?? '')?.[1] ?? '';
    expect(verifyTrackingToken(SECRET, token)).toEqual({ kind: 'u', emailId });
  });

  it('adds a mailto unsubscribe when a mailbox handles them', async () => {
    const message = parseMime((await composeEmail({ ...base, unsubscribeMailto: 'unsubscribe@acme.test' })).raw);
    expect(message.headers.get('List-Unsubscribe')).toBe(`<${tracking.unsubscribe}>, <mailto:unsubscribe@acme.test?subject=unsubscribe>`);
  });

  it('is multipart/alternative: the text as written, the HTML with tracked links and the pixel', async () => {
    const message = parseMime((await composeEmail(base)).raw);
    expect(message.contentType).toBe('multipart/alternative');
    expect(findPart(message, 'text/plain')?.body).toBe('Hi Ada, see https://example.com/demo.');
    const html = findPart(message, 'text/html')?.body ?? '';
    expect(html).toContain(`<a href="${tracking.link(0)}">the demo</a>`);
    expect(html).not.toContain('https://example.com/demo');
    expect(html).toContain(`<img src="${tracking.pixel}" width="1" height="1"`);
    const clickToken = /\/t\/c\/([A-Za-z0-9_-]+)/.exec(html)?.[1] ?? '';
    expect(verifyTrackingToken(SECRET, clickToken)).toEqual({ kind: 'c', emailId, linkIndex: 0 });
  });
});

describe('composing a follow-up', () => {
  it('threads under the first email with In-Reply-To and References', async () => {
    const first = messageIdFor(firstEmailId, 'acme.test');
    const message = parseMime((await composeEmail({ ...base, thread: { inReplyTo: first, references: [first] } })).raw);
    expect(message.headers.get('In-Reply-To')).toBe(first);
    expect(message.headers.get('References')).toBe(first);
  });
});

describe('our Message-IDs', () => {
  it('name the email they belong to, and nobody else’s', () => {
    expect(emailIdOfMessageId(messageIdFor(emailId, 'ACME.test'))).toBe(emailId);
    expect(emailIdOfMessageId('<CAF=abc@mail.gmail.com>')).toBeNull();
  });
});

describe('the CAN-SPAM footer', () => {
  it('puts the sender’s name, postal address and a visible unsubscribe link at the end of both parts', async () => {
    const message = parseMime((await composeEmail({ ...base, footer: { companyName: 'Acme & Co', postalAddress: '1 Main St\nSpringfield, IL 62701' } })).raw);
    const html = findPart(message, 'text/html')?.body ?? '';
    expect(html).toContain(`Acme &amp; Co, 1 Main St, Springfield, IL 62701<br><a href="${tracking.unsubscribe}" style="color:#888">Unsubscribe</a></div>`);
    expect(html.indexOf('Unsubscribe</a>')).toBeLessThan(html.indexOf('<img src='));
    expect(findPart(message, 'text/plain')?.body).toBe(`Hi Ada, see https://example.com/demo.\n\n--\nAcme & Co, 1 Main St, Springfield, IL 62701\nUnsubscribe: ${tracking.unsubscribe}`);
  });

  it('still carries the unsubscribe link when the workspace has no address yet', async () => {
    const message = parseMime((await composeEmail({ ...base, footer: {} })).raw);
    expect(findPart(message, 'text/plain')?.body).toMatch(/\n--\nUnsubscribe: https:\/\/api\.example\.test\/u\/[\w-]+$/);
  });

  it('is written with CRLF line ends throughout, as it goes on the wire', async () => {
    const raw = (await composeEmail({ ...base, footer: { postalAddress: '1 Main St' } })).raw.toString('utf8');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});
