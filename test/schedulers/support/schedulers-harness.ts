import 'reflect-metadata';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventType } from '@app/events';
import { EventStore, OpenedEventStore, RecordedEvent, openPostgresEventStore } from '@app/event-store';
import { connectNats } from '@app/messaging';
import { ProjectionHost } from '@app/projections';
import { DB } from '@app/read-store';
import { MetricsService, PlatformConfig, PlatformModule, createKysely, createLogger, createPool } from '@app/platform';
import { TEST_MASTER_KEY, TestDatabase } from '@app/testing';
import { Kysely } from 'kysely';
import { projections } from '../../../apps/projectors/src/index';
import { SchedulersModule, SchedulersSettings } from '../../../apps/schedulers/src/index';

export const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
export const TRACKING_SECRET = 'tracking-secret-for-tests-of-32-chars!';
export const PUBLIC_URL = 'https://api.copilot.test';

const quietLogger = (service: string) => createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The log as a test reads it: its own store on the test database (as another process would). */
export function openStore(database: TestDatabase, poolSize = 2): OpenedEventStore {
  return openPostgresEventStore({ connectionString: database.url, masterKey: TEST_MASTER_KEY, poolSize });
}

export async function eventsOfType(store: EventStore, types: readonly EventType[]): Promise<RecordedEvent[]> {
  return store.readAll({ filter: { types }, limit: 100_000 });
}

/**
 * Every read model kept up to date in this process, like the projectors app. Its store is
 * the test's too (one fewer set of pools on a server every test file shares).
 */
export async function startProjectors(database: TestDatabase): Promise<{ db: Kysely<DB>; store: EventStore; stop: () => Promise<void> }> {
  const opened = openStore(database, 3);
  // Like the projectors app: locks on a small pool of their own, batches on another.
  const lockPool = createPool(database.url, projections.length);
  const db = createKysely<DB>(createPool(database.url, 2));
  const logger = quietLogger('projectors-test');
  const host = new ProjectionHost<DB>({
    projections,
    store: opened.store,
    db,
    logger: { info: (m, d) => logger.info(d ?? {}, m), warn: (m, d) => logger.warn(d ?? {}, m), error: (m, d) => logger.error(d ?? {}, m) },
    batchSize: 200,
    lockPool,
  });
  await host.start();
  return {
    db,
    store: opened.store,
    stop: async () => {
      await host.stop();
      await db.destroy();
      await lockPool.end();
      await opened.close();
    },
  };
}

export type SchedulerInstance = {
  app: INestApplicationContext;
  settings: SchedulersSettings;
  metrics: MetricsService;
  /** Stops it like SIGTERM would (Nest shutdown hooks). */
  close(): Promise<void>;
};

/** Unique JetStream names, so tests never touch a real DELIVERY stream or each other's. */
export function testDeliveryQueue(): SchedulersSettings['deliveryQueue'] {
  const suffix = randomBytes(4).toString('hex').toUpperCase();
  return { stream: `TEST_DELIVERY_${suffix}`, subject: `test.delivery.${suffix}`, consumer: `test-workers-${suffix}` };
}

export async function deleteStream(stream: string): Promise<void> {
  const nc = await connectNats({ servers: NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

export async function temporaryOutbox(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'copilot-outbox-'));
  return { dir: join(root, 'outbox'), remove: () => rm(root, { recursive: true, force: true }) };
}

/** The .eml files of an outbox: email id to raw message. */
export async function outboxMessages(dir: string): Promise<Map<string, string>> {
  const files = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  const out = new Map<string, string>();
  for (const file of files.filter((f) => f.endsWith('.eml'))) out.set(file.replace(/\.eml$/, ''), await readFile(join(dir, file), 'utf8'));
  return out;
}

/**
 * One scheduler process: the platform (its own pools, store and, with `nats`, NATS
 * connection) and the SchedulersModule, booted as a Nest application context.
 */
export async function startScheduler(database: TestDatabase, overrides: Partial<SchedulersSettings> & { nats?: boolean } = {}): Promise<SchedulerInstance> {
  const { nats, ...rest } = overrides;
  const config: PlatformConfig = {
    serviceName: 'schedulers',
    databaseUrl: database.url,
    eventStore: { kind: 'postgres' },
    natsUrl: nats ? NATS_URL : null,
    piiMasterKey: TEST_MASTER_KEY,
    logLevel: 'silent',
    http: { host: '127.0.0.1', port: 0 },
    // The server is shared by every test file running at once: stay small.
    databasePoolSize: 1,
  };
  const settings: SchedulersSettings = {
    publicUrl: PUBLIC_URL,
    trackingSecret: TRACKING_SECRET,
    outboxDir: join(tmpdir(), 'unused-outbox'),
    timerPollMs: 100,
    timerBatchSize: 50,
    deliveryConcurrency: 1,
    deliveryMaxAttempts: 3,
    deliveryQueue: testDeliveryQueue(),
    ...rest,
  };

  @Module({ imports: [PlatformModule.forRoot({ config, logger: quietLogger('schedulers-test') }), SchedulersModule.forRoot(settings)] })
  class SchedulersTestModule {}

  const app = await NestFactory.createApplicationContext(SchedulersTestModule, { logger: false });
  return { app, settings, metrics: app.get(MetricsService), close: () => app.close() };
}
