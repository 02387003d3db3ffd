import { canSeeShop, type Principal, type RiderFacts, type RiderGrace, riderSeesOrder } from '@petalpost/auth';
import { DomainError, FINAL_STATUSES, type Role } from '@petalpost/contracts';
import type { Order, OrderState } from '../domain/order.state';

/**
 * Who may see an order at all (ARCHITECTURE.md's table), decided on the order as it is now.
 * Whoever may not gets 404, as if the order did not exist: a rider asking for another rider's
 * order learns nothing about it.
 */
export function maySee(principal: Principal, order: Order, grace: RiderGrace): boolean {
  switch (principal.role) {
    case 'operator':
      return true;
    case 'staff':
    case 'dispatcher':
    case 'florist':
      return canSeeShop(principal, order.shopId);
    case 'rider':
      // Only while assigned, and for the grace period after delivering it: then it is gone from their view.
      return canSeeShop(principal, order.shopId) && riderSeesOrder(principal.sub, riderFactsOf(order), grace);
    case 'customer':
      return principal.orderId === order.orderId;
    default:
      return false;
  }
}

function riderFactsOf(order: Order): RiderFacts {
  return { riderId: order.riderId, deliveredAt: order.delivery?.deliveredAt, closed: FINAL_STATUSES.includes(order.status) && order.status !== 'delivered' };
}

export const orderNotFound = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');

export function assertVisible(principal: Principal, state: OrderState, grace: RiderGrace): asserts state is Order {
  if (state.status === 'none' || !maySee(principal, state, grace)) throw orderNotFound();
}

/** Reading an order as of a past time is an audit: the shop's staff and operators do it, nobody else. */
const READ_THE_PAST: readonly Role[] = ['staff', 'operator'];

export function assertMayReadThePast(principal: Principal): void {
  if (!READ_THE_PAST.includes(principal.role)) throw new DomainError('invalid', 'AS_OF_STAFF_ONLY', 'only staff and operators may read an order as of a past time (asOf)');
}
