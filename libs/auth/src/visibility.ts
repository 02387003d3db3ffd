import type { IntegrationEvent } from '@petalpost/contracts';
import { canSeeShop, type Principal } from './principal';

/**
 * ARCHITECTURE.md's visibility table for pushed events, in one place: who may be told about an
 * event. Every push (WebSocket, SSE) asks this before sending anything; the notifications
 * service's inbox audiences are derived from the same sets and fields, and tested against it.
 */

/** The production queue: what is to be made, by when, and what no longer is. */
export const FLORIST_EVENTS: ReadonlySet<string> = new Set([
  'OrderAccepted',
  'OrderCancelled',
  'ProductionStarted',
  'ArrangementPhotoAttached',
  'ArrangementFinished',
  'DeliveryWindowChanged',
]);
/** The buyer's own order: its progress, never who rides it or what the shop notes about it. */
export const CUSTOMER_EVENTS: ReadonlySet<string> = new Set([
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

type Routed = Pick<IntegrationEvent, 'type' | 'shopId' | 'data'>;

export function mayReceive(principal: Principal, event: Routed): boolean {
  switch (principal.role) {
    case 'operator':
      return true;
    case 'staff':
    case 'dispatcher':
      return canSeeShop(principal, event.shopId);
    case 'florist':
      return canSeeShop(principal, event.shopId) && (FLORIST_EVENTS.has(event.type) || isMentioned(principal, event));
    case 'rider':
      // Riders hear only of orders assigned to them, and only while assigned.
      return canSeeShop(principal, event.shopId) && (riderOf(event.data) === principal.sub || isMentioned(principal, event));
    case 'customer':
      return orderOf(event.data) === principal.orderId && CUSTOMER_EVENTS.has(event.type);
    default:
      return false;
  }
}

/** Someone @mentioned in a conversation of their own shop is told, whatever their role reads otherwise. */
function isMentioned(principal: Principal, event: Routed): boolean {
  return principal.shopId === event.shopId && mentionsOf(event.data).includes(principal.sub);
}

/** The rider an event names (`data.riderId`): the one assigned at the time. */
export function riderOf(data: unknown): string | undefined {
  return field(data, 'riderId');
}

/** The order an event is about (`data.orderId`). */
export function orderOf(data: unknown): string | undefined {
  return field(data, 'orderId');
}

/** The subjects @mentioned by a message (`data.mentions`), as messaging publishes them. */
export function mentionsOf(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || !('mentions' in data)) return [];
  const mentions = (data as { mentions: unknown }).mentions;
  return Array.isArray(mentions) ? mentions.filter((m): m is string => typeof m === 'string' && m.length > 0) : [];
}

function field(data: unknown, name: string): string | undefined {
  if (typeof data !== 'object' || data === null || !(name in data)) return undefined;
  const value = (data as Record<string, unknown>)[name];
  return value === undefined || value === null ? undefined : String(value);
}
