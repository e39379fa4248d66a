import { auth as googleAuth, gmail, gmail_v1 } from 'googleapis/build/src/apis/gmail';
import { MailboxAuthError, OutgoingEmail, SentReceipt, Transport, TransportError } from '../transport';
import { AccessTokenSource, httpFailure, transportErrorOf, withAccessToken } from './provider-errors';
import { GoogleSettings } from './provider-settings';
import { ConnectedAccount, InboxMessage, InboxPage, OAuthTokens } from './provider-types';

/**
 * Send, and read the inbox for replies and bounces. gmail.readonly (not gmail.metadata) because
 * matching a reply needs the raw message and searching by Message-ID needs `q`.
 */
export const GMAIL_SCOPES = ['https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/gmail.readonly'] as const;

type OAuth2Client = InstanceType<typeof googleAuth.OAuth2>;

/** The grant cannot be used any more (`invalid_grant`: revoked, expired, password changed). */
const isInvalidGrant = (error: unknown) => httpFailure(error).code === 'invalid_grant' || /invalid_grant/.test(httpFailure(error).message);

const expiry = (expiresAtMs: number | null | undefined, now: number) => new Date(expiresAtMs ?? now + 3600_000).toISOString();

/**
 * Node's own fetch: gaxios otherwise imports node-fetch (an ES module) on first use, which
 * a CommonJS test runner cannot load, and one HTTP stack is enough.
 */
const transporterOptions = { fetchImplementation: fetch };

function gmailClient(settings: Pick<GoogleSettings, 'gmailApiUrl'>, accessToken: string): gmail_v1.Gmail {
  const auth = new googleAuth.OAuth2({ transporterOptions });
  auth.setCredentials({ access_token: accessToken });
  // Retries are ours (with the wait the provider asks for); the library must not retry a send.
  return gmail({ version: 'v1', auth, rootUrl: settings.gmailApiUrl, retry: false, fetchImplementation: fetch });
}

/** Google's OAuth 2.0 for Gmail, through googleapis' OAuth2 client. */
export class GoogleOAuth {
  constructor(private readonly settings: GoogleSettings) {}

  private client(): OAuth2Client {
    const { clientId, clientSecret, redirectUrl, authorizeUrl, tokenUrl, revokeUrl } = this.settings;
    return new googleAuth.OAuth2({
      clientId,
      clientSecret,
      redirectUri: redirectUrl,
      endpoints: { oauth2AuthBaseUrl: authorizeUrl, oauth2TokenUrl: tokenUrl, oauth2RevokeUrl: revokeUrl },
      transporterOptions,
    });
  }

  /** Offline access (a refresh token) and the consent screen every time, so one is always issued. */
  authorizeUrl(input: { state: string; codeChallenge: string; loginHint?: string }): string {
    return this.client().generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [...GMAIL_SCOPES],
      include_granted_scopes: true,
      state: input.state,
      code_challenge: input.codeChallenge,
      // The library's enum type; the wire value is the string.
      code_challenge_method: 'S256' as never,
      login_hint: input.loginHint,
    });
  }

  /** Exchanges the callback's code, then asks Gmail whose mailbox it is. */
  async exchange(code: string, codeVerifier: string, now: number = Date.now()): Promise<ConnectedAccount> {
    const { tokens } = await this.client().getToken({ code, codeVerifier });
    if (!tokens.access_token) throw new Error('Google answered the code exchange without an access token');
    if (!tokens.refresh_token) throw new Error('Google issued no refresh token: remove the app from https://myaccount.google.com/permissions and connect again');
    const granted = (tokens.scope ?? '').split(/\s+/);
    const missing = GMAIL_SCOPES.filter((s) => !granted.includes(s));
    if (tokens.scope && missing.length) throw new Error(`Google granted too little: allow ${missing.join(' and ')} on the consent screen`);
    const profile = await gmailClient(this.settings, tokens.access_token).users.getProfile({ userId: 'me' });
    const address = profile.data.emailAddress;
    if (!address) throw new Error('Gmail did not say which address this mailbox has');
    return {
      address,
      tokens: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: expiry(tokens.expiry_date, now), scope: tokens.scope },
    };
  }

  /** A new access token; a MailboxAuthError REVOKED when Google says the grant is gone. */
  async refresh(refreshToken: string, now: number = Date.now()): Promise<OAuthTokens> {
    const client = this.client();
    client.setCredentials({ refresh_token: refreshToken });
    try {
      const { credentials } = await client.refreshAccessToken();
      if (!credentials.access_token) throw new Error('Google answered the refresh without an access token');
      return { accessToken: credentials.access_token, refreshToken: credentials.refresh_token ?? undefined, expiresAt: expiry(credentials.expiry_date, now), scope: credentials.scope };
    } catch (error) {
      if (isInvalidGrant(error)) throw new MailboxAuthError('Google: the grant was revoked or has expired (invalid_grant)', 'REVOKED');
      throw transportErrorOf('google-oauth', error);
    }
  }

  /** Revokes the grant at Google (on a user's disconnect); a grant already gone is fine. */
  async revoke(token: string): Promise<void> {
    await this.client()
      .revokeToken(token)
      .catch((error: unknown) => {
        if (httpFailure(error).status === 400) return;
        throw error;
      });
  }
}

const base64url = (raw: Buffer) => raw.toString('base64url');
const bare = (messageIdHeader: string) => messageIdHeader.trim().replace(/^<|>$/g, '');

/**
 * Sends raw MIME with `users.messages.send` (our headers as written: Message-ID, List-Unsubscribe,
 * In-Reply-To/References). A follow-up names the first email's `threadId`, so it lands in the
 * same conversation in the sender's Gmail too. `find` searches by `rfc822msgid:`.
 */
export class GmailTransport implements Transport {
  readonly name = 'gmail';

  constructor(private readonly options: { settings: Pick<GoogleSettings, 'gmailApiUrl'>; tokens: AccessTokenSource }) {}

  private call<T>(work: (client: gmail_v1.Gmail) => Promise<T>): Promise<T> {
    return withAccessToken('gmail', this.options.tokens, (token) => work(gmailClient(this.options.settings, token))).catch((error: unknown) =>
      Promise.reject(transportErrorOf('gmail', error)),
    );
  }

  async send(message: OutgoingEmail): Promise<SentReceipt> {
    const sent = await this.call((client) =>
      client.users.messages.send({ userId: 'me', requestBody: { raw: base64url(message.raw), threadId: message.thread?.providerThreadId } }),
    );
    if (!sent.data.id) throw new TransportError('gmail: the send was answered without a message id', false);
    return { transport: this.name, providerMessageId: sent.data.id, messageIdHeader: message.messageIdHeader, threadId: sent.data.threadId ?? undefined };
  }

  async find(messageIdHeader: string): Promise<SentReceipt | null> {
    const found = await this.call((client) => client.users.messages.list({ userId: 'me', q: `rfc822msgid:${bare(messageIdHeader)}`, includeSpamTrash: true, maxResults: 1 }));
    const first = found.data.messages?.[0];
    if (!first?.id) return null;
    return { transport: this.name, providerMessageId: first.id, messageIdHeader, threadId: first.threadId ?? undefined };
  }
}

/**
 * Reads new inbox messages with `users.history.list` from the last history id. A cursor Gmail
 * no longer knows (history is kept about a week) answers 404: the poller starts afresh.
 */
export class GmailInbox {
  constructor(private readonly options: { settings: Pick<GoogleSettings, 'gmailApiUrl'>; tokens: AccessTokenSource }) {}

  private call<T>(work: (client: gmail_v1.Gmail) => Promise<T>): Promise<T> {
    return withAccessToken('gmail', this.options.tokens, (token) => work(gmailClient(this.options.settings, token)));
  }

  /** The cursor to start from: the mailbox's current history id (older mail is not ours to read). */
  async start(): Promise<string> {
    const profile = await this.call((client) => client.users.getProfile({ userId: 'me' }));
    if (!profile.data.historyId) throw new Error('gmail: the profile has no history id');
    return profile.data.historyId;
  }

  /** Messages added to the inbox since `cursor`, and the cursor after them; null when the cursor is too old. */
  async changes(cursor: string, limit = 200): Promise<InboxPage | null> {
    const ids = new Map<string, string | undefined>();
    let next = cursor;
    let pageToken: string | undefined;
    try {
      do {
        const page = await this.call((client) => client.users.history.list({ userId: 'me', startHistoryId: cursor, historyTypes: ['messageAdded'], labelId: 'INBOX', pageToken, maxResults: 500 }));
        for (const h of page.data.history ?? []) {
          for (const added of h.messagesAdded ?? []) {
            const m = added.message;
            if (!m?.id || m.labelIds?.includes('SENT') || m.labelIds?.includes('DRAFT')) continue;
            ids.set(m.id, m.threadId ?? undefined);
          }
          if (h.id) next = h.id;
        }
        pageToken = page.data.nextPageToken ?? undefined;
        // The answer's historyId is the mailbox's newest: the cursor only once every page is read.
        if (!pageToken && page.data.historyId) next = page.data.historyId;
      } while (pageToken && ids.size < limit);
    } catch (error) {
      if (httpFailure(error).status === 404) return null;
      throw error;
    }
    const messages: InboxMessage[] = [];
    for (const [id, threadId] of ids) {
      try {
        const full = await this.call((client) => client.users.messages.get({ userId: 'me', id, format: 'raw' }));
        if (!full.data.raw) continue;
        messages.push({ providerMessageId: id, threadId: full.data.threadId ?? threadId, raw: Buffer.from(full.data.raw, 'base64url') });
      } catch (error) {
        // Deleted between the history and the read: nothing to read.
        if (httpFailure(error).status !== 404) throw error;
      }
    }
    return { messages, cursor: next };
  }
}
