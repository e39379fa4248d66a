import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, NestPinoLogger, PlatformModule, createLogger, listenAndServe, migrateAll, platformConfigFrom } from '@app/platform';
import { Module } from '@nestjs/common';
import { loadApiEnv, apiSettingsFrom } from './api.config';
import { ApiModule } from './api.module';

/** The API on its own: `npm run start:api` with DATABASE_URL, NATS_URL, the secrets. */
async function main(): Promise<void> {
  const env = loadApiEnv();
  const config = platformConfigFrom({ ...env, DATABASE_POOL_SIZE: env.DATABASE_POOL_SIZE }, 'api');
  const logger = createLogger({ service: 'api', level: env.LOG_LEVEL });
  await migrateAll(config.databaseUrl);

  @Module({ imports: [PlatformModule.forRoot({ config, logger }), ApiModule.forRoot(apiSettingsFrom(env))] })
  class ApiAppModule {}

  const app = await NestFactory.create(ApiAppModule, { logger: new NestPinoLogger(logger), bufferLogs: true });
  const url = await listenAndServe(app, config, logger);
  logger.info({ graphql: `${url}/graphql` }, `API ready: GraphQL at ${url}/graphql`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
