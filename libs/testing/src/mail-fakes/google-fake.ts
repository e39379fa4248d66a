import { createHash, randomBytes } from 'node:crypto';
import { FakeAnswer, HttpFake, RecordedRequest, ScriptedFailure, bearerOf, rawHeader, startHttpFake } from './http-fake';

export type GmailFakeMessage = { id: string; threadId: string; labelIds: string[]; raw: Buffer; historyId: number; at: number };
type Account = { address: string; messages: Map<string, GmailFakeMessage>; historyId: number; oldestHistoryId: number; revoked: boolean };

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
  /** Lifetime of the access tokens it issues. */
  accessTokenTtlSeconds = 3600;
  private readonly accounts = new Map<string, Account>();
  private readonly accessTokens = new Map<string, { address: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly codes = new Map<string, { address: string; challenge: string | null; redirectUri: string }>();
  private consentAddress = 'ada@gmail.test';

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

  /** Whose Google account the next consent screen signs in with. */
  consentAs(address: string): void {
    this.consentAddress = address;
  }

  private account(address: string): Account {
    let account = this.accounts.get(address);
    if (!account) {
      account = { address, messages: new Map(), historyId: 1000, oldestHistoryId: 1, revoked: false };
      this.accounts.set(address, account);
    }
    return account;
  }

  /** A refresh token for the account, as if its owner had consented (for tests that skip the dance). */
  grant(address: string): string {
    const token = `1//refresh-${id()}`;
    this.refreshTokens.set(token, address);
    this.account(address).revoked = false;
    return token;
  }

  /** The owner removed our access (or changed their password): every refresh now fails. */
  revoke(address: string): void {
    this.account(address).revoked = true;
    for (const [token, owner] of this.accessTokens) if (owner.address === address) this.accessTokens.delete(token);
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

  private issueAccessToken(address: string): { access_token: string; expires_in: number; token_type: string; scope: string } {
    const token = `ya29.${id(12)}`;
    this.accessTokens.set(token, { address, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    return { access_token: token, expires_in: this.accessTokenTtlSeconds, token_type: 'Bearer', scope: GMAIL_SCOPE };
  }

  private token(request: RecordedRequest): FakeAnswer {
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
    if (form.get('grant_type') === 'authorization_code') {
      const grant = this.codes.get(form.get('code') ?? '');
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return { status: 400, body: { error: 'invalid_grant', error_description: 'Malformed auth code.' } };
      const verifier = form.get('code_verifier');
      if (grant.challenge && createHash('sha256').update(verifier ?? '').digest('base64url') !== grant.challenge) return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' } };
      this.codes.delete(form.get('code') ?? '');
      return { status: 200, body: { ...this.issueAccessToken(grant.address), refresh_token: this.grant(grant.address) } };
    }
    if (form.get('grant_type') === 'refresh_token') {
      const address = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!address || this.account(address).revoked) return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
      return { status: 200, body: this.issueAccessToken(address) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  private handle(request: RecordedRequest): FakeAnswer {
    if (request.path === '/o/oauth2/v2/auth') {
      const q = request.query;
      if (q.get('client_id') !== this.clientId) return { status: 400, body: 'unknown client' };
      const code = `4/${id()}`;
      const redirectUri = q.get('redirect_uri') ?? '';
      this.codes.set(code, { address: this.consentAddress, challenge: q.get('code_challenge'), redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return { status: 302, headers: { location: back.toString() } };
    }
    if (request.path === '/token' && request.method === 'POST') return this.token(request);
    if (request.path === '/revoke') {
      const token = request.query.get('token') ?? new URLSearchParams(request.body.toString('utf8')).get('token') ?? '';
      const address = this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.address;
      if (!address) return { status: 400, body: { error: 'invalid_token' } };
      this.revoke(address);
      return { status: 200, body: {} };
    }
    const gmail = /^\/gmail\/v1\/users\/me\/(.+)$/.exec(request.path);
    if (!gmail) return { status: 404, body: { error: { code: 404, message: `no route ${request.path}` } } };
    const bearer = bearerOf(request);
    const grant = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!grant || grant.expiresAt <= Date.now()) return { status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } };
    return this.gmail(this.account(grant.address), request, gmail[1] as string);
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
