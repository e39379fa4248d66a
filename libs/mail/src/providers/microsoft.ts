import { Client, Context, HTTPMessageHandler, Middleware, ResponseType } from '@microsoft/microsoft-graph-client';
import { MailboxAuthError, OutgoingEmail, SendJournal, SentReceipt, Transport, TransportError } from '../transport';
import { AccessTokenSource, httpFailure, transportErrorOf, withAccessToken } from './provider-errors';
import { MicrosoftSettings } from './provider-settings';
import { ConnectedAccount, InboxMessage, InboxPage, OAuthTokens } from './provider-types';

/** Send, create reply drafts, read the inbox; offline_access for a refresh token. */
export const GRAPH_SCOPES = ['offline_access', 'openid', 'email', 'https://graph.microsoft.com/User.Read', 'https://graph.microsoft.com/Mail.ReadWrite', 'https://graph.microsoft.com/Mail.Send'] as const;

/**
 * Adds the bearer token to requests for our Graph root only (the library's own handler only
 * knows Microsoft's public hosts, and a token must never go to any other host).
 */
class BearerToken implements Middleware {
  private next: Middleware | undefined;
  constructor(
    private readonly token: string,
    private readonly root: string,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (url.startsWith(`${this.root}/`)) {
      const options = (context.options ??= {});
      const headers = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set('Authorization', `Bearer ${this.token}`);
      options.headers = headers;
    }
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * A Graph client with our retry policy (none inside: a 429's Retry-After is honoured by the
 * delivery queue), immutable ids (a draft keeps its id once sent, so an interrupted send can
 * be looked up by it), and the configured root.
 */
export function graphClient(settings: Pick<MicrosoftSettings, 'graphUrl'>, accessToken: string): Client {
  return Client.initWithMiddleware({ baseUrl: settings.graphUrl, defaultVersion: 'v1.0', middleware: [new BearerToken(accessToken, settings.graphUrl), new HTTPMessageHandler()] });
}

/** A link Graph handed back (nextLink, deltaLink), as a path the client resolves against its root. */
export function graphPath(link: string, settings: Pick<MicrosoftSettings, 'graphUrl'>): string {
  for (const root of [`${settings.graphUrl}/v1.0`, 'https://graph.microsoft.com/v1.0']) if (link.startsWith(root)) return link.slice(root.length);
  return link;
}

const IMMUTABLE_IDS = 'IdType="ImmutableId"';

type TokenAnswer = { access_token?: string; refresh_token?: string; expires_in?: number; scope?: string; error?: string; error_description?: string };

/**
 * OAuth 2.0 with the Microsoft identity platform (v2 endpoints): the authorization code flow
 * with PKCE for a confidential client, then Graph's /me for the mailbox's address.
 */
export class MicrosoftOAuth {
  constructor(private readonly settings: MicrosoftSettings) {}

  private endpoint(kind: 'authorize' | 'token'): string {
    return `${this.settings.loginUrl}/${this.settings.tenant}/oauth2/v2.0/${kind}`;
  }

  authorizeUrl(input: { state: string; codeChallenge: string; loginHint?: string }): string {
    const params = new URLSearchParams({
      client_id: this.settings.clientId,
      response_type: 'code',
      redirect_uri: this.settings.redirectUrl,
      response_mode: 'query',
      scope: GRAPH_SCOPES.join(' '),
      state: input.state,
      code_challenge: input.codeChallenge,
      code_challenge_method: 'S256',
      prompt: 'select_account',
    });
    if (input.loginHint) params.set('login_hint', input.loginHint);
    return `${this.endpoint('authorize')}?${params.toString()}`;
  }

  private async token(form: Record<string, string>, now: number): Promise<OAuthTokens> {
    let response: Response;
    try {
      response = await fetch(this.endpoint('token'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ client_id: this.settings.clientId, client_secret: this.settings.clientSecret, scope: GRAPH_SCOPES.join(' '), ...form }).toString(),
      });
    } catch (error) {
      throw new TransportError(`microsoft-oauth: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    const answer = (await response.json().catch(() => ({}))) as TokenAnswer;
    if (!response.ok || !answer.access_token) {
      const detail = `${answer.error ?? response.status}: ${(answer.error_description ?? '').split(/\r?\n/)[0]}`.slice(0, 500);
      // invalid_grant: revoked, expired (90 days unused), password reset, consent withdrawn.
      if (answer.error === 'invalid_grant' || answer.error === 'interaction_required') throw new MailboxAuthError(`Microsoft: the grant is no longer valid (${detail})`, 'REVOKED');
      if (response.status === 429 || response.status >= 500) throw new TransportError(`microsoft-oauth: ${detail}`, false);
      throw new Error(`Microsoft refused the token request (${detail})`);
    }
    return {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt: new Date(now + (answer.expires_in ?? 3600) * 1000).toISOString(),
      scope: answer.scope,
    };
  }

  async exchange(code: string, codeVerifier: string, now: number = Date.now()): Promise<ConnectedAccount> {
    const tokens = await this.token({ grant_type: 'authorization_code', code, redirect_uri: this.settings.redirectUrl, code_verifier: codeVerifier }, now);
    if (!tokens.refreshToken) throw new Error('Microsoft issued no refresh token: the app must ask for offline_access');
    const me = (await graphClient(this.settings, tokens.accessToken).api('/me').select(['mail', 'userPrincipalName', 'displayName']).get()) as {
      mail?: string | null;
      userPrincipalName?: string;
      displayName?: string;
    };
    const address = me.mail ?? me.userPrincipalName;
    if (!address) throw new Error('Microsoft Graph did not say which address this mailbox has');
    return { address, displayName: me.displayName || undefined, tokens: { ...tokens, refreshToken: tokens.refreshToken } };
  }

  /** Microsoft rotates refresh tokens: keep the one it returns. */
  refresh(refreshToken: string, now: number = Date.now()): Promise<OAuthTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }, now);
  }
}

type GraphMessage = { id?: string; conversationId?: string; internetMessageId?: string; isDraft?: boolean; '@removed'?: unknown };
const odataString = (value: string) => value.replace(/'/g, "''");

/**
 * Sends through Microsoft Graph. A first email is created as a draft from our MIME (headers as
 * written: Message-ID, List-Unsubscribe, one-click) and then sent; a follow-up is a reply in the
 * first email's conversation (`createReply`, our content, `send`), because the JSON of a
 * message cannot carry arbitrary headers and only a reply keeps the conversation in Outlook.
 * Either way the draft's immutable id is journaled before the send, so a retry after a crash
 * looks it up and sends it, or sees it was sent, instead of creating a second message.
 */
export class GraphTransport implements Transport {
  readonly name = 'graph';

  constructor(private readonly options: { settings: Pick<MicrosoftSettings, 'graphUrl'>; tokens: AccessTokenSource }) {}

  private raw<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return withAccessToken('graph', this.options.tokens, (token) => work(graphClient(this.options.settings, token)));
  }

  private call<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return this.raw(work).catch((error: unknown) => Promise.reject(transportErrorOf('graph', error)));
  }

  /** A message by its immutable id; null when there is none (deleted, or never created). */
  private async message(id: string): Promise<GraphMessage | null> {
    try {
      return (await this.raw((client) => client.api(`/me/messages/${encodeURIComponent(id)}`).header('Prefer', IMMUTABLE_IDS).select(['id', 'isDraft', 'conversationId', 'internetMessageId']).get())) as GraphMessage;
    } catch (error) {
      if (httpFailure(error).status === 404) return null;
      throw transportErrorOf('graph', error);
    }
  }

  private receipt(message: GraphMessage, fallbackHeader: string): SentReceipt {
    return { transport: this.name, providerMessageId: message.id as string, messageIdHeader: message.internetMessageId ?? fallbackHeader, threadId: message.conversationId };
  }

  /** The first email's message, for a reply in its conversation: by its id, else by its Message-ID among sent items. */
  private async original(thread: NonNullable<OutgoingEmail['thread']>): Promise<GraphMessage | null> {
    if (thread.providerMessageId) {
      const byId = await this.message(thread.providerMessageId);
      if (byId?.id) return byId;
    }
    return this.bySentMessageId(thread.inReplyTo);
  }

  private async bySentMessageId(messageIdHeader: string): Promise<GraphMessage | null> {
    const found = (await this.call((client) =>
      client
        .api('/me/mailFolders/sentitems/messages')
        .header('Prefer', IMMUTABLE_IDS)
        .filter(`internetMessageId eq '${odataString(messageIdHeader)}'`)
        .select(['id', 'isDraft', 'conversationId', 'internetMessageId'])
        .top(1)
        .get(),
    )) as { value?: GraphMessage[] };
    return found.value?.[0] ?? null;
  }

  private async draft(message: OutgoingEmail): Promise<GraphMessage> {
    const original = message.thread && message.content ? await this.original(message.thread) : null;
    if (original?.id && message.content) {
      const reply = (await this.call((client) => client.api(`/me/messages/${encodeURIComponent(original.id as string)}/createReply`).header('Prefer', IMMUTABLE_IDS).post({}))) as GraphMessage;
      if (!reply.id) throw new TransportError('graph: createReply answered without a draft id', false);
      const { to, subject, html } = message.content;
      await this.call((client) =>
        client
          .api(`/me/messages/${encodeURIComponent(reply.id as string)}`)
          .header('Prefer', IMMUTABLE_IDS)
          .patch({ subject, body: { contentType: 'html', content: html }, toRecipients: [{ emailAddress: { address: to.address, name: to.name } }] }),
      );
      return reply;
    }
    // Graph takes MIME as base64 text; our headers, threading ones included, go as written.
    const created = (await this.call((client) =>
      client.api('/me/messages').header('Prefer', IMMUTABLE_IDS).header('Content-Type', 'text/plain').post(message.raw.toString('base64')),
    )) as GraphMessage;
    if (!created.id) throw new TransportError('graph: creating the message answered without an id', false);
    return created;
  }

  async send(message: OutgoingEmail, journal?: SendJournal): Promise<SentReceipt> {
    const prior = journal?.prior?.providerMessageId ? await this.message(journal.prior.providerMessageId) : null;
    if (prior?.id && prior.isDraft === false) return this.receipt(prior, message.messageIdHeader);
    const draft = prior?.id ? prior : await this.draft(message);
    if (!prior?.id) await journal?.providerIdAssigned(draft.id as string);
    await this.call((client) => client.api(`/me/messages/${encodeURIComponent(draft.id as string)}/send`).post(undefined));
    const sent = await this.message(draft.id as string).catch(() => null);
    return this.receipt(sent?.id ? sent : draft, message.messageIdHeader);
  }

  async find(messageIdHeader: string, prior?: { providerMessageId?: string }): Promise<SentReceipt | null> {
    if (prior?.providerMessageId) {
      const known = await this.message(prior.providerMessageId);
      // A draft a previous attempt created but did not send: `send` resumes it.
      return known?.id && known.isDraft === false ? this.receipt(known, messageIdHeader) : null;
    }
    const found = await this.bySentMessageId(messageIdHeader);
    return found?.id && found.isDraft !== true ? this.receipt(found, messageIdHeader) : null;
  }
}

/**
 * Reads the inbox with a delta query (`/me/mailFolders/inbox/messages/delta`), keeping the
 * deltaLink as the cursor; each new message is read whole as MIME (`/$value`).
 */
export class GraphInbox {
  constructor(private readonly options: { settings: Pick<MicrosoftSettings, 'graphUrl'>; tokens: AccessTokenSource }) {}

  private call<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return withAccessToken('graph', this.options.tokens, (token) => work(graphClient(this.options.settings, token)));
  }

  private async pages(first: string): Promise<{ messages: GraphMessage[]; deltaLink: string | null }> {
    const messages: GraphMessage[] = [];
    let link: string | null = first;
    for (let pages = 0; link && pages < 50; pages++) {
      const path: string = graphPath(link, this.options.settings);
      const page = (await this.call((client) => client.api(path).header('Prefer', IMMUTABLE_IDS).get())) as { value?: GraphMessage[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
      messages.push(...(page.value ?? []));
      if (page['@odata.deltaLink']) return { messages, deltaLink: page['@odata.deltaLink'] };
      link = page['@odata.nextLink'] ?? null;
    }
    return { messages, deltaLink: link };
  }

  /** The first cursor: a delta over messages received from `since` on (older mail is not ours). */
  async start(since: Date): Promise<string> {
    const filter = encodeURIComponent(`receivedDateTime ge ${since.toISOString()}`);
    const { deltaLink } = await this.pages(`/me/mailFolders/inbox/messages/delta?$select=id,conversationId,internetMessageId,isDraft&$filter=${filter}`);
    if (!deltaLink) throw new Error('graph: the delta query gave no deltaLink');
    return deltaLink;
  }

  async changes(cursor: string): Promise<InboxPage | null> {
    let result: { messages: GraphMessage[]; deltaLink: string | null };
    try {
      result = await this.pages(cursor);
    } catch (error) {
      // 410 Gone: the delta token expired; start afresh.
      if (httpFailure(error).status === 410) return null;
      throw error;
    }
    const messages: InboxMessage[] = [];
    for (const m of result.messages) {
      if (!m.id || m['@removed'] || m.isDraft) continue;
      try {
        const raw = await this.call(async (client) => {
          const response = (await client.api(`/me/messages/${encodeURIComponent(m.id as string)}/$value`).responseType(ResponseType.ARRAYBUFFER).get()) as ArrayBuffer | string;
          return typeof response === 'string' ? Buffer.from(response) : Buffer.from(response);
        });
        messages.push({ providerMessageId: m.id, threadId: m.conversationId, raw });
      } catch (error) {
        if (httpFailure(error).status !== 404) throw error;
      }
    }
    return { messages, cursor: result.deltaLink ?? cursor };
  }
}
