import type { OrderStatus } from '@petalpost/contracts';
import type { OrderEvent } from './order.events';

export type OrderItem = { sku: string; name: string; quantity: number };
export type DeliveryWindow = { from: string; to: string };

export type OrderState =
  | { status: 'none' }
  | {
      status: OrderStatus;
      orderId: string;
      shopId: string;
      reference?: string;
      items: OrderItem[];
      deliveryWindow: DeliveryWindow;
      placedAt: string;
      acceptedAt?: string;
      cancelledAt?: string;
      cancelReason?: string;
    };

export function initialState(): OrderState {
  return { status: 'none' };
}

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderPlaced':
      return { status: 'placed', ...event.data };
    case 'OrderAccepted':
      return state.status === 'none' ? state : { ...state, status: 'accepted', acceptedAt: event.data.acceptedAt };
    case 'OrderCancelled':
      return state.status === 'none'
        ? state
        : { ...state, status: 'cancelled', cancelledAt: event.data.cancelledAt, cancelReason: event.data.reason };
    default:
      return exhaustive(event);
  }
}

export function exhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
