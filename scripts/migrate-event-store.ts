/**
 * Copies a whole event store, PostgreSQL <-> EventStoreDB (or between two of a kind):
 *   npm run migrate:event-store -- --from postgres --to esdb
 * Personal-data keys never move: they stay in PostgreSQL whichever store holds the log.
 */
import { Pool } from 'pg';
import { redactUrl } from '@app/database';
import {
  CopyCheckpoint,
  CopyVerificationFailed,
  EventStoreAdapter,
  EventStoreDbEventStore,
  FileCopyCheckpoint,
  PostgresCopyCheckpoint,
  PostgresEventIdRegistry,
  PostgresEventStore,
  copyEventStore,
  createCopyProgressReporter,
  migrateEventStore,
} from '@app/event-store';
import { MIGRATE_EVENT_STORE_USAGE, MigrateConfigError, MigrateEventStoreConfig, StoreKind, loadMigrateEventStoreConfig } from './migrate-event-store.config';

const describeStore = (side: { kind: StoreKind; url: string }) => `${side.kind} ${side.kind === 'postgres' ? redactUrl(side.url) : side.url.replace(/\/\/[^@/]*@/, '//***@')}`;

async function run(config: MigrateEventStoreConfig): Promise<number> {
  // The copy needs the current schema wherever PostgreSQL is involved (target log, id registry, progress).
  const postgresUrls = new Set([config.from, config.to].filter((s) => s.kind === 'postgres').map((s) => s.url));
  if (config.keysUrl) postgresUrls.add(config.keysUrl);
  for (const url of postgresUrls) await migrateEventStore(url);

  const keysPool = config.keysUrl ? new Pool({ connectionString: config.keysUrl, max: 4 }) : null;
  keysPool?.on('error', () => undefined);
  const open = (side: { kind: StoreKind; url: string }): EventStoreAdapter =>
    side.kind === 'postgres'
      ? new PostgresEventStore({ connectionString: side.url })
      : new EventStoreDbEventStore({ connectionString: side.url, eventIds: keysPool ? new PostgresEventIdRegistry(keysPool) : undefined });
  const source = open(config.from);
  const target = open(config.to);
  const checkpoint: CopyCheckpoint = config.checkpointFile
    ? new FileCopyCheckpoint(config.checkpointFile)
    : new PostgresCopyCheckpoint(keysPool as Pool, config.job);

  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping after the current page (press Ctrl-C again to quit at once)...\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reporter = createCopyProgressReporter(process.stderr);
  try {
    if (config.restart) await checkpoint.reset();
    process.stderr.write(`Copying ${describeStore(config.from)} -> ${describeStore(config.to)} (progress: ${config.checkpointFile ?? `job "${config.job}"`})\n`);
    const report = await copyEventStore({ source, target, checkpoint, batchSize: config.batchSize, verify: config.verify, signal: controller.signal, onProgress: reporter.update });
    reporter.stop();
    const resumed = report.resumedFrom ? ` (resumed after ${report.resumedFrom})` : '';
    process.stdout.write(
      `${report.events} events in ${report.streams} streams; this run copied ${report.copied}, found ${report.alreadyThere} already there${resumed}.\n` +
        (report.interrupted ? 'Interrupted: run the same command again to resume.\n' : report.verified ? 'Verified: both logs match and every chain holds.\n' : 'Not verified (--no-verify).\n'),
    );
    return report.interrupted ? 130 : 0;
  } catch (error) {
    reporter.stop();
    if (error instanceof CopyVerificationFailed) {
      process.stderr.write(`${error.message}\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.allSettled([source.close(), target.close()]);
    await keysPool?.end();
  }
}

async function main(): Promise<void> {
  let config: MigrateEventStoreConfig;
  try {
    config = loadMigrateEventStoreConfig();
  } catch (error) {
    if (!(error instanceof MigrateConfigError)) throw error;
    process.stderr.write(`${error.message}\n\n${MIGRATE_EVENT_STORE_USAGE}`);
    process.exit(2);
  }
  process.exitCode = await run(config);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
