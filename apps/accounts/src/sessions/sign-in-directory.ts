import { type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { assertShopInScope, type Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import type { DirectoryMembership, DirectoryPerson } from '../people';

export type { DirectoryMembership, DirectoryPerson };

type Awaitable<T> = T | Promise<T>;

/**
 * What sign-in, sessions and API keys read of the people and their shops: exactly this, so the
 * people slice can change freely behind it. Read afresh at every sign-in and refresh, so a person
 * removed from a shop cannot refresh into it.
 */
export abstract class SignInDirectory {
  abstract byEmail(email: string): Awaitable<DirectoryPerson | undefined>;
  abstract byId(personId: string): Awaitable<DirectoryPerson | undefined>;
  abstract membershipsOf(personId: string): Awaitable<DirectoryMembership[]>;
  /** Checks the password against the person's stored hash (Argon2id). */
  abstract verifyPassword(person: DirectoryPerson, password: string): Awaitable<boolean>;
}

/** Binds SignInDirectory for every slice of the service, to the provider given (from the modules given). */
export class SignInDirectoryModule {
  static using(binding: Provider, imports: ModuleMetadata['imports'] = []): DynamicModule {
    return { module: SignInDirectoryModule, global: true, imports, providers: [binding], exports: [SignInDirectory] };
  }
}

/**
 * A shop's team is managed by its owner and those given the right, re-read from the directory (a
 * token's role alone does not say it), and by operators. Another shop is not there for the caller.
 */
export async function assertManagesTeam(directory: SignInDirectory, principal: Principal, shopId: string): Promise<void> {
  assertShopInScope(principal, shopId);
  if (principal.role === 'operator') return;
  const membership = (await directory.membershipsOf(principal.sub)).find((m) => m.shopId === shopId);
  if (!membership) throw new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
  if (!membership.owner && !membership.manageTeam) {
    throw new DomainError('forbidden', 'MANAGE_TEAM_REQUIRED', "only the shop's owner and those who manage its team may do this");
  }
}
