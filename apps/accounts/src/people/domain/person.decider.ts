import { DomainError, exhaustive } from '@petalpost/contracts';

export const personStream = (personId: string) => `person-${personId}`;

/**
 * A person: who they are across every shop they belong to. Their e-mail is unique (kept by
 * the sign-in table's unique index, written with this event) and their password hash is kept
 * out of the log: a secret must be replaceable and erasable, the log is forever.
 */
export type PersonEvent = {
  type: 'PersonRegistered';
  data: { personId: string; email: string; displayName: string; operator: boolean; registeredAt: string; by: string };
};

export type PersonCommand = { type: 'RegisterPerson'; personId: string; email: string; displayName: string; operator: boolean; by: string; now: string };

export type PersonState = { status: 'none' } | { status: 'registered'; personId: string; email: string; displayName: string; operator: boolean };

export const initialState = (): PersonState => ({ status: 'none' });

export function evolve(_state: PersonState, event: PersonEvent): PersonState {
  switch (event.type) {
    case 'PersonRegistered': {
      const { personId, email, displayName, operator } = event.data;
      return { status: 'registered', personId, email, displayName, operator };
    }
    default:
      return exhaustive(event.type);
  }
}

export function decide(command: PersonCommand, state: PersonState): PersonEvent[] {
  switch (command.type) {
    case 'RegisterPerson': {
      if (state.status !== 'none') throw new DomainError('conflict', 'PERSON_EXISTS', 'this person is already registered');
      const { personId, email, displayName, operator, by, now } = command;
      return [{ type: 'PersonRegistered', data: { personId, email, displayName, operator, registeredAt: now, by } }];
    }
    default:
      return exhaustive(command.type);
  }
}

export const personDecider = { streamType: 'person', initialState, evolve, decide };
