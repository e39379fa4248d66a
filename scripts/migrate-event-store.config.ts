import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { z } from 'zod';

export type StoreKind = 'postgres' | 'esdb';

export type MigrateEventStoreConfig = {
  from: { kind: StoreKind; url: string };
  to: { kind: StoreKind; url: string };
  /** PostgreSQL with the personal-data keys: EventStoreDB's id registry and the copy progress live there. */
  keysUrl: string | null;
  /** Progress in this file instead of the keys database. */
  checkpointFile: string | null;
  job: string;
  batchSize: number;
  verify: boolean;
  /** Forget saved progress and start over. */
  restart: boolean;
};

export const MIGRATE_EVENT_STORE_USAGE = `Copies a whole event store into another (ids, order, types, data, metadata, hash chains).
Resumable: run the same command again after an interruption.

  npm run migrate:event-store -- --from postgres|esdb --to postgres|esdb [options]

  --from-url URL         source; default DATABASE_URL (postgres) or EVENTSTORE_URL (esdb)
  --to-url URL           target; same defaults
  --keys-url URL         PostgreSQL with the personal-data keys; default DATABASE_URL, else the
                         PostgreSQL side. EventStoreDB's event-id registry and the progress live there.
  --checkpoint-file PATH keep progress in this file instead
  --job NAME             name of this copy's progress (default: derived from both stores)
  --batch-size N         events per page (default 500)
  --no-verify            skip comparing both logs and verifying every chain at the end
  --restart              forget saved progress and start over
`;

const kind = z.enum(['postgres', 'esdb']);
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');
const esdbUrl = z.string().regex(/^esdb(\+discover)?:\/\//, 'must be an esdb:// connection string');

/** Thrown for a missing or malformed setting; the message names the flag or variable. */
export class MigrateConfigError extends Error {
  override readonly name = 'MigrateConfigError';
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MigrateConfigError(`${name}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
}

export function loadMigrateEventStoreConfig(argv: readonly string[] = process.argv.slice(2), env: Record<string, string | undefined> = process.env): MigrateEventStoreConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'from-url': { type: 'string' },
        'to-url': { type: 'string' },
        'keys-url': { type: 'string' },
        'checkpoint-file': { type: 'string' },
        job: { type: 'string' },
        'batch-size': { type: 'string' },
        'no-verify': { type: 'boolean' },
        restart: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new MigrateConfigError(error instanceof Error ? error.message : String(error));
  }

  const side = (which: 'from' | 'to') => {
    const k = parseWith(kind, values[which], `--${which} (postgres or esdb)`);
    const flag = values[`${which}-url`];
    const variable = k === 'postgres' ? 'DATABASE_URL' : 'EVENTSTORE_URL';
    const url = flag ?? env[variable];
    if (!url) throw new MigrateConfigError(`--${which}-url or ${variable} is required for the ${which === 'from' ? 'source' : 'target'} ${k} store`);
    return { kind: k, url: parseWith(k === 'postgres' ? postgresUrl : esdbUrl, url, flag ? `--${which}-url` : variable) };
  };
  const from = side('from');
  const to = side('to');
  if (from.kind === to.kind && from.url === to.url) throw new MigrateConfigError('--from-url and --to-url name the same store: give two different ones');

  const postgresSide = from.kind === 'postgres' ? from.url : to.kind === 'postgres' ? to.url : undefined;
  const keysUrlRaw = values['keys-url'] ?? env.DATABASE_URL ?? postgresSide ?? null;
  const keysUrl = keysUrlRaw === null ? null : parseWith(postgresUrl, keysUrlRaw, values['keys-url'] ? '--keys-url' : 'DATABASE_URL');
  const checkpointFile = values['checkpoint-file'] ?? null;
  if (!keysUrl && (to.kind === 'esdb' || !checkpointFile)) {
    throw new MigrateConfigError('--keys-url or DATABASE_URL is required: the PostgreSQL database with the personal-data keys');
  }
  const batchSize = parseWith(z.coerce.number().int().min(1).max(10_000), values['batch-size'] ?? '500', '--batch-size');
  const job = values.job ?? `${from.kind}->${to.kind}:${createHash('sha256').update(`${from.url}|${to.url}`).digest('hex').slice(0, 12)}`;
  return { from, to, keysUrl, checkpointFile, job, batchSize, verify: !values['no-verify'], restart: values.restart ?? false };
}
