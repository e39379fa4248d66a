import { randomBytes } from 'node:crypto';
import { FakeAnswer, HttpFake, RecordedRequest, ScriptedFailure, rawHeader, startHttpFake } from './http-fake';
import { OAuthFake } from './oauth-fake';

export type GraphFakeMessage = {
  id: string;
  conversationId: string;
  internetMessageId: string;
  isDraft: boolean;
  folder: 'drafts' | 'sentitems' | 'inbox';
  /** MIME, for messages created from MIME or delivered to the inbox. */
  raw: Buffer | null;
  subject: string;
  body: { contentType: string; content: string } | null;
  toRecipients: { emailAddress: { address: string; name?: string } }[];
  /** createReply: the message this draft replies to. */
  replyToId: string | null;
  seq: number;
  sentAt: number | null;
};
type Account = { address: string; displayName: string; messages: Map<string, GraphFakeMessage> };

const token = (bytes = 12) => randomBytes(bytes).toString('base64url');

/**
 * The Microsoft identity platform's token endpoint and the part of Microsoft Graph a mailbox
 * uses: /me, messages created from MIME, createReply, PATCH, send, sent items filtered by
 * internetMessageId, and delta queries on the inbox. Records every request; enforces bearer
 * tokens and their expiry; rotates refresh tokens like the real service.
 */
export class MicrosoftFake {
  readonly clientId = '00000000-0000-4000-8000-00000000c11e';
  readonly clientSecret = 'microsoft-client-secret';
  readonly tenant = 'common';
  /** Messages per delta page (set low to make the poller follow nextLinks). */
  deltaPageSize = 10;
  private seq = 0;
  private readonly accounts = new Map<string, Account>();
  private readonly oauth = new OAuthFake({
    clientId: this.clientId,
    clientSecret: this.clientSecret,
    consentAddress: 'grace@outlook.test',
    newCode: () => `0.A${token()}`,
    newAccessToken: () => `eyJ0eXAi.${token(16)}`,
    newRefreshToken: () => `M.R3_${token()}`,
    scope: 'https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Mail.Send https://graph.microsoft.com/User.Read',
    rotatesRefreshTokens: true,
    checkForm: (form) => ((form.get('scope') ?? '').includes('offline_access') ? null : { status: 400, body: { error: 'invalid_scope' } }),
    errors: {
      unknownClientPage: 'AADSTS700016: application not found',
      invalidClient: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' },
      badCode: 'AADSTS70008: The provided authorization code or refresh token has expired.',
      badVerifier: 'AADSTS501481: The Code_Verifier does not match the code_challenge.',
      revoked: 'AADSTS50173: The provided grant has expired due to it being revoked.',
    },
  });

  private constructor(private readonly http: HttpFake) {}

  static async start(): Promise<MicrosoftFake> {
    let fake: MicrosoftFake | null = null;
    const http = await startHttpFake((request) => (fake as MicrosoftFake).handle(request));
    fake = new MicrosoftFake(http);
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

  settings(redirectUrl = 'http://api.test/oauth/microsoft/callback') {
    return { clientId: this.clientId, clientSecret: this.clientSecret, tenant: this.tenant, redirectUrl, loginUrl: this.url, graphUrl: this.url };
  }

  failNext(failure: ScriptedFailure): void {
    this.http.failNext(failure);
  }

  get accessTokenTtlSeconds(): number {
    return this.oauth.accessTokenTtlSeconds;
  }

  set accessTokenTtlSeconds(seconds: number) {
    this.oauth.accessTokenTtlSeconds = seconds;
  }

  consentAs(address: string): void {
    this.oauth.consentAs(address);
  }

  private account(address: string): Account {
    let account = this.accounts.get(address);
    if (!account) {
      account = { address, displayName: address.split('@')[0] ?? address, messages: new Map() };
      this.accounts.set(address, account);
    }
    return account;
  }

  grant(address: string): string {
    return this.oauth.grant(address);
  }

  revoke(address: string): void {
    this.oauth.revoke(address);
  }

  messages(address: string): GraphFakeMessage[] {
    return [...this.account(address).messages.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Messages sent from the account, in the order they were sent. */
  sent(address?: string): GraphFakeMessage[] {
    const all = address ? [this.account(address)] : [...this.accounts.values()];
    return all.flatMap((a) => [...a.messages.values()].filter((m) => m.folder === 'sentitems')).sort((x, y) => (x.sentAt ?? 0) - (y.sentAt ?? 0));
  }

  /** A message arrives in the inbox (its conversation: the given one, or that of the message it replies to). */
  deliver(address: string, raw: string | Buffer, conversationId?: string): GraphFakeMessage {
    const account = this.account(address);
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    const inReplyTo = rawHeader(bytes, 'In-Reply-To');
    const parent = inReplyTo ? [...account.messages.values()].find((m) => m.internetMessageId === inReplyTo) : undefined;
    const message: GraphFakeMessage = {
      id: `AAMk${token()}`,
      conversationId: conversationId ?? parent?.conversationId ?? `AAQk${token()}`,
      internetMessageId: rawHeader(bytes, 'Message-ID') ?? `<${token()}@outlook.test>`,
      isDraft: false,
      folder: 'inbox',
      raw: bytes,
      subject: rawHeader(bytes, 'Subject') ?? '',
      body: null,
      toRecipients: [],
      replyToId: null,
      seq: ++this.seq,
      sentAt: null,
    };
    account.messages.set(message.id, message);
    return message;
  }

  private handle(request: RecordedRequest): FakeAnswer {
    const login = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(request.path);
    if (login?.[2] === 'authorize') return this.oauth.authorize(request);
    if (login?.[2] === 'token' && request.method === 'POST') return this.oauth.token(request);
    const graph = /^\/v1\.0\/me(\/.*)?$/.exec(request.path);
    if (!graph) return { status: 404, body: { error: { code: 'NotFound', message: `no route ${request.path}` } } };
    const owner = this.oauth.bearerOwner(request);
    if (!owner) return { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } } };
    return this.graph(this.account(owner), request, graph[1] ?? '');
  }

  private view(m: GraphFakeMessage) {
    return { id: m.id, conversationId: m.conversationId, internetMessageId: m.internetMessageId, isDraft: m.isDraft, subject: m.subject, parentFolderId: m.folder };
  }

  private graph(account: Account, request: RecordedRequest, route: string): FakeAnswer {
    const notFound: FakeAnswer = { status: 404, body: { error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' } } };
    if (route === '') return { status: 200, body: { mail: account.address, userPrincipalName: account.address, displayName: account.displayName } };
    if (route === '/messages' && request.method === 'POST') {
      const raw = Buffer.from(request.body.toString('utf8'), 'base64');
      const inReplyTo = rawHeader(raw, 'In-Reply-To');
      const parent = inReplyTo ? [...account.messages.values()].find((m) => m.internetMessageId === inReplyTo) : undefined;
      const message: GraphFakeMessage = {
        id: `AAMk${token()}`,
        conversationId: parent?.conversationId ?? `AAQk${token()}`,
        internetMessageId: rawHeader(raw, 'Message-ID') ?? `<${token()}@outlook.test>`,
        isDraft: true,
        folder: 'drafts',
        raw,
        subject: rawHeader(raw, 'Subject') ?? '',
        body: null,
        toRecipients: [],
        replyToId: null,
        seq: ++this.seq,
        sentAt: null,
      };
      account.messages.set(message.id, message);
      return { status: 201, body: this.view(message) };
    }
    const item = /^\/messages\/([^/]+)(\/(createReply|send|\$value))?$/.exec(route);
    if (item) {
      const message = account.messages.get(item[1] as string);
      if (!message) return notFound;
      const action = item[3];
      if (action === 'createReply' && request.method === 'POST') {
        const reply: GraphFakeMessage = {
          id: `AAMk${token()}`,
          conversationId: message.conversationId,
          internetMessageId: `<${token()}@outlook.test>`,
          isDraft: true,
          folder: 'drafts',
          raw: null,
          subject: `RE: ${message.subject}`,
          body: { contentType: 'html', content: '<p>(quoted original)</p>' },
          toRecipients: [],
          replyToId: message.id,
          seq: ++this.seq,
          sentAt: null,
        };
        account.messages.set(reply.id, reply);
        return { status: 201, body: this.view(reply) };
      }
      if (action === 'send' && request.method === 'POST') {
        if (!message.isDraft) return { status: 400, body: { error: { code: 'ErrorInvalidOperation', message: 'The message has already been sent.' } } };
        Object.assign(message, { isDraft: false, folder: 'sentitems', sentAt: Date.now() + this.seq / 1000 });
        return { status: 202 };
      }
      if (action === '$value' && request.method === 'GET') return message.raw ? { status: 200, body: message.raw, headers: { 'content-type': 'text/plain' } } : notFound;
      if (!action && request.method === 'PATCH') {
        if (!message.isDraft) return { status: 400, body: { error: { code: 'ErrorInvalidOperation', message: 'Only drafts can be changed.' } } };
        const patch = JSON.parse(request.body.toString('utf8')) as Partial<Pick<GraphFakeMessage, 'subject' | 'body' | 'toRecipients'>>;
        Object.assign(message, patch);
        return { status: 200, body: this.view(message) };
      }
      if (!action && request.method === 'GET') return { status: 200, body: this.view(message) };
    }
    if (route === '/mailFolders/sentitems/messages' && request.method === 'GET') {
      const wanted = /internetMessageId eq '(.*)'/.exec(request.query.get('$filter') ?? '')?.[1]?.replace(/''/g, "'");
      const found = [...account.messages.values()].filter((m) => m.folder === 'sentitems' && (!wanted || m.internetMessageId === wanted));
      return { status: 200, body: { value: found.map((m) => this.view(m)) } };
    }
    if (route === '/mailFolders/inbox/messages/delta' && request.method === 'GET') {
      const deltaToken = request.query.get('$deltatoken');
      const skipToken = request.query.get('$skiptoken');
      const since = request.query.get('$filter') ? Date.parse(/receivedDateTime ge (\S+)/.exec(request.query.get('$filter') ?? '')?.[1] ?? '') : NaN;
      // Tokens are "<after seq>" (delta) or "<after seq>.<until seq>" (paging within one round).
      const [afterText, untilText] = (skipToken ?? deltaToken ?? '').split('.');
      const after = Number.isNaN(since) ? Number(afterText || 0) : this.seq;
      const until = untilText ? Number(untilText) : this.seq;
      const changed = [...account.messages.values()].filter((m) => m.folder === 'inbox' && m.seq > after && m.seq <= until).sort((a, b) => a.seq - b.seq);
      const page = changed.slice(0, this.deltaPageSize);
      const base = `${this.url}/v1.0/me/mailFolders/inbox/messages/delta`;
      const last = page[page.length - 1];
      const more = changed.length > page.length && last;
      return {
        status: 200,
        body: {
          value: page.map((m) => this.view(m)),
          ...(more ? { '@odata.nextLink': `${base}?$skiptoken=${last.seq}.${until}` } : { '@odata.deltaLink': `${base}?$deltatoken=${until}` }),
        },
      };
    }
    return { status: 404, body: { error: { code: 'NotFound', message: `no route ${route}` } } };
  }
}
