import { createHash } from 'node:crypto';
import { FakeAnswer, RecordedRequest, bearerOf } from './http-fake';

/** How one provider's authorization server looks from outside: token shapes, scope, error texts. */
export type OAuthDialect = {
  clientId: string;
  clientSecret: string;
  /** Whose account the consent screen signs in with until a test says otherwise. */
  consentAddress: string;
  newCode(): string;
  newAccessToken(): string;
  newRefreshToken(): string;
  scope: string;
  /** Whether a refresh also hands out a new refresh token (Microsoft rotates them; Google does not). */
  rotatesRefreshTokens: boolean;
  /** A provider-specific refusal of the token request's form before any grant is looked at. */
  checkForm?(form: URLSearchParams): FakeAnswer | null;
  errors: { unknownClientPage: string; invalidClient: Record<string, string>; badCode: string; badVerifier: string; revoked: string };
};

/**
 * The authorization-code flow with PKCE, refresh tokens, revocation and bearer tokens with an
 * expiry, as the Google and Microsoft fakes both serve it: what differs between them is the
 * dialect, not the rules.
 */
export class OAuthFake {
  /** Lifetime of the access tokens it issues. */
  accessTokenTtlSeconds = 3600;
  private readonly accessTokens = new Map<string, { address: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly codes = new Map<string, { address: string; challenge: string | null; redirectUri: string }>();
  private readonly revoked = new Set<string>();
  private consentAddress: string;

  constructor(private readonly dialect: OAuthDialect) {
    this.consentAddress = dialect.consentAddress;
  }

  consentAs(address: string): void {
    this.consentAddress = address;
  }

  /** A refresh token for the account, as if its owner had consented (for tests that skip the dance). */
  grant(address: string): string {
    const refresh = this.dialect.newRefreshToken();
    this.refreshTokens.set(refresh, address);
    this.revoked.delete(address);
    return refresh;
  }

  /** The owner removed our access (or changed their password): every refresh now fails. */
  revoke(address: string): void {
    this.revoked.add(address);
    for (const [token, owner] of this.accessTokens) if (owner.address === address) this.accessTokens.delete(token);
  }

  /** Whose token it is, refresh or access (for a revocation endpoint). */
  ownerOf(token: string): string | undefined {
    return this.refreshTokens.get(token) ?? this.accessTokens.get(token)?.address;
  }

  /** The account a request's unexpired bearer token belongs to. */
  bearerOwner(request: RecordedRequest): string | null {
    const bearer = bearerOf(request);
    const grant = bearer ? this.accessTokens.get(bearer) : undefined;
    return grant && grant.expiresAt > Date.now() ? grant.address : null;
  }

  /** The consent screen: straight back to the redirect URI with a code for the consenting account. */
  authorize(request: RecordedRequest): FakeAnswer {
    const q = request.query;
    if (q.get('client_id') !== this.dialect.clientId) return { status: 400, body: this.dialect.errors.unknownClientPage };
    const code = this.dialect.newCode();
    const redirectUri = q.get('redirect_uri') ?? '';
    this.codes.set(code, { address: this.consentAddress, challenge: q.get('code_challenge'), redirectUri });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', q.get('state') ?? '');
    return { status: 302, headers: { location: back.toString() } };
  }

  /** The token endpoint: a code (with its PKCE verifier) or a refresh token for tokens. */
  token(request: RecordedRequest): FakeAnswer {
    const { dialect } = this;
    const form = new URLSearchParams(request.body.toString('utf8'));
    if (form.get('client_id') !== dialect.clientId || form.get('client_secret') !== dialect.clientSecret) return { status: 401, body: dialect.errors.invalidClient };
    const refused = dialect.checkForm?.(form);
    if (refused) return refused;
    if (form.get('grant_type') === 'authorization_code') {
      const grant = this.codes.get(form.get('code') ?? '');
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return { status: 400, body: { error: 'invalid_grant', error_description: dialect.errors.badCode } };
      if (grant.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== grant.challenge) {
        return { status: 400, body: { error: 'invalid_grant', error_description: dialect.errors.badVerifier } };
      }
      this.codes.delete(form.get('code') ?? '');
      return { status: 200, body: this.issue(grant.address, true) };
    }
    if (form.get('grant_type') === 'refresh_token') {
      const address = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!address || this.revoked.has(address)) return { status: 400, body: { error: 'invalid_grant', error_description: dialect.errors.revoked } };
      return { status: 200, body: this.issue(address, dialect.rotatesRefreshTokens) };
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  private issue(address: string, withRefresh: boolean) {
    const access = this.dialect.newAccessToken();
    this.accessTokens.set(access, { address, expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000 });
    return {
      token_type: 'Bearer',
      access_token: access,
      expires_in: this.accessTokenTtlSeconds,
      scope: this.dialect.scope,
      ...(withRefresh ? { refresh_token: this.grant(address) } : {}),
    };
  }
}
