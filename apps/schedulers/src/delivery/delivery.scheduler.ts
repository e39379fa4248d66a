import { Inject, Injectable } from '@nestjs/common';
import { EnrollmentUseCases, Facts } from '@app/application';
import { EventStore } from '@app/event-store';
import { Transport } from '@app/mail';
import { InProcessWorkQueue, WorkConsumer, WorkQueue } from '@app/messaging';
import { AppLogger, CLOCK, Clock, CommandExecutor, EVENT_STORE, LOGGER, MetricsService } from '@app/platform';
import { Kysely, sql } from 'kysely';
import { SchedulersSettings } from '../schedulers.config';
import { MailboxConnections } from '../mailboxes/mailbox-connections';
import { DELIVERY_QUEUE, MAILBOX_CONNECTIONS, MAIL_TRANSPORT, SCHEDULERS_DB, SCHEDULERS_SETTINGS } from '../schedulers.tokens';
import { errorText } from '../shared/concurrency';
import { DeliveryJob } from './delivery-job';
import { DeliveryWorker } from './delivery.worker';

/** How often the in-process queue is refilled from the emails read model. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Runs the delivery workers on the work queue. With the in-process queue (no NATS) nothing
 * survives a restart, so queued-but-unsent emails are re-published from the emails read model
 * at start and every minute; the queue drops the ones it already holds (same id), and the
 * worker skips any that were sent meanwhile.
 */
@Injectable()
export class DeliveryScheduler {
  private readonly worker: DeliveryWorker;
  private consumer: WorkConsumer | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DELIVERY_QUEUE) private readonly queue: WorkQueue<DeliveryJob>,
    @Inject(SCHEDULERS_DB) private readonly db: Kysely<unknown>,
    @Inject(MAIL_TRANSPORT) transport: Transport,
    @Inject(MAILBOX_CONNECTIONS) mailboxes: MailboxConnections,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) private readonly logger: AppLogger,
    @Inject(SCHEDULERS_SETTINGS) private readonly settings: SchedulersSettings,
    facts: Facts,
    enrollments: EnrollmentUseCases,
    metrics: MetricsService,
    commands: CommandExecutor,
  ) {
    this.worker = new DeliveryWorker({
      store,
      facts,
      enrollments,
      db,
      transport,
      mailboxes,
      commands,
      clock,
      logger: logger.child({ component: 'delivery' }),
      settings,
      onOutcome: (outcome, name) => metrics.emailsDelivered.inc({ transport: name, outcome }),
    });
  }

  start(): void {
    if (this.consumer) return;
    this.consumer = this.queue.consume(this.worker.handle, { concurrency: this.settings.deliveryConcurrency });
    if (this.queue instanceof InProcessWorkQueue) {
      const sweep = () => void this.sweep().catch((error: unknown) => this.logger.warn({ error: errorText(error) }, 'could not re-publish unsent emails; trying again later'));
      sweep();
      this.sweepTimer = setInterval(sweep, SWEEP_EVERY_MS);
      this.sweepTimer.unref();
    }
  }

  /** Stops taking messages; sends in flight finish and are recorded. */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.consumer?.stop();
    this.consumer = null;
    await this.queue.close();
  }

  health(): true | string {
    return this.consumer ? true : 'delivery workers are not running';
  }

  /** Re-publishes every email the read model shows queued and not yet sent or failed. */
  async sweep(): Promise<number> {
    let published = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await sql<DeliveryJob>`
        select email_id as "emailId", workspace_id as "workspaceId", enrollment_id as "enrollmentId" from emails
        where sent_at is null and failed_at is null and email_id > ${after}
        order by email_id limit 500`.execute(this.db);
      for (const job of rows) if (!(await this.queue.publish(job.emailId, job)).duplicate) published++;
      if (rows.length < 500) break;
      after = (rows[rows.length - 1] as DeliveryJob).emailId;
    }
    if (published) this.logger.info({ published }, 'unsent emails put back on the in-process delivery queue');
    return published;
  }
}
