import { DomainError } from '@petalpost/contracts';
import { canSeeShop, type Principal } from './principal';

export const shopNotFound = () => new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');

/**
 * The one shop a request acts on: operators name it; everyone else acts on their own, and a shop
 * they name that is not theirs is not there for them (404, or the caller's own refusal).
 */
export function shopInScope(principal: Principal, requested: string | undefined, notTheirs: () => DomainError = shopNotFound): string {
  if (principal.role === 'operator') {
    if (!requested) throw new DomainError('invalid', 'SHOP_REQUIRED', 'operators must say which shop (shopId)');
    return requested;
  }
  if (!principal.shopId) throw new DomainError('forbidden', 'SHOP_REQUIRED', 'this token names no shop');
  if (requested !== undefined && requested !== principal.shopId) throw notTheirs();
  return principal.shopId;
}

/** For reads across shops: operators may name one shop or none (every shop); everyone else reads their own. */
export function shopFilter(principal: Principal, requested: string | undefined): string | undefined {
  return principal.role === 'operator' ? requested : shopInScope(principal, requested);
}

/** A shop named in the path: another shop is not there for this caller. */
export function assertShopInScope(principal: Principal, shopId: string): void {
  if (!canSeeShop(principal, shopId)) throw shopNotFound();
}
