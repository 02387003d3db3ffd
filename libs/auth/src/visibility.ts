import type { IntegrationEvent } from '@petalpost/contracts';
import { canSeeShop, type Principal } from './principal';

/**
 * ARCHITECTURE.md's visibility table for pushed events, in one place: who may be told about an
 * event. Every push (WebSocket, SSE) asks this before sending anything.
 */
/** The production queue: what is to be made, by when, and what no longer is. */
const FLORIST_EVENTS = new Set(['OrderAccepted', 'OrderCancelled', 'ProductionStarted', 'ArrangementPhotoAttached', 'ArrangementFinished', 'DeliveryWindowChanged']);
/** The buyer's own order: its progress, never who rides it or what the shop notes about it. */
const CUSTOMER_EVENTS = new Set([
  'OrderPlaced',
  'OrderAccepted',
  'OrderRejected',
  'OrderCancelled',
  'ProductionStarted',
  'ArrangementPhotoAttached',
  'ArrangementFinished',
  'OutForDelivery',
  'OrderDelivered',
  'DeliveryCarded',
  'DeliveryReattempted',
  'DeliveryFailed',
  'DeliveryRescheduled',
  'DeliveryWindowChanged',
  'OrderReturned',
  'EtaUpdated',
]);

export function mayReceive(principal: Principal, event: Pick<IntegrationEvent, 'type' | 'shopId' | 'data'>): boolean {
  switch (principal.role) {
    case 'operator':
      return true;
    case 'staff':
    case 'dispatcher':
      return canSeeShop(principal, event.shopId);
    case 'florist':
      return canSeeShop(principal, event.shopId) && FLORIST_EVENTS.has(event.type);
    case 'rider':
      // Riders hear only of orders assigned to them, and only while assigned.
      return canSeeShop(principal, event.shopId) && riderOf(event.data) === principal.sub;
    case 'customer':
      return orderOf(event.data) === principal.orderId && CUSTOMER_EVENTS.has(event.type);
    default:
      return false;
  }
}

function riderOf(data: unknown): string | undefined {
  return typeof data === 'object' && data !== null && 'riderId' in data ? String((data as { riderId: unknown }).riderId) : undefined;
}

function orderOf(data: unknown): string | undefined {
  return typeof data === 'object' && data !== null && 'orderId' in data ? String((data as { orderId: unknown }).orderId) : undefined;
}
