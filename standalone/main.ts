import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join, resolve } from 'node:path';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '@app/database';
import { ConfigError, NestPinoLogger, PlatformModule, createLogger, listenAndServe, migrateAll, platformConfigFrom } from '@app/platform';
import { ApiModule, apiSettingsFrom, loadApiEnv } from '../apps/api/src/index';
import { ProjectorsModule, loadProjectorsEnv, projectorsSettingsFrom } from '../apps/projectors/src/index';
import { SchedulersModule, loadSchedulersEnv, schedulersSettingsFrom } from '../apps/schedulers/src/index';
import { embeddedSecrets, loadStandaloneEnv } from './standalone.config';

/**
 * `npm start`: the API, the projectors and the schedulers in one process. With nothing
 * configured it runs on an embedded PostgreSQL under .data/, the PostgreSQL event store,
 * in-process messaging and the local outbox (.data/outbox/*.eml).
 */
async function main(): Promise<void> {
  const started = Date.now();
  const env = loadStandaloneEnv();
  const logger = createLogger({ service: 'standalone', level: env.LOG_LEVEL });
  const dataDir = resolve(env.DATA_DIR);

  let databaseUrl = env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: env.EMBEDDED_POSTGRES_PORT,
      log: (line) => logger.debug({ component: 'embedded-postgres' }, line),
    });
    stopEmbedded = embedded.stop;
    await ensureDatabase(embedded.url, 'copilot');
    databaseUrl = withDatabase(embedded.url, 'copilot');
    logger.info({ dataDir: join(dataDir, 'postgres') }, 'embedded PostgreSQL started');
  }

  const secrets = embeddedSecrets(dataDir, process.env);
  const merged = {
    ...process.env,
    ...secrets,
    DATABASE_URL: databaseUrl,
    PORT: String(env.PORT),
    PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    OUTBOX_DIR: process.env.OUTBOX_DIR ?? join(dataDir, 'outbox'),
  };
  const apiEnv = loadApiEnv(merged);
  const config = platformConfigFrom({ ...apiEnv, DATABASE_POOL_SIZE: apiEnv.DATABASE_POOL_SIZE }, 'standalone');
  await migrateAll(config.databaseUrl);

  @Module({
    imports: [
      PlatformModule.forRoot({ config, logger }),
      ApiModule.forRoot(apiSettingsFrom(apiEnv)),
      ProjectorsModule.forRoot(projectorsSettingsFrom(loadProjectorsEnv(merged))),
      SchedulersModule.forRoot(schedulersSettingsFrom(loadSchedulersEnv(merged))),
    ],
  })
  class StandaloneModule {}

  const app = await NestFactory.create(StandaloneModule, { logger: new NestPinoLogger(logger), bufferLogs: true });
  if (stopEmbedded) {
    const stop = stopEmbedded;
    // After the app has closed its pools, stop the database too.
    const close = app.close.bind(app);
    app.close = async () => {
      await close();
      await stop();
    };
  }
  const url = await listenAndServe(app, config, logger);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  logger.info({ graphql: `${url}/graphql`, seconds }, 'ready');
  process.stdout.write(`\nSales email copilot is ready in ${seconds}s\n  GraphQL:  ${url}/graphql\n  Health:   ${url}/health/ready\n  Metrics:  ${url}/metrics\n  Outbox:   ${merged.OUTBOX_DIR}\n  Stop with Ctrl-C.\n\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
