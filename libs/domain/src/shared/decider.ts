/**
 * A decider: the whole behaviour of one aggregate as three pure functions. No IO, no clock,
 * no randomness: time, ids and outside facts arrive in the command, so `decide` can simply be
 * run again after a version conflict.
 */
export type Decider<Command, Event, State> = {
  readonly initialState: () => State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State) => Event[];
};

export function fold<Event, State>(decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>, events: Iterable<Event>): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/** Ends every switch over a union: adding a member breaks the build where it must be handled. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
