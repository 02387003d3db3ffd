import type { OrderItem, DeliveryWindow } from './order.state';

/** What people ask of an order, in the imperative. Time and ids come in with the command. */
export type PlaceOrder = {
  type: 'PlaceOrder';
  orderId: string;
  shopId: string;
  reference?: string;
  items: OrderItem[];
  deliveryWindow: DeliveryWindow;
  now: string;
};
export type AcceptOrder = { type: 'AcceptOrder'; now: string };
export type CancelOrder = { type: 'CancelOrder'; reason: string; now: string };

export type OrderCommand = PlaceOrder | AcceptOrder | CancelOrder;
