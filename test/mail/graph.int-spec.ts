import { GraphInbox, GraphTransport, MailboxAuthError, MicrosoftOAuth, SendJournal, TransportError, parseIncomingEmail, pkceFor } from '@app/mail';
import { MicrosoftFake, findPart, parseMime } from '@app/testing';
import { composed, refreshingTokens } from './support/mail-fixtures';

const KEY = Buffer.alloc(32, 9);
const ADDRESS = 'grace@outlook.test';

describe('Outlook through Microsoft Graph, against a local fake of Microsoft', () => {
  let microsoft: MicrosoftFake;
  let oauth: MicrosoftOAuth;
  beforeAll(async () => {
    microsoft = await MicrosoftFake.start();
    oauth = new MicrosoftOAuth(microsoft.settings());
  });
  afterAll(async () => {
    await microsoft.close();
  });

  const mailbox = (address = ADDRESS) => {
    const refreshToken = { current: microsoft.grant(address) };
    const tokens = refreshingTokens(async () => {
      const fresh = await oauth.refresh(refreshToken.current);
      // Microsoft rotates refresh tokens: the next refresh uses the new one.
      if (fresh.refreshToken) refreshToken.current = fresh.refreshToken;
      return fresh;
    });
    return { tokens, transport: new GraphTransport({ settings: microsoft.settings(), tokens }), inbox: new GraphInbox({ settings: microsoft.settings(), tokens }) };
  };
  const journal = (): SendJournal & { ids: string[] } => {
    const ids: string[] = [];
    return { ids, providerIdAssigned: async (id) => void ids.push(id) };
  };

  describe('connecting a mailbox', () => {
    it('authorizes with offline access and PKCE at the identity platform, exchanges the code and reads the address from /me', async () => {
      const { verifier, challenge } = pkceFor(KEY, 'n');
      const url = new URL(oauth.authorizeUrl({ state: 'st', codeChallenge: challenge }));
      expect(`${url.origin}${url.pathname}`).toBe(`${microsoft.url}/common/oauth2/v2.0/authorize`);
      expect(url.searchParams.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['offline_access', 'https://graph.microsoft.com/Mail.Send', 'https://graph.microsoft.com/Mail.ReadWrite']));
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', code_challenge: challenge, state: 'st', redirect_uri: 'http://api.test/oauth/microsoft/callback' });
      microsoft.consentAs(ADDRESS);
      const consent = await fetch(url, { redirect: 'manual' });
      const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
      const account = await oauth.exchange(code, verifier);
      expect(account).toMatchObject({ address: ADDRESS, displayName: 'grace', tokens: { refreshToken: expect.stringMatching(/^M\.R3_/) } });
      const me = microsoft.requests.find((r) => r.path === '/v1.0/me');
      expect(me?.headers.authorization).toBe(`Bearer ${account.tokens.accessToken}`);
    });
  });

  describe('sending', () => {
    it('creates the first email from our MIME (headers as written), journals the draft id, then sends it', async () => {
      const { transport } = mailbox();
      const email = await composed({ from: { name: 'Grace Hopper', address: ADDRESS }, footer: { postalAddress: '1 Main St' } });
      const j = journal();
      const receipt = await transport.send(email, j);
      const sent = microsoft.sent(ADDRESS).find((m) => m.id === receipt.providerMessageId);
      expect(j.ids).toEqual([receipt.providerMessageId]);
      expect(receipt).toEqual({ transport: 'graph', providerMessageId: sent?.id, messageIdHeader: email.messageIdHeader, threadId: sent?.conversationId });
      const create = microsoft.requests.find((r) => r.method === 'POST' && r.path === '/v1.0/me/messages');
      expect(create?.headers['content-type']).toMatch(/^text\/plain/);
      expect(create?.headers.prefer).toBe('IdType="ImmutableId"');
      const mime = parseMime(sent?.raw ?? '');
      expect(mime.headers.get('Message-ID')).toBe(email.messageIdHeader);
      expect(mime.headers.get('From')).toBe(`Grace Hopper <${ADDRESS}>`);
      expect(mime.headers.get('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(findPart(mime, 'text/plain')?.body).toContain('1 Main St\nUnsubscribe: https://api.copilot.test/u/');
    });

    it('replies in the first email’s conversation for a follow-up: createReply, our content, send', async () => {
      const { transport } = mailbox();
      const first = await composed({ from: { address: ADDRESS } });
      const firstReceipt = await transport.send(first, journal());
      const followUp = await composed({ from: { address: ADDRESS }, subject: 'Bumping this', thread: { first: first.emailId, providerMessageId: firstReceipt.providerMessageId } });
      const receipt = await transport.send(followUp, journal());
      expect(receipt.threadId).toBe(firstReceipt.threadId);
      const reply = microsoft.sent(ADDRESS).find((m) => m.id === receipt.providerMessageId);
      expect(reply).toMatchObject({ replyToId: firstReceipt.providerMessageId, subject: 'Bumping this', toRecipients: [{ emailAddress: { address: 'ada@example.com', name: 'Ada Lovelace' } }] });
      expect(reply?.body?.content).toMatch(/href="https:\/\/api\.copilot\.test\/t\/c\//);
      expect(reply?.body?.content).toMatch(/\/t\/o\/[A-Za-z0-9_-]+\.gif/);
      const calls = microsoft.requests.filter((r) => r.at >= (microsoft.requests.find((q) => q.path.endsWith('/createReply'))?.at ?? 0)).map((r) => `${r.method} ${r.path.replace(/AAMk[\w-]+/g, ':id')}`);
      expect(calls).toEqual(expect.arrayContaining(['POST /v1.0/me/messages/:id/createReply', 'PATCH /v1.0/me/messages/:id', 'POST /v1.0/me/messages/:id/send']));
    });

    it('finds the first email by its Message-ID among sent items when its id is not known', async () => {
      const { transport } = mailbox();
      const first = await composed({ from: { address: ADDRESS } });
      const firstReceipt = await transport.send(first, journal());
      expect(await transport.find(first.messageIdHeader)).toEqual(firstReceipt);
      const followUp = await composed({ from: { address: ADDRESS }, thread: { first: first.emailId } });
      const receipt = await transport.send(followUp, journal());
      expect(receipt.threadId).toBe(firstReceipt.threadId);
      const lookup = microsoft.requests.filter((r) => r.path === '/v1.0/me/mailFolders/sentitems/messages').pop();
      expect(lookup?.query.get('$filter')).toBe(`internetMessageId eq '${first.messageIdHeader}'`);
    });

    it('resumes a send interrupted between creating the draft and sending it, without a second message', async () => {
      const { transport } = mailbox('resume@outlook.test');
      const email = await composed({ from: { address: 'resume@outlook.test' } });
      const j = journal();
      microsoft.failNext({ method: 'POST', path: /\/send$/, answer: { status: 503, headers: { 'retry-after': '3' }, body: { error: { code: 'ServiceUnavailable', message: 'try later' } } } });
      const error = await transport.send(email, j).catch((e: unknown) => e);
      expect(error).toMatchObject({ permanent: false, retryAfterMs: 3000 });
      expect(j.ids).toHaveLength(1);
      expect(await transport.find(email.messageIdHeader, { providerMessageId: j.ids[0] })).toBeNull();
      const receipt = await transport.send(email, { prior: { providerMessageId: j.ids[0] }, providerIdAssigned: j.providerIdAssigned });
      expect(receipt.providerMessageId).toBe(j.ids[0]);
      expect(j.ids).toHaveLength(1);
      expect(microsoft.messages('resume@outlook.test')).toHaveLength(1);
      expect(await transport.find(email.messageIdHeader, { providerMessageId: j.ids[0] })).toEqual(receipt);
    });

    it('answers a 429 with the Retry-After Graph asked for', async () => {
      const { transport } = mailbox();
      microsoft.failNext({ method: 'POST', path: /^\/v1\.0\/me\/messages$/, answer: { status: 429, headers: { 'retry-after': '17' }, body: { error: { code: 'ApplicationThrottled', message: 'Too many requests' } } } });
      const error = await transport.send(await composed({ from: { address: ADDRESS } }), journal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ permanent: false, retryAfterMs: 17_000 });
    });

    it('rotates the refresh token, and a revoked grant cannot be refreshed', async () => {
      const { transport, tokens } = mailbox('revoked@outlook.test');
      await transport.send(await composed({ from: { address: 'revoked@outlook.test' } }), journal());
      expect(tokens.refreshes).toBe(1);
      microsoft.revoke('revoked@outlook.test');
      const error = await transport.send(await composed({ from: { address: 'revoked@outlook.test' } }), journal()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailboxAuthError);
      expect(error).toMatchObject({ problem: 'REVOKED' });
    });
  });

  describe('reading the inbox with delta queries', () => {
    it('starts from now, follows nextLinks to the deltaLink, reads each message as MIME, and keeps the deltaLink', async () => {
      const { inbox } = mailbox('reader@outlook.test');
      microsoft.deliver('reader@outlook.test', 'Message-ID: <old@x>\r\nSubject: before we connected\r\n\r\nold');
      const cursor = await inbox.start(new Date());
      microsoft.deltaPageSize = 1;
      try {
        const a = microsoft.deliver('reader@outlook.test', 'Message-ID: <a@example.com>\r\nSubject: Re: hi\r\nFrom: Ada <ada@example.com>\r\n\r\nYes please\r\n');
        const b = microsoft.deliver('reader@outlook.test', 'Message-ID: <b@example.com>\r\nSubject: other\r\n\r\nx\r\n');
        const page = await inbox.changes(cursor);
        expect(page?.messages.map((m) => [m.providerMessageId, m.threadId])).toEqual([
          [a.id, a.conversationId],
          [b.id, b.conversationId],
        ]);
        expect((await parseIncomingEmail(page?.messages[0] as NonNullable<typeof page>['messages'][number])).snippet).toBe('Yes please');
        expect(page?.cursor).toMatch(/\$deltatoken=\d+$/);
        expect(await inbox.changes(page?.cursor ?? '')).toEqual({ messages: [], cursor: page?.cursor });
        expect(microsoft.requests.some((r) => r.query.has('$skiptoken'))).toBe(true);
      } finally {
        microsoft.deltaPageSize = 10;
      }
    });
  });
});
