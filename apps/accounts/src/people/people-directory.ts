import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normalizeEmail, normalizePassword } from './domain/credentials';
import type { ShopRole } from './domain/shop.events';
import { verifyPassword } from './passwords';
import { membershipsOf, personByEmail, personById } from './people.queries';

/** A person as sign-in needs them. `passwordHash` is an Argon2id PHC string: never log it, never send it anywhere. */
export interface DirectoryPerson {
  personId: string;
  /** Normalised: NFKC, trimmed, lower-case. */
  email: string;
  displayName: string;
  passwordHash?: string;
  /** One of the platform's own people: no shop, every shop. */
  operator: boolean;
}

/** A shop the person belongs to today, with their roles and rights there. */
export interface DirectoryMembership {
  shopId: string;
  roles: ShopRole[];
  owner: boolean;
  manageTeam: boolean;
}

/**
 * Who may sign in, and for which shops — for the sign-in and refresh paths:
 *   byEmail(email)      → DirectoryPerson | undefined   (the address is normalised first)
 *   byId(personId)      → DirectoryPerson | undefined
 *   membershipsOf(id)   → DirectoryMembership[]          (active only: a removed member's shop is gone on the next sign-in or refresh)
 *   verifyPassword(personId | DirectoryPerson | undefined, password) → boolean
 *                         (Argon2id verify; an unknown person or one without a password costs the same and is false)
 * Reads the read model, which trails the log by milliseconds.
 */
@Injectable()
export class PeopleDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async byEmail(email: string): Promise<DirectoryPerson | undefined> {
    return directoryPerson(await personByEmail(this.dataSource.manager, normalizeEmail(email)));
  }

  async byId(personId: string): Promise<DirectoryPerson | undefined> {
    return directoryPerson(await personById(this.dataSource.manager, personId));
  }

  async membershipsOf(personId: string): Promise<DirectoryMembership[]> {
    const rows = await membershipsOf(this.dataSource.manager, personId);
    return rows.map(({ shopId, roles, owner, manageTeam }) => ({ shopId, roles, owner, manageTeam }));
  }

  async verifyPassword(person: string | DirectoryPerson | undefined, password: string): Promise<boolean> {
    const record = typeof person === 'string' ? await this.byId(person) : person;
    return verifyPassword(record?.passwordHash, normalizePassword(password));
  }
}

function directoryPerson(row: Awaited<ReturnType<typeof personById>>): DirectoryPerson | undefined {
  if (!row) return undefined;
  const { personId, email, displayName, passwordHash, operator } = row;
  return { personId, email, displayName, ...(passwordHash ? { passwordHash } : {}), operator };
}
