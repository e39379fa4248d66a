import { z } from 'zod';

export type GoogleSettings = {
  clientId: string;
  clientSecret: string;
  /** Where Google sends the browser back: the API's GET /oauth/google/callback. */
  redirectUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  /** Root of the Gmail API (googleapis `rootUrl`). */
  gmailApiUrl: string;
};

export type MicrosoftSettings = {
  clientId: string;
  clientSecret: string;
  /** `common`, `organizations`, `consumers` or a tenant id. */
  tenant: string;
  redirectUrl: string;
  /** The Microsoft identity platform (authorize and token endpoints live under it). */
  loginUrl: string;
  /** Root of Microsoft Graph (the Graph client's `baseUrl`). */
  graphUrl: string;
};

/**
 * Which OAuth providers this deployment can connect (null: not configured), and where the
 * browser goes once a mailbox is connected (null: the API answers with a small page).
 */
export type MailProviderSettings = { google: GoogleSettings | null; microsoft: MicrosoftSettings | null; returnUrl?: string | null };

const url = z.url();

/**
 * The environment variables of the mailbox providers, for every app's config schema. All are
 * optional: without a client id and secret a provider is unavailable (connecting one says so),
 * nothing else changes. The URL overrides exist for sovereign clouds and for tests.
 */
export const mailProviderEnv = {
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_REDIRECT_URL: url.optional(),
  GOOGLE_AUTHORIZE_URL: url.default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_TOKEN_URL: url.default('https://oauth2.googleapis.com/token'),
  GOOGLE_REVOKE_URL: url.default('https://oauth2.googleapis.com/revoke'),
  GMAIL_API_URL: url.default('https://gmail.googleapis.com/'),
  MICROSOFT_CLIENT_ID: z.string().min(1).optional(),
  MICROSOFT_CLIENT_SECRET: z.string().min(1).optional(),
  MICROSOFT_TENANT: z.string().regex(/^[A-Za-z0-9.-]+$/, 'common, organizations, consumers or a tenant id').default('common'),
  MICROSOFT_REDIRECT_URL: url.optional(),
  MICROSOFT_LOGIN_URL: url.default('https://login.microsoftonline.com'),
  MICROSOFT_GRAPH_URL: url.default('https://graph.microsoft.com'),
  /** The app's page the browser returns to after connecting a mailbox (?mailboxId=... or ?error=...). */
  OAUTH_RETURN_URL: url.optional(),
};

type ProviderEnv = z.output<z.ZodObject<typeof mailProviderEnv>>;

/** A client id without its secret (or the reverse) is a mistake, not "unconfigured": name both. */
export function checkMailProviderEnv(env: Partial<ProviderEnv>, ctx: z.RefinementCtx): void {
  const pairs = [
    ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
    ['MICROSOFT_CLIENT_ID', 'MICROSOFT_CLIENT_SECRET'],
  ] as const;
  for (const [id, secret] of pairs) {
    if (env[id] && !env[secret]) ctx.addIssue({ code: 'custom', path: [secret], message: `required when ${id} is set` });
    if (env[secret] && !env[id]) ctx.addIssue({ code: 'custom', path: [id], message: `required when ${secret} is set` });
  }
}

const trim = (value: string) => value.replace(/\/+$/, '');

/** The configured providers; redirect URLs default to the API's own callback routes. */
export function mailProvidersFrom(env: ProviderEnv, publicUrl: string): MailProviderSettings {
  const base = trim(publicUrl);
  return {
    google:
      env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
        ? {
            clientId: env.GOOGLE_CLIENT_ID,
            clientSecret: env.GOOGLE_CLIENT_SECRET,
            redirectUrl: env.GOOGLE_REDIRECT_URL ?? `${base}/oauth/google/callback`,
            authorizeUrl: env.GOOGLE_AUTHORIZE_URL,
            tokenUrl: env.GOOGLE_TOKEN_URL,
            revokeUrl: env.GOOGLE_REVOKE_URL,
            gmailApiUrl: env.GMAIL_API_URL,
          }
        : null,
    microsoft:
      env.MICROSOFT_CLIENT_ID && env.MICROSOFT_CLIENT_SECRET
        ? {
            clientId: env.MICROSOFT_CLIENT_ID,
            clientSecret: env.MICROSOFT_CLIENT_SECRET,
            tenant: env.MICROSOFT_TENANT,
            redirectUrl: env.MICROSOFT_REDIRECT_URL ?? `${base}/oauth/microsoft/callback`,
            loginUrl: trim(env.MICROSOFT_LOGIN_URL),
            graphUrl: trim(env.MICROSOFT_GRAPH_URL),
          }
        : null,
    returnUrl: env.OAUTH_RETURN_URL ?? null,
  };
}
