import { INestApplication } from '@nestjs/common';
import { migrateEventStore, parseMasterKey } from '@app/event-store';
import { migrateReadStore } from '@app/read-store';
import { ConfigError } from '../config/env';
import { PlatformConfig } from '../config/platform-config';
import { AppLogger } from '../logging/logger';

type CommonEnv = {
  DATABASE_URL?: string;
  EVENTSTORE_URL?: string;
  NATS_URL?: string;
  PII_MASTER_KEY?: string;
  LOG_LEVEL: string;
  HOST: string;
  PORT: number;
  DATABASE_POOL_SIZE?: number;
};

/**
 * The platform settings of a process started on its own: a real PostgreSQL is required (the
 * embedded one is only for the single-process `npm start`), and so is the key that protects
 * personal data.
 */
export function platformConfigFrom(env: CommonEnv, serviceName: PlatformConfig['serviceName']): PlatformConfig {
  const problems: string[] = [];
  if (!env.DATABASE_URL) problems.push('DATABASE_URL (unset): required when the app runs on its own; `npm start` runs everything on an embedded database');
  let piiMasterKey: Buffer | null = null;
  if (!env.PII_MASTER_KEY) problems.push('PII_MASTER_KEY (unset): required: 32 bytes as 64 hex digits or base64; every process must share it');
  else {
    try {
      piiMasterKey = parseMasterKey(env.PII_MASTER_KEY);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length || !piiMasterKey || !env.DATABASE_URL) throw new ConfigError(problems);
  return {
    serviceName,
    databaseUrl: env.DATABASE_URL,
    eventStore: env.EVENTSTORE_URL ? { kind: 'eventstoredb', url: env.EVENTSTORE_URL } : { kind: 'postgres' },
    natsUrl: env.NATS_URL ?? null,
    piiMasterKey,
    logLevel: env.LOG_LEVEL,
    http: { host: env.HOST, port: env.PORT },
    databasePoolSize: env.DATABASE_POOL_SIZE ?? 10,
  };
}

/** Brings every schema up to date. Safe to run from several processes at once (migration locks). */
export async function migrateAll(databaseUrl: string): Promise<void> {
  await migrateEventStore(databaseUrl);
  await migrateReadStore(databaseUrl);
}

/**
 * Listens, and shuts down cleanly on SIGINT/SIGTERM: stops taking work, lets in-flight work
 * finish (app.close() runs every module's shutdown hooks), closes connections, exits 0. A
 * second signal exits at once. (Nest's own enableShutdownHooks is not used: it re-raises the
 * signal after closing, so the process would end with 130 before saying it stopped cleanly.)
 */
export async function listenAndServe(app: INestApplication, config: PlatformConfig, logger: AppLogger): Promise<string> {
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    void app
      .close()
      .then(() => {
        logger.info('stopped cleanly');
        // Logs are written asynchronously: exit once they are out.
        logger.flush(() => process.exit(0));
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${port}`;
}
