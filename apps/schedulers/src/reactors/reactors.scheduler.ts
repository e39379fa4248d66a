import { Inject, Injectable } from '@nestjs/common';
import { EnrollmentUseCases, Facts } from '@app/application';
import { EventStore } from '@app/event-store';
import { ProgressBus, WorkQueue } from '@app/messaging';
import { Reactor, ReactorRunner, LockConnection, RunnerStatus } from '@app/projections';
import { AppLogger, CommandExecutor, EVENT_STORE, LOGGER, PROGRESS_BUS, libraryLogger } from '@app/platform';
import { Kysely } from 'kysely';
import { DeliveryJob } from '../delivery/delivery-job';
import { DELIVERY_QUEUE, SCHEDULERS_DB, SCHEDULERS_LOCKS } from '../schedulers.tokens';
import { ReadModelWatermark } from '../shared/read-model-watermark';
import { campaignCompletionReactor } from './campaign-completion.reactor';
import { campaignLifecycleReactor } from './campaign-lifecycle.reactor';
import { deliveryDispatchReactor } from './delivery-dispatch.reactor';
import { enrollmentStartReactor } from './enrollment-start.reactor';
import { leadOptOutReactor } from './lead-opt-out.reactor';
import { ReactorDependencies } from './reactor-support';

/** Every reactor of the schedulers, given what they need. */
export function schedulerReactors(deps: ReactorDependencies): Reactor[] {
  return [enrollmentStartReactor(deps), campaignLifecycleReactor(deps), leadOptOutReactor(deps), campaignCompletionReactor(deps), deliveryDispatchReactor(deps)];
}

/**
 * Runs the reactors: checkpointed consumers of the log that turn events into commands (and
 * queued emails into delivery messages). Each has one active instance across all scheduler
 * processes; the others stand by and take over when it stops.
 */
@Injectable()
export class ReactorsScheduler {
  private readonly runners: ReactorRunner[];
  private readonly watermark: ReadModelWatermark;
  private controller: AbortController | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SCHEDULERS_DB) db: Kysely<unknown>,
    @Inject(SCHEDULERS_LOCKS) private readonly locks: LockConnection,
    @Inject(PROGRESS_BUS) progress: ProgressBus,
    @Inject(DELIVERY_QUEUE) queue: WorkQueue<DeliveryJob>,
    @Inject(LOGGER) logger: AppLogger,
    enrollments: EnrollmentUseCases,
    facts: Facts,
    commands: CommandExecutor,
  ) {
    const log = logger.child({ component: 'reactors' });
    this.watermark = new ReadModelWatermark(db, store, progress);
    const reactors = schedulerReactors({ db, enrollments, facts, commands, watermark: this.watermark, queue, logger: log });
    this.runners = reactors.map((reactor) => new ReactorRunner({ reactor, store, db, locks, logger: libraryLogger(log), batchSize: 200, standbyMs: 2000 }));
  }

  start(): void {
    if (this.running) return;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.running = Promise.all(this.runners.map((runner) => runner.run(signal)));
  }

  /** Stops taking events; a batch in flight finishes its commands and saves its checkpoint. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.running;
    this.running = null;
    this.watermark.close();
    await this.locks.close();
  }

  status(): RunnerStatus[] {
    return this.runners.map((r) => r.status());
  }

  /** Running (active or standing by); a reactor that keeps failing says so in the logs and its status. */
  health(): true | string {
    return this.running ? true : 'reactors are not running';
  }
}
