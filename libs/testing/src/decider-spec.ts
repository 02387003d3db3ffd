import { DomainError } from '@petalpost/contracts';

interface PureDecider<C, E, S> {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
}

/**
 * given(history).when(command).then(events) — or .thenRefuses(code): the shape of every decider
 * test. Pure: no database, no broker, no clock.
 */
export function specFor<C, E, S>(decider: PureDecider<C, E, S>) {
  return {
    given(history: E[]) {
      const state = history.reduce(decider.evolve, decider.initialState());
      return {
        when(command: C) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: E[]) {
              expect(run()).toEqual(expected);
            },
            thenRefuses(code: string, kind?: DomainError['kind']) {
              let error: unknown;
              try {
                run();
              } catch (err) {
                error = err;
              }
              expect(error).toBeInstanceOf(DomainError);
              expect((error as DomainError).code).toBe(code);
              if (kind) expect((error as DomainError).kind).toBe(kind);
              return error as DomainError;
            },
          };
        },
      };
    },
  };
}
