import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventStore } from '@app/event-store';
import { ProgressBus } from '@app/messaging';
import { LockConnection, ProjectionHost, viewsExist } from '@app/projections';
import { DB } from '@app/read-store';
import { AppLogger, EVENT_STORE, KYSELY, LOGGER, MetricsService, PLATFORM_CONFIG, PROGRESS_BUS, PlatformConfig, ReadinessService, createKysely, libraryLogger, survivesLostConnections } from '@app/platform';
import { Pool } from 'pg';
import { Kysely } from 'kysely';
import { projections } from '../projections.registry';
import { PROJECTORS_SETTINGS } from '../projectors.tokens';
import { ProjectorsSettings } from '../projectors.config';

/**
 * Runs every projection of the registry in this process. Tables and views are made before the
 * application listens (so an API in the same process never meets a missing view); the runners
 * start once everything is up and stop, finishing their batch, on shutdown.
 */
@Injectable()
export class ProjectionHostService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly host: ProjectionHost<DB>;
  /** One connection holds the advisory locks of every runner. */
  private readonly locks: LockConnection;
  /**
   * Projections write through connections whose commits do not wait for the disk
   * (synchronous_commit off): a read model is derived from the log and its checkpoint moves
   * in the same transaction, so a crash loses rows and checkpoint together and the runner
   * applies those events again. It saves an fsync per batch per projection, most of the time
   * between an append and the read models showing it.
   */
  private readonly writePool: Pool;
  private readonly writeDb: Kysely<DB>;
  private lagTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(KYSELY) private readonly db: Kysely<DB>,
    @Inject(PROGRESS_BUS) progress: ProgressBus,
    @Inject(LOGGER) logger: AppLogger,
    @Inject(PROJECTORS_SETTINGS) settings: ProjectorsSettings,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    private readonly metrics: MetricsService,
    private readonly readiness: ReadinessService,
  ) {
    this.locks = new LockConnection(config.databaseUrl);
    // A few connections are enough: batches are short, and runners wait their turn.
    // Batches run in transactions: a connection lost mid-batch fails that batch (retried), not the process.
    this.writePool = survivesLostConnections(new Pool({ connectionString: config.databaseUrl, max: Math.min(4, config.databasePoolSize), options: '-c synchronous_commit=off' }));
    this.writeDb = createKysely<DB>(this.writePool);
    this.host = new ProjectionHost<DB>({
      projections,
      store,
      db: this.writeDb,
      locks: this.locks,
      logger: libraryLogger(logger.child({ component: 'projections' })),
      progress,
      batchSize: settings.batchSize,
      onBatch: (projection, applied, checkpoint) => {
        this.metrics.projectionEventsApplied.inc({ projection }, applied);
        this.metrics.projectionPosition.set({ projection }, Number(store.orderKey(checkpoint) % BigInt(Number.MAX_SAFE_INTEGER)));
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.host.prepare();
    this.readiness.register({ name: 'readModels', check: async () => (await viewsExist(this.db as unknown as Kysely<unknown>, projections)) || 'read-model views missing' });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.host.start();
    this.lagTimer = setInterval(() => void this.sampleLag().catch(() => undefined), 5000);
    this.lagTimer.unref();
  }

  status() {
    return this.host.status();
  }

  /** Lag per projection: events after its checkpoint (capped) and the age of the oldest one. */
  private async sampleLag(): Promise<void> {
    for (const status of this.host.status()) {
      const projection = projections.find((p) => p.name === status.projection);
      if (!projection) continue;
      const behind = await this.store.adapter.readAll({ from: status.checkpoint, limit: 10_000, filter: { types: projection.handles } });
      this.metrics.projectionLagEvents.set({ projection: status.projection }, behind.length);
      const oldest = behind[0];
      const occurredAt = oldest ? Date.parse((JSON.parse(oldest.metadata) as { occurredAt?: string }).occurredAt ?? '') : NaN;
      this.metrics.projectionLagSeconds.set({ projection: status.projection }, Number.isFinite(occurredAt) ? Math.max(0, (Date.now() - occurredAt) / 1000) : 0);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    await this.host.stop();
    await this.writeDb.destroy().catch(() => undefined);
    await this.locks.close();
  }
}
