import type { Role } from '@petalpost/contracts';
import type { EntityManager } from 'typeorm';

/** A person as the passkey and identity-provider sign-ins need them. */
export interface SignInPerson {
  personId: string;
  email: string;
  displayName: string;
  operator: boolean;
}

export interface SignInMembership {
  shopId: string;
  roles: Role[];
  owner: boolean;
  manageTeam: boolean;
}

type Awaitable<T> = T | Promise<T>;

/** What passkeys and identity providers read of the people and their shops: exactly this. */
export abstract class IdentityDirectory {
  abstract byEmail(email: string): Awaitable<SignInPerson | undefined>;
  abstract byId(personId: string): Awaitable<SignInPerson | undefined>;
  abstract membershipsOf(personId: string): Awaitable<SignInMembership[]>;
}

export interface ClientInfo {
  address: string;
  userAgent?: string;
}

/** The answer of every sign-in, whatever the proof: the same shape as the password sign-in's. */
export interface OpenedSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
  refreshToken: string;
  session: { sessionId: string; role: Role; shopId?: string; createdAt: string; lastUsedAt: string; expiresAt: string; current: boolean };
  memberships: SignInMembership[];
}

/** Opens a session for a person who has just proven who they are, in the caller's transaction when given one. */
export abstract class SessionOpener {
  abstract open(person: SignInPerson, requested: { shopId?: string; role?: Role }, client: ClientInfo, db?: EntityManager): Promise<OpenedSession>;
}
