import { RecordedEvent } from '@app/event-store';
import { Kysely } from 'kysely';
import { CheckpointedRunner, CheckpointedRunnerOptions } from './checkpointed-runner';
import { Reactor, ensureReactorCheckpoint, reactorCheckpointKey } from './reactor';

export type ReactorRunnerOptions = Omit<CheckpointedRunnerOptions, 'schema' | 'progress' | 'until' | 'stopWhenCaughtUp'> & { reactor: Reactor };

/**
 * Runs one reactor with the projection runner's machinery: one active instance per reactor
 * (advisory lock), catch-up then live from its stored checkpoint, retry with backoff,
 * resubscribe when the subscription drops. Unlike a projection, the work happens outside any
 * transaction (commands append to the store, messages go to a broker) and the checkpoint is
 * saved after it; and an event that keeps failing is never parked: a skipped command is an
 * email never sent or a lead never suppressed, so the reactor retries (loudly) instead.
 */
export class ReactorRunner extends CheckpointedRunner {
  protected readonly parksFailingEvents = false;
  private signal: AbortSignal = new AbortController().signal;

  constructor(private readonly options: ReactorRunnerOptions) {
    super({ ...options, schema: reactorCheckpointKey(options.reactor.name) }, { kind: 'reactor', name: options.reactor.name, handles: options.reactor.handles });
  }

  /** Creates the checkpoint row when missing; safe from every process at once. */
  async prepare(): Promise<void> {
    await ensureReactorCheckpoint(this.options.db, this.options.reactor.name);
  }

  override async run(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    await this.prepare();
    await super.run(signal);
  }

  protected async commit(events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    await this.options.reactor.handle(events, { signal: this.signal });
    await this.saveCheckpoint(this.db as Kysely<unknown>, checkpoint, events.length);
  }
}
