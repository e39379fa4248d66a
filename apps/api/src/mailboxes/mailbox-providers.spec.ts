import { randomBytes } from 'node:crypto';
import { PlatformConfig } from '@app/platform';
import { ApiSettings } from '../api.config';
import { MailboxProviders } from './mailbox-providers';

const config = { piiMasterKey: randomBytes(32) } as PlatformConfig;
const api = { publicUrl: 'http://api.test' } as ApiSettings;
const google = {
  clientId: 'id',
  clientSecret: 'secret',
  redirectUrl: 'http://api.test/oauth/google/callback',
  authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenUrl: 'https://oauth2.googleapis.com/token',
  revokeUrl: 'https://oauth2.googleapis.com/revoke',
  gmailApiUrl: 'https://gmail.googleapis.com/',
};
const now = Date.parse('2025-03-03T10:00:00Z');

describe('a provider without its client id and secret', () => {
  it('cannot be connected, and the error names what the administrator must set', () => {
    const providers = new MailboxProviders(api, config);
    expect(() => providers.authorizeUrl({ provider: 'GMAIL', workspaceId: 'w', userId: 'u', now })).toThrow('Gmail mailboxes are not available on this server: its administrator must set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET');
    expect(() => providers.authorizeUrl({ provider: 'OUTLOOK', workspaceId: 'w', userId: 'u', now })).toThrow(/MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET/);
  });
});

describe('the state of an authorization request', () => {
  const providers = new MailboxProviders({ ...api, mailboxProviders: { google, microsoft: null } }, config);
  const stateOf = (url: string) => new URL(url).searchParams.get('state') ?? '';

  it('comes back as it was signed, for its provider, within 15 minutes', () => {
    const state = stateOf(providers.authorizeUrl({ provider: 'GMAIL', workspaceId: 'w1', userId: 'u1', displayName: 'Grace', limits: { perDay: 10 }, now }));
    expect(providers.verifyState('GMAIL', state, now + 14 * 60_000)).toMatchObject({ provider: 'GMAIL', workspaceId: 'w1', userId: 'u1', displayName: 'Grace', limits: { perDay: 10 } });
    expect(() => providers.verifyState('GMAIL', state, now + 16 * 60_000)).toThrow('invalid or has expired');
    expect(() => providers.verifyState('OUTLOOK', state, now)).toThrow('invalid or has expired');
  });

  it('is refused when altered, or signed with another key', () => {
    const state = stateOf(providers.authorizeUrl({ provider: 'GMAIL', workspaceId: 'w1', userId: 'u1', now }));
    const [body, signature] = state.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), workspaceId: 'w2' })).toString('base64url');
    expect(() => providers.verifyState('GMAIL', `${forged}.${signature}`, now)).toThrow('invalid or has expired');
    const other = new MailboxProviders({ ...api, mailboxProviders: { google, microsoft: null } }, { piiMasterKey: randomBytes(32) } as PlatformConfig);
    expect(() => other.verifyState('GMAIL', state, now)).toThrow('invalid or has expired');
  });
});
