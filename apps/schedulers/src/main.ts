import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, NestPinoLogger, PlatformModule, createLogger, listenAndServe, migrateAll, platformConfigFrom } from '@app/platform';
import { loadSchedulersEnv, schedulersSettingsFrom } from './schedulers.config';
import { SchedulersModule } from './schedulers.module';

/** The schedulers on their own: `npm run start:schedulers` (health and metrics on PORT). */
async function main(): Promise<void> {
  const env = loadSchedulersEnv();
  const config = platformConfigFrom(env, 'schedulers');
  const logger = createLogger({ service: 'schedulers', level: env.LOG_LEVEL });
  await migrateAll(config.databaseUrl);

  @Module({ imports: [PlatformModule.forRoot({ config, logger }), SchedulersModule.forRoot(schedulersSettingsFrom(env))] })
  class SchedulersAppModule {}

  const app = await NestFactory.create(SchedulersAppModule, { logger: new NestPinoLogger(logger), bufferLogs: true });
  const url = await listenAndServe(app, config, logger);
  logger.info({ health: `${url}/health/ready` }, 'schedulers running');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
