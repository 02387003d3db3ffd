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
