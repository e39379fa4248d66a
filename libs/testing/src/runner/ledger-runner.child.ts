/**
 * A projection runner in a process of its own, for tests that kill it (SIGKILL) in the middle
 * of a batch. Runs the ledger projection live until killed. Settings come from the environment:
 * LEDGER_DATABASE_URL, LEDGER_NAME, LEDGER_PREFIX, LEDGER_BATCH_SIZE, LEDGER_DELAY_MS.
 */
import { openPostgresEventStore } from '@app/event-store';
import { ProjectionRunner, schemaFor } from '@app/projections';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { TEST_MASTER_KEY } from '../event-factories';
import { ledgerProjection } from './ledger-projection';

async function main(): Promise<void> {
  const url = process.env.LEDGER_DATABASE_URL;
  if (!url) throw new Error('LEDGER_DATABASE_URL is required');
  const projection = ledgerProjection({ name: process.env.LEDGER_NAME, prefix: process.env.LEDGER_PREFIX, delayMs: Number(process.env.LEDGER_DELAY_MS ?? 0) });
  const opened = openPostgresEventStore({ connectionString: url, masterKey: TEST_MASTER_KEY, pollIntervalMs: 50 });
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  const quiet = () => undefined;
  const say = (message: string, details?: Record<string, unknown>) => void process.stderr.write(`${message} ${JSON.stringify(details ?? {})}\n`);
  const runner = new ProjectionRunner<unknown>({
    projection,
    store: opened.store,
    db,
    schema: schemaFor(projection),
    logger: { info: quiet, warn: say, error: say },
    batchSize: Number(process.env.LEDGER_BATCH_SIZE ?? 10),
    standbyMs: 50,
  });
  process.stdout.write('ready\n');
  await runner.run(new AbortController().signal);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
