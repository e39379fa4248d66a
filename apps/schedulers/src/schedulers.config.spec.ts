import { ConfigError } from '@app/platform';
import { loadSchedulersEnv, schedulersSettingsFrom } from './schedulers.config';

const base = { PUBLIC_URL: 'https://api.example.com', TRACKING_SECRET: 't'.repeat(32) };

describe('the schedulers’ mailbox provider settings', () => {
  it('leave Gmail and Outlook unconfigured when no client is given', () => {
    expect(schedulersSettingsFrom(loadSchedulersEnv(base)).providers).toEqual({ google: null, microsoft: null, returnUrl: null });
  });

  it('take a provider with its client id and secret, with the public endpoints by default', () => {
    const settings = schedulersSettingsFrom(loadSchedulersEnv({ ...base, GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret', MICROSOFT_CLIENT_ID: 'mid', MICROSOFT_CLIENT_SECRET: 'msecret' }));
    expect(settings.providers?.google).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      redirectUrl: 'https://api.example.com/oauth/google/callback',
      authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revokeUrl: 'https://oauth2.googleapis.com/revoke',
      gmailApiUrl: 'https://gmail.googleapis.com/',
    });
    expect(settings.providers?.microsoft).toMatchObject({ tenant: 'common', loginUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com', redirectUrl: 'https://api.example.com/oauth/microsoft/callback' });
    expect(settings).toMatchObject({ inboxPollMs: 60_000, occasionPollMs: 60_000 });
  });

  it('stop the process when a client id comes without its secret, naming the missing variable', () => {
    expect(() => loadSchedulersEnv({ ...base, GOOGLE_CLIENT_ID: 'id' })).toThrow(ConfigError);
    expect(() => loadSchedulersEnv({ ...base, MICROSOFT_CLIENT_SECRET: 'secret' })).toThrow(/MICROSOFT_CLIENT_ID \(unset\): required when MICROSOFT_CLIENT_SECRET is set/);
    expect(() => loadSchedulersEnv({ ...base, GOOGLE_CLIENT_ID: 'id' })).toThrow(/GOOGLE_CLIENT_SECRET \(unset\): required when GOOGLE_CLIENT_ID is set/);
  });
});
