import { GmailInbox, GmailTransport, GoogleOAuth, MailboxAuthError, TransportError, parseIncomingEmail, pkceFor } from '@app/mail';
import { GoogleFake, findPart, parseMime } from '@app/testing';
import { verifyTrackingToken } from '@app/tracking';
import { TRACKING_SECRET, composed, refreshingTokens } from './support/mail-fixtures';

const KEY = Buffer.alloc(32, 7);
const ADDRESS = 'grace@gmail.test';

describe('Gmail through googleapis, against a local fake of Google', () => {
  let google: GoogleFake;
  let oauth: GoogleOAuth;
  beforeAll(async () => {
    google = await GoogleFake.start();
    oauth = new GoogleOAuth(google.settings());
  });
  afterAll(async () => {
    await google.close();
  });

  const transportFor = (address = ADDRESS) => {
    const refreshToken = google.grant(address);
    const tokens = refreshingTokens(() => oauth.refresh(refreshToken));
    return { tokens, transport: new GmailTransport({ settings: google.settings(), tokens }), inbox: new GmailInbox({ settings: google.settings(), tokens }) };
  };

  describe('connecting a mailbox', () => {
    it('asks for offline access with consent, the Gmail scopes and a PKCE challenge, and exchanges the code for tokens and the address', async () => {
      const { verifier, challenge } = pkceFor(KEY, 'nonce-1');
      const url = new URL(oauth.authorizeUrl({ state: 'signed-state', codeChallenge: challenge, loginHint: ADDRESS }));
      expect(`${url.origin}${url.pathname}`).toBe(`${google.url}/o/oauth2/v2/auth`);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        access_type: 'offline',
        prompt: 'consent',
        response_type: 'code',
        client_id: google.clientId,
        redirect_uri: 'http://api.test/oauth/google/callback',
        state: 'signed-state',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly',
        login_hint: ADDRESS,
      });

      google.consentAs(ADDRESS);
      const consent = await fetch(url, { redirect: 'manual' });
      const back = new URL(consent.headers.get('location') ?? '');
      expect(back.searchParams.get('state')).toBe('signed-state');
      const account = await oauth.exchange(back.searchParams.get('code') ?? '', verifier);
      expect(account.address).toBe(ADDRESS);
      expect(account.tokens.refreshToken).toMatch(/^1\/\/refresh-/);
      expect(Date.parse(account.tokens.expiresAt)).toBeGreaterThan(Date.now() + 3000_000);
      const exchange = google.requests.find((r) => r.path === '/token' && new URLSearchParams(r.body.toString()).get('grant_type') === 'authorization_code');
      expect(new URLSearchParams(exchange?.body.toString()).get('code_verifier')).toBe(verifier);
    });

    it('refuses a code presented with another verifier', async () => {
      const { challenge } = pkceFor(KEY, 'nonce-2');
      const consent = await fetch(oauth.authorizeUrl({ state: 's', codeChallenge: challenge }), { redirect: 'manual' });
      const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
      await expect(oauth.exchange(code, pkceFor(KEY, 'another').verifier)).rejects.toThrow(/invalid_grant/);
    });
  });

  describe('sending', () => {
    it('sends our MIME as written: Message-ID, names, both parts, pixel, tracked links, one-click unsubscribe and the postal footer', async () => {
      const { transport } = transportFor();
      const email = await composed({ from: { name: 'Grace Hopper', address: ADDRESS }, footer: { companyName: 'Acme Inc.', postalAddress: '1 Main St\nSpringfield, IL 62701' } });
      const receipt = await transport.send(email);
      const sent = google.sent(ADDRESS).find((m) => m.id === receipt.providerMessageId);
      expect(receipt).toEqual({ transport: 'gmail', providerMessageId: sent?.id, messageIdHeader: email.messageIdHeader, threadId: sent?.threadId });

      const mime = parseMime(sent?.raw ?? '');
      expect(mime.headers.get('Message-ID')).toBe(email.messageIdHeader);
      expect(mime.headers.get('From')).toBe(`Grace Hopper <${ADDRESS}>`);
      expect(mime.headers.get('To')).toBe('Ada Lovelace <ada@example.com>');
      expect(mime.headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      const token = /\/u\/([A-Za-z0-9_-]+)>$/.exec(mime.headers.get('List-Unsubscribe') ?? '')?.[1] ?? '';
      expect(verifyTrackingToken(TRACKING_SECRET, token)).toEqual({ kind: 'u', emailId: email.emailId });
      const html = findPart(mime, 'text/html')?.body ?? '';
      expect(html).toMatch(/href="https:\/\/api\.copilot\.test\/t\/c\/[A-Za-z0-9_-]+">the demo<\/a>/);
      expect(html).toMatch(/<img src="https:\/\/api\.copilot\.test\/t\/o\/[A-Za-z0-9_-]+\.gif"/);
      expect(html).toContain('Acme Inc., 1 Main St, Springfield, IL 62701<br><a href="https://api.copilot.test/u/');
      const text = findPart(mime, 'text/plain')?.body ?? '';
      expect(text).toContain('--\nAcme Inc., 1 Main St, Springfield, IL 62701\nUnsubscribe: https://api.copilot.test/u/');
    });

    it('threads a follow-up under the first email: its threadId, In-Reply-To and References', async () => {
      const { transport } = transportFor();
      const first = await composed({ from: { address: ADDRESS } });
      const firstReceipt = await transport.send(first);
      const followUp = await composed({ from: { address: ADDRESS }, subject: 'Quick question, Ada', thread: { first: first.emailId, providerThreadId: firstReceipt.threadId } });
      const receipt = await transport.send(followUp);
      expect(receipt.threadId).toBe(firstReceipt.threadId);
      const call = google.requests.filter((r) => r.path.endsWith('/messages/send')).pop();
      expect(JSON.parse(call?.body.toString() ?? '{}')).toMatchObject({ threadId: firstReceipt.threadId });
      const mime = parseMime(google.sent(ADDRESS).find((m) => m.id === receipt.providerMessageId)?.raw ?? '');
      expect(mime.headers.get('In-Reply-To')).toBe(first.messageIdHeader);
      expect(mime.headers.get('References')).toBe(first.messageIdHeader);
    });

    it('finds a message it sent by its Message-ID (rfc822msgid:), and nothing for one it did not', async () => {
      const { transport } = transportFor();
      const email = await composed({ from: { address: ADDRESS } });
      expect(await transport.find(email.messageIdHeader)).toBeNull();
      const receipt = await transport.send(email);
      expect(await transport.find(email.messageIdHeader)).toEqual(receipt);
      const search = google.requests.filter((r) => r.path.endsWith('/users/me/messages') && r.method === 'GET').pop();
      expect(search?.query.get('q')).toBe(`rfc822msgid:${email.messageIdHeader.slice(1, -1)}`);
    });

    it('answers a 429 with a retryable error carrying the Retry-After the provider asked for', async () => {
      const { transport } = transportFor();
      google.failNext({ method: 'POST', path: /messages\/send$/, answer: { status: 429, headers: { 'retry-after': '42' }, body: { error: { code: 429, message: 'User-rate limit exceeded' } } } });
      const error = await transport.send(await composed({ from: { address: ADDRESS } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ permanent: false, retryAfterMs: 42_000 });
      expect(google.requests.filter((r) => r.path.endsWith('/messages/send')).length).toBeGreaterThan(0);
    });

    it('refuses a malformed message for good (400)', async () => {
      const { transport } = transportFor();
      google.failNext({ method: 'POST', path: /messages\/send$/, answer: { status: 400, body: { error: { code: 400, message: 'Invalid To header' } } } });
      await expect(transport.send(await composed({ from: { address: ADDRESS } }))).rejects.toMatchObject({ permanent: true });
    });
  });

  describe('access tokens', () => {
    it('are refreshed before they expire, not after a failure', async () => {
      google.accessTokenTtlSeconds = 30;
      try {
        const { transport, tokens } = transportFor('short@gmail.test');
        await transport.send(await composed({ from: { address: 'short@gmail.test' } }));
        await transport.send(await composed({ from: { address: 'short@gmail.test' } }));
        // A token valid for under a minute is renewed before use: one refresh per send, no 401.
        expect(tokens.refreshes).toBe(2);
        const unauthorised = google.requests.filter((r) => r.path.includes('/gmail/') && !r.headers.authorization);
        expect(unauthorised).toEqual([]);
      } finally {
        google.accessTokenTtlSeconds = 3600;
      }
    });

    it('are refreshed once after a 401, and the call is made again', async () => {
      const { transport, tokens } = transportFor('expired@gmail.test');
      await transport.send(await composed({ from: { address: 'expired@gmail.test' } }));
      google.failNext({ path: /messages\/send$/, answer: { status: 401, body: { error: { code: 401, message: 'Invalid Credentials' } } } });
      await transport.send(await composed({ from: { address: 'expired@gmail.test' } }));
      expect(tokens.refreshes).toBe(2);
      expect(google.sent('expired@gmail.test')).toHaveLength(2);
    });

    it('of a revoked grant cannot be refreshed: the mailbox must be connected again', async () => {
      const { transport } = transportFor('revoked@gmail.test');
      google.revoke('revoked@gmail.test');
      const error = await transport.send(await composed({ from: { address: 'revoked@gmail.test' } })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailboxAuthError);
      expect(error).toMatchObject({ problem: 'REVOKED' });
    });
  });

  describe('reading the inbox', () => {
    it('lists what arrived since the cursor with history.list, reads each raw, and moves the cursor', async () => {
      const { inbox } = transportFor('reader@gmail.test');
      const cursor = await inbox.start();
      const reply = google.deliver('reader@gmail.test', 'Message-ID: <r1@example.com>\r\nIn-Reply-To: <x@gmail.test>\r\nSubject: Re: hi\r\nFrom: ada@example.com\r\n\r\nSounds good!\r\n', 'thread-1');
      const page = await inbox.changes(cursor);
      expect(page?.messages.map((m) => [m.providerMessageId, m.threadId])).toEqual([[reply.id, 'thread-1']]);
      const parsed = await parseIncomingEmail(page?.messages[0] as NonNullable<typeof page>['messages'][number]);
      expect(parsed).toMatchObject({ messageId: '<r1@example.com>', inReplyTo: ['<x@gmail.test>'], fromAddress: 'ada@example.com', snippet: 'Sounds good!' });
      expect(await inbox.changes(page?.cursor ?? '')).toEqual({ messages: [], cursor: String(google.historyIdOf('reader@gmail.test')) });
      const history = google.requests.filter((r) => r.path.endsWith('/history'));
      expect(history[0]?.query.get('startHistoryId')).toBe(cursor);
      expect(history[0]?.query.get('labelId')).toBe('INBOX');
    });

    it('says when the cursor is older than the history Gmail keeps', async () => {
      const { inbox } = transportFor('old@gmail.test');
      const cursor = await inbox.start();
      google.deliver('old@gmail.test', 'Subject: x\r\n\r\ny');
      google.forgetHistoryBefore('old@gmail.test', Number(cursor) + 1);
      expect(await inbox.changes(cursor)).toBeNull();
    });
  });
});
