import { z } from 'zod';
import { MailProviderSettings, checkMailProviderEnv, mailProviderEnv, mailProvidersFrom } from '@app/mail';
import { commonEnv, parseEnv, port, positiveInt, secret } from '@app/platform';

/** A workspace's AI allowance until an admin sets its own, and how long answers are cached. */
const AI_DEFAULTS = { monthlyTokenBudget: 2_000_000, requestsPerMinute: 30, cacheTtlSeconds: 600 } as const;

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
  /** Turns the AI copilot on; unset means the offline generator (deterministic, no network). */
  OPENAI_API_KEY: z.string().trim().min(1).optional(),
  /** Any OpenAI-compatible endpoint (Azure OpenAI, a proxy, a local server). */
  OPENAI_BASE_URL: z.url().default('https://api.openai.com/v1'),
  OPENAI_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_ORG_ID: z.string().trim().min(1).optional(),
  OPENAI_PROJECT_ID: z.string().trim().min(1).optional(),
  /** Per attempt. */
  OPENAI_TIMEOUT_MS: positiveInt(30_000),
  /** Attempts after the first, on 429, 5xx, timeouts and connection failures. */
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** The longest Retry-After a request waits for; longer ones fail at once with the time to retry. */
  OPENAI_MAX_RETRY_WAIT_MS: positiveInt(20_000),
  /** A workspace's monthly AI tokens until an admin sets its own (setAiLimits); 0 switches AI off. */
  AI_MONTHLY_TOKEN_BUDGET: z.coerce.number().int().min(0).max(2_147_483_647).default(AI_DEFAULTS.monthlyTokenBudget),
  /** A workspace's AI requests per minute until an admin sets its own. */
  AI_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(AI_DEFAULTS.requestsPerMinute),
  /** How long an identical request is answered from the cache; 0 turns the cache off. */
  AI_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(AI_DEFAULTS.cacheTtlSeconds),
  /** Gmail and Microsoft 365 apps for connecting mailboxes (unset: those providers are unavailable). */
  ...mailProviderEnv,
}).superRefine(checkMailProviderEnv);

/** The AI copilot's settings: `openai` null means the offline generator. */
export type AiSettings = {
  openai: {
    apiKey: string;
    baseURL: string;
    model: string;
    organization: string | null;
    project: string | null;
    timeoutMs: number;
    maxRetries: number;
    maxRetryWaitMs: number;
  } | null;
  defaultLimits: { monthlyTokenBudget: number; requestsPerMinute: number };
  cacheTtlSeconds: number;
};

/** Offline, with the default allowance: what an API without AI settings runs. */
export const OFFLINE_AI_SETTINGS: AiSettings = {
  openai: null,
  defaultLimits: { monthlyTokenBudget: AI_DEFAULTS.monthlyTokenBudget, requestsPerMinute: AI_DEFAULTS.requestsPerMinute },
  cacheTtlSeconds: AI_DEFAULTS.cacheTtlSeconds,
};

export type ApiSettings = {
  publicUrl: string;
  jwtSecret: string;
  trackingSecret: string;
  emailHashSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  readYourWritesTimeoutMs: number;
  sandbox: boolean;
  /** Absent: OFFLINE_AI_SETTINGS. */
  ai?: AiSettings;
  /** Absent: neither Gmail nor Microsoft 365 can be connected (SMTP and the outbox can). */
  mailboxProviders?: MailProviderSettings;
};

export function apiSettingsFrom(env: z.output<typeof apiEnv>): ApiSettings {
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return {
    publicUrl,
    mailboxProviders: mailProvidersFrom(env, publicUrl),
    jwtSecret: env.JWT_SECRET,
    trackingSecret: env.TRACKING_SECRET,
    emailHashSecret: env.EMAIL_HASH_SECRET,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    readYourWritesTimeoutMs: env.READ_YOUR_WRITES_TIMEOUT_MS,
    sandbox: env.GRAPHQL_SANDBOX,
    ai: {
      openai: env.OPENAI_API_KEY
        ? {
            apiKey: env.OPENAI_API_KEY,
            baseURL: env.OPENAI_BASE_URL.replace(/\/+$/, ''),
            model: env.OPENAI_MODEL,
            organization: env.OPENAI_ORG_ID ?? null,
            project: env.OPENAI_PROJECT_ID ?? null,
            timeoutMs: env.OPENAI_TIMEOUT_MS,
            maxRetries: env.OPENAI_MAX_RETRIES,
            maxRetryWaitMs: env.OPENAI_MAX_RETRY_WAIT_MS,
          }
        : null,
      defaultLimits: { monthlyTokenBudget: env.AI_MONTHLY_TOKEN_BUDGET, requestsPerMinute: env.AI_REQUESTS_PER_MINUTE },
      cacheTtlSeconds: env.AI_CACHE_TTL_SECONDS,
    },
  };
}

/** Reads and validates the API's environment; throws a ConfigError naming bad variables. */
export function loadApiEnv(env: Record<string, string | undefined> = process.env) {
  return parseEnv(apiEnv, env);
}
