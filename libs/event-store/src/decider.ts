import type { NewEvent } from './stored-event';

/**
 * An aggregate's rules as three pure functions (the decider pattern): the state is
 * `events.reduce(evolve, initialState())`, and a command becomes events through `decide`,
 * which throws a DomainError to refuse.
 */
export interface Decider<Command, Event extends NewEvent, State> {
  streamType: string;
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** The state a history leads to: `events.reduce(evolve, state)`, from the initial state by default. */
export function foldEvents<Event extends NewEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'evolve' | 'initialState'>,
  events: readonly NewEvent[],
  state: State = decider.initialState(),
): State {
  return events.reduce((s, e) => decider.evolve(s, e as Event), state);
}
