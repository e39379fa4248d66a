import { EventType } from '@app/events';
import { RecordedEvent } from '@app/event-store';
import { Kysely, sql } from 'kysely';

/** What a reactor gets besides its events. */
export type ReactorContext = {
  /** Aborts when the runner stops: long waits inside `handle` should give up on it. */
  signal: AbortSignal;
};

/**
 * A checkpointed consumer of the log that issues commands instead of writing read models.
 * Its checkpoint is saved after `handle` returns, so after a crash the last batch is handled
 * again: every command it issues must be idempotent (deciders answer a repeat with no
 * events). `handle` throws only for trouble worth retrying (the database, the broker); a rule
 * the decider refuses is a fact to log, not a reason to stop.
 */
export type Reactor = {
  /** Stable: it names the checkpoint and the lock; renaming starts again from the first event. */
  readonly name: string;
  readonly handles: readonly EventType[];
  handle(events: readonly RecordedEvent[], context: ReactorContext): Promise<void>;
};

const ident = /^[a-z][a-z0-9_]*$/;

/** The projection_checkpoints key of a reactor (no schema of that name exists). */
export function reactorCheckpointKey(name: string): string {
  if (!ident.test(name) || name.length > 50) throw new Error(`"${name}" is not a usable reactor name (lower-case letters, digits and _)`);
  return `reactor_${name}`;
}

/**
 * Creates the reactor's checkpoint row when missing. Reactors share projection_checkpoints
 * with projections (purpose 'reactor'): one place shows how far every consumer has got.
 */
export async function ensureReactorCheckpoint(db: Kysely<unknown>, name: string): Promise<void> {
  await sql`
    insert into projection_checkpoints (schema_name, projection, version, purpose, state)
    values (${reactorCheckpointKey(name)}, ${`reactor:${name}`}, 1, 'reactor', 'live')
    on conflict (schema_name) do nothing`.execute(db);
}
