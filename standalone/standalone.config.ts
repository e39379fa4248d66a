import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { commonEnv, parseEnv, port } from '@app/platform';

/** `npm start`: everything in one process; unset means embedded. */
export const standaloneEnv = z.object({
  ...commonEnv,
  PORT: port(3000),
  /** Embedded database, outbox and generated secrets live here. */
  DATA_DIR: z.string().default('.data'),
  /** Port of the embedded PostgreSQL (default: a free one). */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

export function loadStandaloneEnv(env: Record<string, string | undefined> = process.env) {
  return parseEnv(standaloneEnv, env);
}

const SECRET_NAMES = ['JWT_SECRET', 'TRACKING_SECRET', 'EMAIL_HASH_SECRET', 'PII_MASTER_KEY'] as const;
export type Secrets = Record<(typeof SECRET_NAMES)[number], string>;

/**
 * Secrets for the embedded default: taken from the environment when set, otherwise generated
 * once and kept in DATA_DIR/secrets.json (mode 0600). Losing PII_MASTER_KEY makes every
 * lead's personal data unreadable, so it is never regenerated over an existing file.
 */
export function embeddedSecrets(dataDir: string, env: Record<string, string | undefined>): Secrets {
  const file = join(resolve(dataDir), 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
  const secrets = Object.fromEntries(
    SECRET_NAMES.map((name) => [name, env[name] || stored[name] || (name === 'PII_MASTER_KEY' ? randomBytes(32).toString('hex') : randomBytes(32).toString('base64url'))]),
  ) as Secrets;
  const toStore = Object.fromEntries(SECRET_NAMES.map((name) => [name, stored[name] ?? secrets[name]]));
  if (JSON.stringify(toStore) !== JSON.stringify(stored)) {
    mkdirSync(resolve(dataDir), { recursive: true });
    writeFileSync(file, `${JSON.stringify(toStore, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
