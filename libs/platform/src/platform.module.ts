import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EnrollmentUseCases, Facts } from '@app/application';
import { ErasureWatcher, EventStore, KeyStore, OpenedEventStore, openEventStoreDbEventStore, openPostgresEventStore } from '@app/event-store';
import { InProcessProgressBus, NatsConnection, NatsProgressBus, ProgressBus, connectNats } from '@app/messaging';
import { Kysely, sql } from 'kysely';
import { Pool } from 'pg';
import { CommandExecutor } from './commands/command-executor';
import { PlatformConfig } from './config/platform-config';
import { createKysely, createPool } from './database/database';
import { HealthController } from './health/health.controller';
import { ReadinessService } from './health/readiness.service';
import { AppLogger, libraryLogger } from './logging/logger';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { CLOCK, EVENT_STORE, KEY_STORE, KYSELY, LOGGER, NATS_CONNECTION, PG_POOL, PLATFORM_CONFIG, PROGRESS_BUS, systemClock } from './platform.tokens';

export type PlatformModuleOptions = {
  config: PlatformConfig;
  logger: AppLogger;
};

/**
 * EVENTSTORE_URL set: the log lives in EventStoreDB (personal-data keys and the event-id
 * registry stay in PostgreSQL); otherwise in PostgreSQL.
 */
const openStore = async ({ config }: PlatformModuleOptions, pool: Pool): Promise<OpenedEventStore> => {
  // The store, the keys and the read side share one pool: a process has one connection budget.
  if (config.eventStore.kind === 'eventstoredb') {
    return openEventStoreDbEventStore({ connectionString: config.eventStore.url, keysDatabaseUrl: config.databaseUrl, masterKey: config.piiMasterKey, sharedPool: pool });
  }
  return openPostgresEventStore({ connectionString: config.databaseUrl, masterKey: config.piiMasterKey, sharedPool: pool });
};

/**
 * The infrastructure every app shares: one instance per process, so in the single-process
 * mode the API, projectors and schedulers share the pool, the store and the in-process bus.
 * Every process decrypts lead data, so each runs one erasure watcher: an erased lead's key
 * leaves this process's cache as soon as LeadErased is in the log.
 */
@Global()
@Module({})
export class PlatformModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly readiness: ReadinessService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KYSELY) private readonly db: Kysely<unknown>,
    @Inject('OPENED_EVENT_STORE') private readonly opened: OpenedEventStore,
    @Inject(PROGRESS_BUS) private readonly progress: ProgressBus,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection | null,
    private readonly erasures: ErasureWatcher,
  ) {}

  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { config, logger } = options;
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: systemClock },
        { provide: PG_POOL, useFactory: () => createPool(config.databaseUrl, config.databasePoolSize) },
        { provide: KYSELY, useFactory: (pool: Pool) => createKysely(pool), inject: [PG_POOL] },
        { provide: 'OPENED_EVENT_STORE', useFactory: (pool: Pool) => openStore(options, pool), inject: [PG_POOL] },
        { provide: EVENT_STORE, useFactory: (opened: OpenedEventStore): EventStore => opened.store, inject: ['OPENED_EVENT_STORE'] },
        { provide: KEY_STORE, useFactory: (opened: OpenedEventStore): KeyStore => opened.keys, inject: ['OPENED_EVENT_STORE'] },
        {
          provide: NATS_CONNECTION,
          useFactory: async () => (config.natsUrl ? connectNats({ servers: config.natsUrl.split(',').map((s) => s.trim()), name: `copilot-${config.serviceName}`, maxReconnectAttempts: -1 }) : null),
        },
        {
          provide: PROGRESS_BUS,
          useFactory: (nc: NatsConnection | null): ProgressBus => (nc ? new NatsProgressBus(nc) : new InProcessProgressBus()),
          inject: [NATS_CONNECTION],
        },
        {
          provide: ErasureWatcher,
          useFactory: (store: EventStore, keys: KeyStore) => new ErasureWatcher(store, keys, libraryLogger(logger.child({ component: 'erasure-watch' }))),
          inject: [EVENT_STORE, KEY_STORE],
        },
        ReadinessService,
        MetricsService,
        CommandExecutor,
        { provide: Facts, useFactory: (store: EventStore) => new Facts(store), inject: [EVENT_STORE] },
        { provide: EnrollmentUseCases, useFactory: (commands: CommandExecutor, facts: Facts) => new EnrollmentUseCases(commands, facts), inject: [CommandExecutor, Facts] },
      ],
      exports: [
        PLATFORM_CONFIG,
        LOGGER,
        CLOCK,
        PG_POOL,
        KYSELY,
        EVENT_STORE,
        KEY_STORE,
        NATS_CONNECTION,
        PROGRESS_BUS,
        ReadinessService,
        MetricsService,
        CommandExecutor,
        Facts,
        EnrollmentUseCases,
      ],
    };
  }

  onModuleInit(): void {
    this.readiness.register({ name: 'database', check: async () => (await sql`select 1`.execute(this.db), true) });
    this.readiness.register({ name: 'eventStore', check: async () => (await this.opened.store.headPosition(), true) });
    if (this.nats) {
      const nc = this.nats;
      this.readiness.register({ name: 'nats', check: async () => (nc.isClosed() ? 'connection closed' : true) });
    }
  }

  onApplicationBootstrap(): Promise<void> {
    return this.erasures.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.erasures.stop();
    await this.progress.close();
    if (this.nats && !this.nats.isClosed()) await this.nats.drain().catch(() => undefined);
    await this.opened.close().catch(() => undefined);
    await this.db.destroy().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
