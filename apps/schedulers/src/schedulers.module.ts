import { BeforeApplicationShutdown, DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { LocalOutboxTransport, MailProviderSettings, Transport, mailboxKeys } from '@app/mail';
import { InProcessWorkQueue, NatsConnection, NatsWorkQueue, WorkQueue, WorkQueueSettings } from '@app/messaging';
import { CLOCK, Clock, NATS_CONNECTION, PLATFORM_CONFIG, PlatformConfig, ReadinessService, createKysely, createPool } from '@app/platform';
import { Kysely } from 'kysely';
import { Pool } from 'pg';
import { DeliveryJob } from './delivery/delivery-job';
import { DeliveryScheduler } from './delivery/delivery.scheduler';
import { ReactorsScheduler } from './reactors/reactors.scheduler';
import { SchedulersSettings } from './schedulers.config';
import { DELIVERY_QUEUE, MAILBOX_CONNECTIONS, MAIL_TRANSPORT, SCHEDULERS_DB, SCHEDULERS_LOCKS, SCHEDULERS_POOL, SCHEDULERS_SETTINGS } from './schedulers.tokens';
import { LockConnection } from '@app/projections';
import { InboxScheduler } from './inbox/inbox.scheduler';
import { MailboxConnections } from './mailboxes/mailbox-connections';
import { MailboxCredentials } from './mailboxes/mailbox-credentials';
import { OccasionsScheduler } from './occasions/occasions.scheduler';
import { TimersScheduler } from './timers/timers.scheduler';
import { AuditAnchorsScheduler } from './audit-anchors/audit-anchors.scheduler';

const NO_PROVIDERS: MailProviderSettings = { google: null, microsoft: null };

export function deliveryQueueSettings(settings: Pick<SchedulersSettings, 'deliveryMaxAttempts'>): WorkQueueSettings {
  // The worker records EmailFailed at its own bound; the queue's is a backstop above it.
  return { maxAttempts: settings.deliveryMaxAttempts + 2, ackWaitMs: 60_000 };
}

/**
 * The schedulers' own connection pool: reactors hold a connection each for their lock,
 * delivery workers one each while sending, the timer loop one per tick. Taking them from the
 * shared pool would starve the API and the projectors in the single-process mode.
 */
function schedulersPoolSize(settings: SchedulersSettings): number {
  // Reactors' locks live on one connection of their own (SCHEDULERS_LOCKS). A delivery worker
  // holds its email's lock on one connection and reserves its mailbox slot on another; the
  // timer loop, the inbox pollers and the occasion job take one each.
  return settings.deliveryConcurrency * 2 + 4;
}

/** Time-based work: step timers, reactors, email delivery, inbox pollers, occasion emails. */
@Module({})
export class SchedulersModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly timers: TimersScheduler,
    private readonly reactors: ReactorsScheduler,
    private readonly delivery: DeliveryScheduler,
    private readonly inbox: InboxScheduler,
    private readonly occasions: OccasionsScheduler,
    private readonly readiness: ReadinessService,
    @Inject(SCHEDULERS_DB) private readonly db: Kysely<unknown>,
    @Inject(DELIVERY_QUEUE) private readonly queue: WorkQueue<DeliveryJob>,
  ) {}

  static forRoot(settings: SchedulersSettings): DynamicModule {
    return {
      module: SchedulersModule,
      providers: [
        { provide: SCHEDULERS_SETTINGS, useValue: settings },
        { provide: SCHEDULERS_POOL, useFactory: (config: PlatformConfig) => createPool(config.databaseUrl, schedulersPoolSize(settings)), inject: [PLATFORM_CONFIG] },
        { provide: SCHEDULERS_DB, useFactory: (pool: Pool) => createKysely<unknown>(pool), inject: [SCHEDULERS_POOL] },
        { provide: SCHEDULERS_LOCKS, useFactory: (config: PlatformConfig) => new LockConnection(config.databaseUrl), inject: [PLATFORM_CONFIG] },
        {
          provide: DELIVERY_QUEUE,
          useFactory: (nc: NatsConnection | null): WorkQueue<DeliveryJob> =>
            nc ? new NatsWorkQueue<DeliveryJob>(nc, { ...settings.deliveryQueue, settings: deliveryQueueSettings(settings) }) : new InProcessWorkQueue<DeliveryJob>(deliveryQueueSettings(settings)),
          inject: [NATS_CONNECTION],
        },
        { provide: MAIL_TRANSPORT, useFactory: (): Transport => new LocalOutboxTransport(settings.outboxDir) },
        {
          provide: MAILBOX_CONNECTIONS,
          // Mailbox secrets are sealed with a key derived from PII_MASTER_KEY (no new secret to hand out).
          useFactory: (db: Kysely<unknown>, config: PlatformConfig, clock: Clock, outbox: Transport) => {
            const providers = settings.providers ?? NO_PROVIDERS;
            return new MailboxConnections(new MailboxCredentials(db, mailboxKeys(config.piiMasterKey).sealing, providers, clock), providers, outbox);
          },
          inject: [SCHEDULERS_DB, PLATFORM_CONFIG, CLOCK, MAIL_TRANSPORT],
        },
        TimersScheduler,
        ReactorsScheduler,
        DeliveryScheduler,
        AuditAnchorsScheduler,
        InboxScheduler,
        OccasionsScheduler,
      ],
      exports: [TimersScheduler, ReactorsScheduler, DeliveryScheduler, InboxScheduler, OccasionsScheduler, MAILBOX_CONNECTIONS],
    };
  }

  onModuleInit(): void {
    this.readiness.register({ name: 'timers', check: async () => this.timers.health() });
    this.readiness.register({ name: 'reactors', check: async () => this.reactors.health() });
    this.readiness.register({ name: 'delivery', check: async () => this.delivery.health() });
    this.readiness.register({ name: 'inbox', check: async () => this.inbox.health() });
    this.readiness.register({ name: 'occasions', check: async () => this.occasions.health() });
    if (this.queue instanceof NatsWorkQueue) {
      const queue = this.queue;
      this.readiness.register({ name: 'deliveryQueue', check: async () => (await queue.ensure(), true) });
    }
  }

  /** Starts once everything is up, so an API in the same process is listening first. */
  onApplicationBootstrap(): void {
    this.delivery.start();
    this.reactors.start();
    this.timers.start();
    this.inbox.start();
    this.occasions.start();
  }

  /**
   * Before the platform closes the store and the pools: stop claiming timers, then stop the
   * reactors (their batch in flight finishes and is checkpointed), then the workers (a send in
   * flight is recorded; a message not started goes back to the queue).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.timers.stop();
    await this.occasions.stop();
    await this.inbox.stop();
    await this.reactors.stop();
    await this.delivery.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    // Destroying Kysely ends its pool (the one reactors hold their locks on, too).
    await this.db.destroy().catch(() => undefined);
  }
}
