import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, NestPinoLogger, PlatformModule, createLogger, listenAndServe, migrateAll, platformConfigFrom } from '@app/platform';
import { loadProjectorsEnv, projectorsSettingsFrom } from './projectors.config';
import { ProjectorsModule } from './projectors.module';

/** The projectors on their own: `npm run start:projectors` (health and metrics on PORT). */
async function main(): Promise<void> {
  const env = loadProjectorsEnv();
  const config = platformConfigFrom(env, 'projectors');
  const logger = createLogger({ service: 'projectors', level: env.LOG_LEVEL });
  await migrateAll(config.databaseUrl);

  @Module({ imports: [PlatformModule.forRoot({ config, logger }), ProjectorsModule.forRoot(projectorsSettingsFrom(env))] })
  class ProjectorsAppModule {}

  const app = await NestFactory.create(ProjectorsAppModule, { logger: new NestPinoLogger(logger), bufferLogs: true });
  const url = await listenAndServe(app, config, logger);
  logger.info({ health: `${url}/health/ready` }, 'projectors running');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
