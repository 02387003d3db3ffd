import { canSeeShop, type Principal } from '@petalpost/auth';
import { DomainError, type Role } from '@petalpost/contracts';
import type { Order, OrderState } from '../domain/order.state';

/**
 * Who may see an order at all (ARCHITECTURE.md's table). Whoever may not gets 404, as if the
 * order did not exist: a rider asking for another rider's order learns nothing about it.
 */
export function maySee(principal: Principal, order: Order): boolean {
  switch (principal.role) {
    case 'operator':
      return true;
    case 'staff':
    case 'dispatcher':
    case 'florist':
      return canSeeShop(principal, order.shopId);
    case 'rider':
      // Only while assigned: once unassigned (or the order is closed) it is gone from their view.
      return canSeeShop(principal, order.shopId) && order.riderId === principal.sub;
    case 'customer':
      return principal.orderId === order.orderId;
    default:
      return false;
  }
}

export const orderNotFound = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');

export function assertVisible(principal: Principal, state: OrderState): asserts state is Order {
  if (state.status === 'none' || !maySee(principal, state)) throw orderNotFound();
}

/** Reading an order as of a past time is an audit: the shop's staff and operators do it, nobody else. */
const READ_THE_PAST: readonly Role[] = ['staff', 'operator'];

export function assertMayReadThePast(principal: Principal): void {
  if (!READ_THE_PAST.includes(principal.role)) throw new DomainError('invalid', 'AS_OF_STAFF_ONLY', 'only staff and operators may read an order as of a past time (asOf)');
}
