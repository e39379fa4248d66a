import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MailboxLimits } from '@app/events';

export type OAuthProvider = 'GMAIL' | 'OUTLOOK';

/** Who asked to connect a mailbox, carried through the provider's consent screen and back. */
export type OAuthState = {
  provider: OAuthProvider;
  workspaceId: string;
  userId: string;
  displayName?: string;
  limits?: Partial<MailboxLimits>;
  nonce: string;
  /** Epoch milliseconds. */
  expiresAt: number;
};

const b64 = (buffer: Buffer) => buffer.toString('base64url');

/**
 * The `state` of an authorization request: the request's facts, signed (HMAC-SHA256) so the
 * callback, which carries no session, can trust who asked and for which workspace, and
 * expiring so an old link cannot be replayed.
 */
export function signOAuthState(key: Buffer, state: Omit<OAuthState, 'nonce'> & { nonce?: string }): { token: string; state: OAuthState } {
  const full: OAuthState = { ...state, nonce: state.nonce ?? b64(randomBytes(16)) };
  const body = b64(Buffer.from(JSON.stringify(full)));
  return { token: `${body}.${b64(createHmac('sha256', key).update(body).digest())}`, state: full };
}

/** The state if the signature holds and it has not expired; null otherwise. */
export function verifyOAuthState(key: Buffer, token: string, now: number): OAuthState | null {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return null;
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof state !== 'object' || state === null) return null;
  const s = state as Partial<OAuthState>;
  if ((s.provider !== 'GMAIL' && s.provider !== 'OUTLOOK') || typeof s.workspaceId !== 'string' || typeof s.userId !== 'string' || typeof s.nonce !== 'string') return null;
  if (typeof s.expiresAt !== 'number' || s.expiresAt < now) return null;
  return s as OAuthState;
}

/**
 * PKCE (RFC 7636) for a signed state: the verifier is derived from the state's nonce with the
 * state key, so the callback recomputes it and nothing needs storing between the two requests.
 */
export function pkceFor(key: Buffer, nonce: string): { verifier: string; challenge: string } {
  const verifier = b64(createHmac('sha256', key).update(`pkce:${nonce}`).digest()) + b64(createHmac('sha256', key).update(`pkce2:${nonce}`).digest());
  return { verifier, challenge: b64(createHash('sha256').update(verifier).digest()) };
}
