import { DomainError } from '@petalpost/contracts';
import type { OrderCommand } from './order.commands';
import type { OrderEvent } from './order.events';
import { evolve, exhaustive, initialState, type OrderState } from './order.state';

/** An illegal transition names the rule and the state the order is in (HTTP 409). */
function refuse(code: string, message: string, state: OrderState): never {
  throw new DomainError('conflict', code, message, { status: state.status, state });
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'PlaceOrder': {
      if (state.status !== 'none') refuse('ORDER_ALREADY_EXISTS', 'this order was already placed', state);
      const { orderId, shopId, reference, items, deliveryWindow, now } = command;
      return [{ type: 'OrderPlaced', data: { orderId, shopId, reference, items, deliveryWindow, placedAt: now } }];
    }
    case 'AcceptOrder':
      if (state.status === 'none') throw new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
      if (state.status === 'accepted') return [];
      if (state.status !== 'placed') refuse('ORDER_NOT_ACCEPTABLE', `an order that is ${state.status} cannot be accepted`, state);
      return [{ type: 'OrderAccepted', data: { orderId: state.orderId, shopId: state.shopId, acceptedAt: command.now } }];
    case 'CancelOrder':
      if (state.status === 'none') throw new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
      if (state.status === 'cancelled') return [];
      if (state.status !== 'placed' && state.status !== 'accepted') {
        refuse('ORDER_NOT_CANCELLABLE', `an order that is ${state.status} cannot be cancelled`, state);
      }
      return [{ type: 'OrderCancelled', data: { orderId: state.orderId, shopId: state.shopId, reason: command.reason, cancelledAt: command.now } }];
    default:
      return exhaustive(command);
  }
}

/** The order aggregate as the event store's command handler runs it. */
export const orderDecider = { streamType: 'order', initialState, evolve, decide };
