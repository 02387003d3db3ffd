import { maySeeOrder, type Principal, type RiderGrace } from '@petalpost/auth';
import { DomainError, endedUndelivered, type Role } from '@petalpost/contracts';
import type { Order, OrderState } from '../domain/order.state';

/** Who may see an order at all: the visibility table in libs/auth, asked of the order as it is now. */
export function maySee(principal: Principal, order: Order, grace: RiderGrace): boolean {
  const { orderId, shopId, riderId, delivery, status } = order;
  return maySeeOrder(principal, { orderId, shopId, riderId, deliveredAt: delivery?.deliveredAt, closed: endedUndelivered(status) }, grace);
}

export const orderNotFound = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');

export function assertVisible(principal: Principal, state: OrderState, grace: RiderGrace): asserts state is Order {
  if (state.status === 'none' || !maySee(principal, state, grace)) throw orderNotFound();
}

/** Reading an order as of a past time is an audit: the shop's staff and operators do it, nobody else. */
const READ_THE_PAST: readonly Role[] = ['staff', 'operator'];

export function assertMayReadThePast(principal: Principal): void {
  if (!READ_THE_PAST.includes(principal.role))
    throw new DomainError('invalid', 'AS_OF_STAFF_ONLY', 'only staff and operators may read an order as of a past time (asOf)');
}
