import { DomainEvent, WriteMetadata } from '@app/events';
import { Decider, fold } from '@app/domain';
import { WrongExpectedVersion } from '../errors';
import { AppendResult } from '../event-store.types';
import { EventStore, RecordedEvent } from '../event-store';

export type CommandOutcome<E, S> = {
  /** What the decision produced (empty when the command changed nothing). */
  events: E[];
  /** The stream's state after the decision. */
  state: S;
  /** Null when nothing was appended. */
  appended: AppendResult | null;
};

export type HandleCommandOptions<C, E extends DomainEvent, S> = {
  store: EventStore;
  streamId: string;
  decider: Decider<C, E, S>;
  /**
   * The command, or a function building it from the current state: it runs again after a
   * conflict, so facts it gathers are fresh each time.
   */
  command: C | ((state: S, history: readonly RecordedEvent[]) => C | Promise<C>);
  metadata: WriteMetadata;
  /** Attempts in all, including the first (default 8). */
  maxAttempts?: number;
  /** Stable ids for the produced events, so a retried request appends idempotently. */
  eventIds?: (events: E[]) => string[];
  /**
   * The stream is expected not to exist (its id is derived from what creates it): decide
   * against the initial state and append with no_stream, saving the read; if the stream does
   * exist after all, fall back to reading it and deciding again.
   */
  assumeNewStream?: boolean;
};

const isBuilder = <C, S>(command: unknown): command is (state: S, history: readonly RecordedEvent[]) => C | Promise<C> => typeof command === 'function';

/**
 * Load, fold, decide, append with the expected revision; on a conflict, do it all again (safe
 * because `decide` is pure), a bounded number of times with a little jitter.
 */
export async function handleCommand<C, E extends DomainEvent, S>(options: HandleCommandOptions<C, E, S>): Promise<CommandOutcome<E, S>> {
  const maxAttempts = options.maxAttempts ?? 8;
  let assumeNew = options.assumeNewStream === true;
  for (let attempt = 1; ; attempt++) {
    const history = assumeNew ? [] : await options.store.readStream(options.streamId);
    // The stream holds only this decider's events: that is what the stream name promises.
    const state = fold(options.decider, history as unknown as E[]);
    const command = isBuilder<C, S>(options.command) ? await options.command(state, history) : options.command;
    const events = options.decider.decide(command, state);
    if (events.length === 0) return { events, state, appended: null };
    const last = history[history.length - 1];
    const expected = last ? last.revision : 'no_stream';
    const ids = options.eventIds?.(events);
    try {
      const appended = await options.store.append(
        options.streamId,
        events.map((event, i) => (ids ? { ...event, id: ids[i] } : event)),
        expected,
        options.metadata,
      );
      const after = events.reduce(options.decider.evolve, state);
      return { events, state: after, appended };
    } catch (error) {
      if (assumeNew && error instanceof WrongExpectedVersion) {
        assumeNew = false;
        continue;
      }
      if (!(error instanceof WrongExpectedVersion) || attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
