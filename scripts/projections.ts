/**
 * Read models for operators and analysts: `npm run projections -- <command>` (usage below, in
 * projections.config.ts). Rebuilds and replays read the log once for all the projections
 * they build, in big pages; interrupted (Ctrl-C, kill), they resume when run again.
 */
import { Pool } from 'pg';
import { redactUrl } from '@app/database';
import { OpenedEventStore, migrateEventStore, openEventStoreDbEventStore, openPostgresEventStore } from '@app/event-store';
import { LockConnection, ProjectionOperationRefused, ProjectionOperations, ProjectionStatus, SchemaBusy, createBuildProgressReporter } from '@app/projections';
import { DB, migrateReadStore } from '@app/read-store';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import { projections } from '../apps/projectors/src/index';
import { PROJECTIONS_USAGE, ProjectionsConfig, ProjectionsConfigError, loadProjectionsConfig } from './projections.config';

const logger = {
  info: () => undefined,
  warn: (message: string, details?: Record<string, unknown>) => void process.stderr.write(`warning: ${message} ${details ? JSON.stringify(details) : ''}\n`),
  error: (message: string, details?: Record<string, unknown>) => void process.stderr.write(`error: ${message} ${details ? JSON.stringify(details) : ''}\n`),
};

const kysely = (url: string, max: number, options?: string): { db: Kysely<DB>; pool: Pool } => {
  const pool = new Pool({ connectionString: url, max, options });
  pool.on('error', () => undefined);
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] }), pool };
};

function lag(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

function printStatus(rows: readonly ProjectionStatus[]): void {
  const header = ['PROJECTION', 'VERSION', 'SCHEMA', 'STATE', 'CHECKPOINT', 'APPLIED', 'BEHIND', 'LAG', 'PARKED'];
  const lines = rows.map((r) => [
    r.projection,
    `v${r.version}`,
    r.schema ?? '-',
    r.purpose && r.purpose !== 'live' ? `${r.state} (${r.purpose}${r.until ? ` as of ${r.until}` : ''})` : r.state,
    r.checkpoint ?? '-',
    String(r.eventsApplied),
    r.eventsBehind === null ? '?' : String(r.eventsBehind),
    lag(r.lagSeconds),
    String(r.parked),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  for (const line of [header, ...lines]) process.stdout.write(`${line.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ').trimEnd()}\n`);
  for (const r of rows.filter((row) => row.lastError)) process.stdout.write(`\n${r.schema}: last error: ${r.lastError}\n`);
}

async function run(config: ProjectionsConfig): Promise<number> {
  const { command } = config;
  if (command.kind === 'list') {
    for (const p of projections) process.stdout.write(`${p.name} v${p.version}: tables ${p.tables.join(', ')}; handles ${p.handles.join(', ')}\n`);
    return 0;
  }
  await migrateEventStore(config.databaseUrl);
  await migrateReadStore(config.databaseUrl);
  const read = kysely(config.databaseUrl, 4);
  // Builds write read models only: derived data, so their commits need not wait for the disk.
  const write = kysely(config.databaseUrl, projections.length + 2, '-c synchronous_commit=off');
  const opened: OpenedEventStore = config.eventStoreUrl
    ? openEventStoreDbEventStore({ connectionString: config.eventStoreUrl, keysDatabaseUrl: config.databaseUrl, masterKey: config.masterKey })
    : openPostgresEventStore({ connectionString: config.databaseUrl, masterKey: config.masterKey, poolSize: 4 });
  const locks = new LockConnection(config.databaseUrl);
  const operations = new ProjectionOperations<DB>({ projections, store: opened.store, db: read.db, writeDb: write.db, locks, logger, batchSize: config.batchSize });

  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nStopping after the current page (Ctrl-C again to quit at once); run the same command again to resume.\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reporter = createBuildProgressReporter(process.stderr);
  const options = { signal: controller.signal, onProgress: reporter.update };
  try {
    switch (command.kind) {
      case 'status': {
        const rows = await operations.status(command.names);
        if (command.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else printStatus(rows);
        return 0;
      }
      case 'rebuild': {
        const names = command.all ? projections.map((p) => p.name) : command.names;
        process.stderr.write(`Rebuilding ${names.join(', ')} on ${redactUrl(config.databaseUrl)} (the serving versions keep serving)\n`);
        const report = await operations.rebuild(names, options);
        reporter.stop();
        if (!report.completed) {
          process.stdout.write('Interrupted: run the same command again to resume from where it stopped.\n');
          return 130;
        }
        const { outcome } = report;
        for (const s of report.switched) process.stdout.write(`${s.projection}: ${s.schema} switched in${s.replaced ? `, ${s.replaced} dropped` : ''}\n`);
        process.stdout.write(`${outcome.events} events in ${outcome.seconds.toFixed(1)} s (${Math.round(outcome.events / Math.max(outcome.seconds, 0.001))} events/s)${outcome.parked ? `; ${outcome.parked} PARKED (see status)` : ''}\n`);
        return 0;
      }
      case 'replay': {
        const report = await operations.replay(command.name, command.until, options);
        reporter.stop();
        if (!report.completed) {
          process.stdout.write('Interrupted: run the same command again to resume.\n');
          return 130;
        }
        process.stdout.write(
          `${report.projection} as of ${report.until}${report.alreadyBuilt ? ' (built before)' : ''} is in schema ${report.schema}:\n` +
            report.tables.map((t) => `  select * from "${report.schema}".${t};\n`).join('') +
            `Drop it when done: npm run projections -- drop ${report.schema}\n`,
        );
        return 0;
      }
      case 'reset': {
        const report = await operations.reset(command.name, { ...options, wait: command.wait });
        reporter.stop();
        process.stdout.write(`${report.projection}: dropped ${report.dropped.join(', ') || 'nothing'}; live again in ${report.schema}, from the first event\n`);
        if (!command.wait) return 0;
        process.stdout.write(report.completed ? `caught up (built by ${report.builtBy})\n` : 'not caught up yet: the projectors go on with it\n');
        return report.completed ? 0 : 130;
      }
      case 'drop': {
        const row = await operations.drop(command.schema);
        process.stdout.write(`dropped ${row.schemaName} (${row.projection} v${row.version}, ${row.purpose}, ${row.state})\n`);
        return 0;
      }
      default:
        return 2;
    }
  } catch (error) {
    reporter.stop();
    if (error instanceof ProjectionOperationRefused || error instanceof SchemaBusy) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await locks.close();
    await opened.close().catch(() => undefined);
    await read.db.destroy();
    await write.db.destroy();
  }
}

async function main(): Promise<void> {
  let config: ProjectionsConfig;
  try {
    config = loadProjectionsConfig();
  } catch (error) {
    if (!(error instanceof ProjectionsConfigError)) throw error;
    process.stderr.write(`${error.message}\n\n${PROJECTIONS_USAGE}`);
    process.exit(2);
  }
  process.exitCode = await run(config);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
