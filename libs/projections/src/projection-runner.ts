import { RecordedEvent } from '@app/event-store';
import { Kysely } from 'kysely';
import { CheckpointedRunner, CheckpointedRunnerOptions } from './checkpointed-runner';
import { Projection, ProjectionContext } from './projection';

export type { RunnerStatus } from './checkpointed-runner';

export type ProjectionRunnerOptions<DB> = Omit<CheckpointedRunnerOptions, 'db'> & {
  projection: Projection<DB>;
  db: Kysely<DB>;
};

/**
 * Runs one projection version: takes its advisory lock (one active instance; the others wait
 * as standbys), subscribes from the stored checkpoint, applies each batch and moves the
 * checkpoint in the same transaction. A failing batch is retried with backoff; an event that
 * keeps failing on its own is parked (recorded, logged loudly) so the rest can go on. When
 * the subscription drops, it resubscribes from the stored checkpoint.
 */
export class ProjectionRunner<DB> extends CheckpointedRunner {
  protected readonly parksFailingEvents = true;

  constructor(private readonly options: ProjectionRunnerOptions<DB>) {
    super({ ...options, db: options.db as unknown as Kysely<unknown> }, { kind: 'projection', name: options.projection.name, handles: options.projection.handles });
  }

  private context(trx: Kysely<DB>): ProjectionContext<DB> {
    const { store, logger, projection } = this.options;
    const schema = this.currentSchema;
    return {
      db: trx.withSchema(schema) as ProjectionContext<DB>['db'],
      schema,
      orderKey: (event: RecordedEvent) => store.orderKey(event.position).toString(),
      warn: (text, details) => logger.warn(text, { projection: projection.name, ...details }),
    };
  }

  /** Rows and checkpoint in one transaction: a read model never runs ahead of or behind its checkpoint. */
  protected async commit(events: readonly RecordedEvent[], checkpoint: string): Promise<void> {
    await this.options.db.transaction().execute(async (trx) => {
      await this.options.projection.apply(this.context(trx), events);
      await this.saveCheckpoint(trx as unknown as Kysely<unknown>, checkpoint, events.length);
    });
  }
}
