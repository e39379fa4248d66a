import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseMasterKey } from '@app/event-store';

export type ProjectionsCommand =
  | { kind: 'list' }
  | { kind: 'status'; names: string[]; json: boolean }
  | { kind: 'rebuild'; names: string[]; all: boolean }
  | { kind: 'replay'; name: string; until: Date }
  | { kind: 'reset'; name: string; wait: boolean }
  | { kind: 'drop'; schema: string };

export type ProjectionsConfig = {
  command: ProjectionsCommand;
  databaseUrl: string;
  eventStoreUrl: string | null;
  masterKey: Buffer;
  batchSize: number;
};

export const PROJECTIONS_USAGE = `Read models: status, rebuild, replay as of a moment, reset.

  npm run projections -- list
  npm run projections -- status [name...] [--json]
  npm run projections -- rebuild <name...> | --all     new schema beside the serving one, switched in when caught up
  npm run projections -- replay <name> --until <ISO>   the read model as of a moment, in its own schema (SQL)
  npm run projections -- reset <name> [--no-wait]      drop every version, start the live one from the first event
  npm run projections -- drop <schema>                 drop a replay (or an abandoned rebuild)

  --batch-size N   events per page while building (default 20000)

Environment: DATABASE_URL (required), PII_MASTER_KEY (required; else taken from .data/secrets.json
as npm start keeps it), EVENTSTORE_URL when the log lives in EventStoreDB.
Interrupt a rebuild or replay with Ctrl-C (or kill it) and run the same command again: it resumes.
`;

/** A missing or malformed argument or setting; the message names it. */
export class ProjectionsConfigError extends Error {
  override readonly name = 'ProjectionsConfigError';
}

function masterKeyFrom(env: Record<string, string | undefined>): Buffer {
  let value = env.PII_MASTER_KEY;
  const secretsFile = join(env.DATA_DIR ?? '.data', 'secrets.json');
  if (!value && existsSync(secretsFile)) value = (JSON.parse(readFileSync(secretsFile, 'utf8')) as { PII_MASTER_KEY?: string }).PII_MASTER_KEY;
  if (!value) throw new ProjectionsConfigError('PII_MASTER_KEY (unset): required, the same key the apps use (leads and emails read personal data)');
  try {
    return parseMasterKey(value);
  } catch (error) {
    throw new ProjectionsConfigError(error instanceof Error ? error.message : String(error));
  }
}

export function loadProjectionsConfig(argv: readonly string[] = process.argv.slice(2), env: Record<string, string | undefined> = process.env): ProjectionsConfig {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { until: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, 'no-wait': { type: 'boolean' }, 'batch-size': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new ProjectionsConfigError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  let command: ProjectionsCommand;
  switch (verb) {
    case 'list':
      command = { kind: 'list' };
      break;
    case 'status':
      command = { kind: 'status', names: rest, json: values.json ?? false };
      break;
    case 'rebuild':
      if (!rest.length && !values.all) throw new ProjectionsConfigError('rebuild needs projection names, or --all');
      command = { kind: 'rebuild', names: rest, all: values.all ?? false };
      break;
    case 'replay': {
      if (rest.length !== 1) throw new ProjectionsConfigError('replay needs one projection name');
      if (!values.until) throw new ProjectionsConfigError('replay needs --until <ISO-8601 instant>, e.g. --until 2025-03-01T00:00:00Z');
      const until = new Date(values.until);
      if (Number.isNaN(until.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(values.until)) throw new ProjectionsConfigError(`--until "${values.until}" is not an ISO-8601 instant`);
      command = { kind: 'replay', name: rest[0] as string, until };
      break;
    }
    case 'reset':
      if (rest.length !== 1) throw new ProjectionsConfigError('reset needs one projection name');
      command = { kind: 'reset', name: rest[0] as string, wait: !values['no-wait'] };
      break;
    case 'drop':
      if (rest.length !== 1) throw new ProjectionsConfigError('drop needs one schema name (see status)');
      command = { kind: 'drop', schema: rest[0] as string };
      break;
    default:
      throw new ProjectionsConfigError(verb ? `unknown command "${verb}"` : 'a command is required');
  }
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ProjectionsConfigError('DATABASE_URL: required, a postgres:// URL (the database of the read models)');
  // Big pages: a projection folds more events per row it loads and writes back (about a sixth
  // less CPU per event than 5000 in bench:replay), for a few tens of MB more per page.
  const batchSize = Number(values['batch-size'] ?? 20_000);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 20_000) throw new ProjectionsConfigError('--batch-size must be a whole number from 1 to 20000');
  return { command, databaseUrl, eventStoreUrl: env.EVENTSTORE_URL || null, masterKey: needsKeys(command) ? masterKeyFrom(env) : Buffer.alloc(32), batchSize };
}

/** Only builds decode personal data; status and the rest never open it. */
function needsKeys(command: ProjectionsCommand): boolean {
  return command.kind === 'rebuild' || command.kind === 'replay' || command.kind === 'reset';
}
