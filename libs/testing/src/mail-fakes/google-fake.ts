import { randomBytes } from 'node:crypto';
import { FakeAnswer, HttpFake, RecordedRequest, ScriptedFailure, rawHeader, startHttpFake } from './http-fake';
import { OAuthFake } from './oauth-fake';

export type GmailFakeMessage = { id: string; threadId: string; labelIds: string[]; raw: Buffer; historyId: number; at: number };
type Account = { address: string; messages: Map<string, GmailFakeMessage>; historyId: number; oldestHistoryId: number };

const id = (bytes = 8) => randomBytes(bytes).toString('hex');
const GMAIL_SCOPE = 'https://www.googleapis.com/auth/gmail.send https://www.googleapis.com/auth/gmail.readonly';

/**
 * Google's OAuth endpoints and the Gmail API, enough of them for googleapis to connect a mailbox,
 * refresh its tokens, send raw MIME (threads included), search by Message-ID, and read the
 * inbox's history. It records every request and enforces bearer tokens and their expiry, so
 * tests see what the real client sent, and when.
 */
export class GoogleFake {
  readonly clientId = 'google-client-id.apps.googleusercontent.com';
  readonly clientSecret = 'google-client-secret';
  private readonly accounts = new Map<string, Account>();
  private readonly oauth = new OAuthFake({
    clientId: this.clientId,
    clientSecret: this.clientSecret,
    consentAddress: 'ada@gmail.test',
    newCode: () => `4/${id()}`,
    newAccessToken: () => `ya29.${id(12)}`,
    newRefreshToken: () => `1//refresh-${id()}`,
    scope: GMAIL_SCOPE,
    rotatesRefreshTokens: false,
    errors: {
      unknownClientPage: 'unknown client',
      invalidClient: { error: 'invalid_client' },
      badCode: 'Malformed auth code.',
      badVerifier: 'Invalid code verifier.',
      revoked: 'Token has been expired or revoked.',
    },
  });

  private constructor(private readonly http: HttpFake) {}

  static async start(): Promise<GoogleFake> {
    let fake: GoogleFake | null = null;
    const http = await startHttpFake((request) => (fake as GoogleFake).handle(request));
    fake = new GoogleFake(http);
    return fake;
  }

  get url(): string {
    return this.http.url;
  }

  get requests(): RecordedRequest[] {
    return this.http.requests;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** The settings our code is given to talk to this fake. */
  settings(redirectUrl = 'http://api.test/oauth/google/callback') {
    return {
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      redirectUrl,
      authorizeUrl: `${this.url}/o/oauth2/v2/auth`,
      tokenUrl: `${this.url}/token`,
      revokeUrl: `${this.url}/revoke`,
      gmailApiUrl: `${this.url}/`,
    };
  }

  failNext(failure: ScriptedFailure): void {
    this.http.failNext(failure);
  }

  /** Lifetime of the access tokens it issues. */
  get accessTokenTtlSeconds(): number {
    return this.oauth.accessTokenTtlSeconds;
  }

  set accessTokenTtlSeconds(seconds: number) {
    this.oauth.accessTokenTtlSeconds = seconds;
  }

  /** Whose Google account the next consent screen signs in with. */
  consentAs(address: string): void {
    this.oauth.consentAs(address);
  }

  private account(address: string): Account {
    let account = this.accounts.get(address);
    if (!account) {
      account = { address, messages: new Map(), historyId: 1000, oldestHistoryId: 1 };
      this.accounts.set(address, account);
    }
    return account;
  }

  /** A refresh token for the account, as if its owner had consented (for tests that skip the dance). */
  grant(address: string): string {
    return this.oauth.grant(address);
  }

  /** The owner removed our access (or changed their password): every refresh now fails. */
  revoke(address: string): void {
    this.oauth.revoke(address);
  }

  /** Messages sent through the API from this account, oldest first. */
  sent(address?: string): GmailFakeMessage[] {
    const all = address ? [this.account(address)] : [...this.accounts.values()];
    return all.flatMap((a) => [...a.messages.values()].filter((m) => m.labelIds.includes('SENT'))).sort((x, y) => x.at - y.at);
  }

  /** A message arrives in the account's inbox (in the given thread, or a new one). */
  deliver(address: string, raw: string | Buffer, threadId?: string): GmailFakeMessage {
    const account = this.account(address);
    const message: GmailFakeMessage = { id: id(), threadId: threadId ?? id(), labelIds: ['INBOX', 'UNREAD'], raw: Buffer.isBuffer(raw) ? raw : Buffer.from(raw), historyId: ++account.historyId, at: Date.now() };
    account.messages.set(message.id, message);
    return message;
  }

  /** History before `historyId` is gone (Gmail keeps about a week): older cursors get 404. */
  forgetHistoryBefore(address: string, historyId: number): void {
    this.account(address).oldestHistoryId = historyId;
  }

  historyIdOf(address: string): number {
    return this.account(address).historyId;
  }

  private handle(request: RecordedRequest): FakeAnswer {
    if (request.path === '/o/oauth2/v2/auth') return this.oauth.authorize(request);
    if (request.path === '/token' && request.method === 'POST') return this.oauth.token(request);
    if (request.path === '/revoke') {
      const token = request.query.get('token') ?? new URLSearchParams(request.body.toString('utf8')).get('token') ?? '';
      const address = this.oauth.ownerOf(token);
      if (!address) return { status: 400, body: { error: 'invalid_token' } };
      this.revoke(address);
      return { status: 200, body: {} };
    }
    const gmail = /^\/gmail\/v1\/users\/me\/(.+)$/.exec(request.path);
    if (!gmail) return { status: 404, body: { error: { code: 404, message: `no route ${request.path}` } } };
    const owner = this.oauth.bearerOwner(request);
    if (!owner) return { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } };
    return this.gmail(this.account(owner), request, gmail[1] as string);
  }

  private gmail(account: Account, request: RecordedRequest, route: string): FakeAnswer {
    if (route === 'profile') return { status: 200, body: { emailAddress: account.address, historyId: String(account.historyId), messagesTotal: account.messages.size } };
    if (route === 'messages/send' && request.method === 'POST') {
      const body = JSON.parse(request.body.toString('utf8')) as { raw?: string; threadId?: string };
      if (!body.raw) return { status: 400, body: { error: { code: 400, message: "'raw' RFC822 payload message string or uploading message via /upload/* URL required" } } };
      const known = body.threadId && [...account.messages.values()].some((m) => m.threadId === body.threadId);
      if (body.threadId && !known) return { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.' } } };
      const message: GmailFakeMessage = { id: id(), threadId: body.threadId ?? id(), labelIds: ['SENT'], raw: Buffer.from(body.raw, 'base64url'), historyId: ++account.historyId, at: Date.now() };
      account.messages.set(message.id, message);
      return { status: 200, body: { id: message.id, threadId: message.threadId, labelIds: message.labelIds } };
    }
    if (route === 'messages' && request.method === 'GET') {
      const wanted = /rfc822msgid:(\S+)/.exec(request.query.get('q') ?? '')?.[1];
      const found = [...account.messages.values()].filter((m) => !wanted || (rawHeader(m.raw, 'Message-ID') ?? '').replace(/^<|>$/g, '') === wanted.replace(/^<|>$/g, ''));
      return { status: 200, body: found.length ? { messages: found.map((m) => ({ id: m.id, threadId: m.threadId })), resultSizeEstimate: found.length } : { resultSizeEstimate: 0 } };
    }
    const single = /^messages\/([^/]+)$/.exec(route);
    if (single && request.method === 'GET') {
      const message = account.messages.get(single[1] as string);
      if (!message) return { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.' } } };
      return { status: 200, body: { id: message.id, threadId: message.threadId, labelIds: message.labelIds, historyId: String(message.historyId), raw: message.raw.toString('base64url') } };
    }
    if (route === 'history' && request.method === 'GET') {
      const start = Number(request.query.get('startHistoryId'));
      if (!Number.isFinite(start) || start < account.oldestHistoryId) return { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.' } } };
      const label = request.query.get('labelId');
      const added = [...account.messages.values()].filter((m) => m.historyId > start && (!label || m.labelIds.includes(label))).sort((a, b) => a.historyId - b.historyId);
      return {
        status: 200,
        body: {
          history: added.map((m) => ({ id: String(m.historyId), messages: [{ id: m.id, threadId: m.threadId }], messagesAdded: [{ message: { id: m.id, threadId: m.threadId, labelIds: m.labelIds } }] })),
          historyId: String(account.historyId),
        },
      };
    }
    return { status: 404, body: { error: { code: 404, message: `no route ${route}` } } };
  }
}
