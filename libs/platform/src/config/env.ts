import { z } from 'zod';

/** A setting is missing or malformed; the message names every variable at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses environment variables with a schema whose keys are the variable names. Empty
 * strings count as unset. Throws a ConfigError naming each bad variable.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const cleaned = Object.fromEntries(Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(unknown)');
        const unset = cleaned[variable] === undefined;
        const shown = unset ? 'unset' : `"${String(cleaned[variable]).slice(0, 80)}"`;
        return `${variable} (${shown}): ${unset && issue.code === 'invalid_type' ? 'required' : issue.message}`;
      }),
    );
  }
  return result.data;
}

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), 'must be a postgres:// URL');

/** Variables every process understands. */
export const commonEnv = {
  DATABASE_URL: postgresUrl.optional(),
  EVENTSTORE_URL: z
    .string()
    .refine((v) => /^(esdb|kurrentdb|esdb\+discover|kurrentdb\+discover):\/\//.test(v), 'must be an esdb:// (or kurrentdb://) connection string')
    .optional(),
  NATS_URL: z
    .string()
    .refine((v) => v.split(',').every((u) => /^(nats|tls|ws|wss):\/\//.test(u.trim()) || /^[\w.-]+:\d+$/.test(u.trim())), 'must be a nats:// URL (comma-separate several)')
    .optional(),
  PII_MASTER_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().default('0.0.0.0'),
};

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const secret = (minLength = 32) => z.string().min(minLength, `must be at least ${minLength} characters`);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export { postgresUrl };
