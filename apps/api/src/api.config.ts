import { z } from 'zod';
import { commonEnv, parseEnv, port, positiveInt, secret } from '@app/platform';

/** The API's settings, parsed once at boot from the environment. */
export const apiEnv = z.object({
  ...commonEnv,
  PORT: port(3000),
  /** Where tracking links and the GraphQL URL point (defaults to http://localhost:PORT). */
  PUBLIC_URL: z.url().optional(),
  JWT_SECRET: secret(),
  TRACKING_SECRET: secret(),
  /** Keyed hash of lead emails: finds duplicates without the plaintext. */
  EMAIL_HASH_SECRET: secret(),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(30),
  /** How long a mutation waits for the read models to show its own write. */
  READ_YOUR_WRITES_TIMEOUT_MS: positiveInt(5000),
  DATABASE_POOL_SIZE: positiveInt(20),
  /** Serve the Apollo Sandbox landing page at /graphql. */
  GRAPHQL_SANDBOX: z.stringbool().default(true),
});

export type ApiSettings = {
  publicUrl: string;
  jwtSecret: string;
  trackingSecret: string;
  emailHashSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  readYourWritesTimeoutMs: number;
  sandbox: boolean;
};

export function apiSettingsFrom(env: z.output<typeof apiEnv>): ApiSettings {
  return {
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    jwtSecret: env.JWT_SECRET,
    trackingSecret: env.TRACKING_SECRET,
    emailHashSecret: env.EMAIL_HASH_SECRET,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    readYourWritesTimeoutMs: env.READ_YOUR_WRITES_TIMEOUT_MS,
    sandbox: env.GRAPHQL_SANDBOX,
  };
}

/** Reads and validates the API's environment; throws a ConfigError naming bad variables. */
export function loadApiEnv(env: Record<string, string | undefined> = process.env) {
  return parseEnv(apiEnv, env);
}
