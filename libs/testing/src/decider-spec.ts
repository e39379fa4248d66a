import { validateEventData } from '@app/events';
import { Decider, fold } from '@app/domain';

type AnyEvent = { type: string; data: unknown };
type ErrorClass = new (...args: never[]) => Error;

/**
 * given(events).when(command).then(events) for a decider. `then` also checks that every
 * produced payload passes its catalogue schema, so a decider cannot emit what the store
 * would refuse.
 */
export function deciderSpec<C, E extends AnyEvent, S>(decider: Decider<C, E, S>) {
  return {
    given(history: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, history));
          return {
            then(expected: E[]) {
              const produced = run();
              expect(produced).toEqual(expected);
              for (const event of produced) validateEventData(event.type, event.data);
              return produced;
            },
            /** For assertions on part of the outcome (rendered bodies, computed times). */
            produced(): E[] {
              const produced = run();
              for (const event of produced) validateEventData(event.type, event.data);
              return produced;
            },
            thenNothing() {
              expect(run()).toEqual([]);
            },
            thenThrows(errorClass: ErrorClass, message?: string | RegExp) {
              expect(run).toThrow(errorClass);
              if (message !== undefined) expect(run).toThrow(message);
            },
          };
        },
      };
    },
  };
}

/** The state after a history, for the rare spec that must look at it. */
export function stateAfter<E extends AnyEvent, S>(decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>, history: E[]): S {
  return fold(decider, history);
}
