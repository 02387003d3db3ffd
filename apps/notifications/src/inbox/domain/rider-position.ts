import { riderOf } from '@petalpost/auth';
import { isOrderEvent, orderLifecycleChange, type RiderPosition } from '@petalpost/contracts';
import { type Audience, OPERATOR_AUDIENCE, orderAudience, type RoutedEvent, shopAudience } from './audiences';

/** The position contract lives in libs/contracts; re-exported so this service's readers keep one import. */
export { type RiderPosition, RiderPositionSchema } from '@petalpost/contracts';

/** An order on the road: its customer may follow the rider carrying it. */
export interface DeliveryInProgress {
  orderId: string;
  shopId: string;
  riderId: string;
}

/** How an order event changes which orders are on the road with which rider. */
export type DeliveryChange =
  | { kind: 'on_the_road'; orderId: string; shopId: string; riderId?: string }
  | { kind: 'off_the_road'; orderId: string }
  | { kind: 'finished'; orderId: string };

/**
 * Out for delivery (again) puts an order on the road with its rider (the one the event names); a
 * card left at the door takes it off until it is reattempted; delivered, failed, returned,
 * cancelled, or left without a rider ends it. The order's lifecycle (libs/contracts) says which.
 */
export function deliveryChangeOf(event: RoutedEvent): DeliveryChange | undefined {
  const data = event.data as { orderId?: unknown };
  if (!isOrderEvent(event) || typeof data !== 'object' || data === null || typeof data.orderId !== 'string') return undefined;
  const orderId = data.orderId;
  const lifecycle = orderLifecycleChange(event);
  switch (lifecycle?.status) {
    case 'placed':
      return undefined;
    case 'out_for_delivery':
      return { kind: 'on_the_road', orderId, shopId: event.shopId, riderId: riderOf(event.data) };
    case 'carded':
      return { kind: 'off_the_road', orderId };
    case 'delivered':
    case 'delivery_failed':
    case 'returned':
    case 'cancelled':
      return { kind: 'finished', orderId };
  }
  return lifecycle?.riderId === null ? { kind: 'finished', orderId } : undefined;
}

/**
 * Who may see a rider's position: the operators, staff and dispatchers of the rider's shop, and the
 * customer of each order that rider is carrying right now — never before pickup, never after.
 */
export function positionAudiences(position: Pick<RiderPosition, 'riderId' | 'shopId'>, onTheRoad: readonly DeliveryInProgress[]): Audience[] {
  const audiences = [OPERATOR_AUDIENCE, shopAudience(position.shopId)];
  for (const delivery of onTheRoad) {
    if (delivery.riderId === position.riderId && delivery.shopId === position.shopId) audiences.push(orderAudience(delivery.orderId));
  }
  return audiences;
}

/** A position as one audience sees it: a customer follows their order, not a named rider. */
export function positionFrameFor(audience: Audience, position: RiderPosition) {
  const { riderId, shopId, ...where } = position;
  if (audience.startsWith('order:')) return { type: 'position' as const, audience, orderId: audience.slice('order:'.length), ...where };
  return { type: 'position' as const, audience, riderId, shopId, ...where };
}
