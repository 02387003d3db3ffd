import { CUSTOMER_EVENTS, FLORIST_EVENTS, mentionsOf, orderOf, type Principal, riderOf } from '@petalpost/auth';
import type { IntegrationEvent } from '@petalpost/contracts';

/**
 * An inbox: one gapless sequence of notifications that a group of readers shares.
 *
 * - `operator`                the live feed across shops
 * - `shop:<shopId>`           staff and dispatchers of the shop
 * - `florist:<shopId>`        the shop's production queue
 * - `rider:<shopId>:<rider>`  events naming that rider (the one assigned at the time)
 * - `order:<orderId>`         the customer of that order: its progress
 * - `person:<shopId>:<sub>`   someone @mentioned in a conversation of their shop
 *
 * Derived from the sets and fields of libs/auth's visibility table: `mayReceive(principal, event)`
 * holds exactly when `audiencesFor(event)` and `audiencesOf(principal)` meet (audiences.unit.spec.ts).
 */
export type Audience = string;

export type RoutedEvent = Pick<IntegrationEvent, 'type' | 'shopId' | 'data'>;

export const OPERATOR_AUDIENCE: Audience = 'operator';
export const shopAudience = (shopId: string): Audience => `shop:${shopId}`;
export const floristAudience = (shopId: string): Audience => `florist:${shopId}`;
export const riderAudience = (shopId: string, riderId: string): Audience => `rider:${shopId}:${riderId}`;
export const orderAudience = (orderId: string): Audience => `order:${orderId}`;
export const personAudience = (shopId: string, sub: string): Audience => `person:${shopId}:${sub}`;

/** The inboxes an event is written to, sorted: writers lock their heads in this order, so two never deadlock. */
export function audiencesFor(event: RoutedEvent): Audience[] {
  const audiences = new Set<Audience>([OPERATOR_AUDIENCE, shopAudience(event.shopId)]);
  if (FLORIST_EVENTS.has(event.type)) audiences.add(floristAudience(event.shopId));
  const rider = riderOf(event.data);
  if (rider !== undefined) audiences.add(riderAudience(event.shopId, rider));
  const order = orderOf(event.data);
  if (order !== undefined && CUSTOMER_EVENTS.has(event.type)) audiences.add(orderAudience(order));
  for (const sub of mentionsOf(event.data)) audiences.add(personAudience(event.shopId, sub));
  return [...audiences].sort();
}

/** The inboxes a connected principal reads. */
export function audiencesOf(principal: Principal): Audience[] {
  const { shopId, sub } = principal;
  switch (principal.role) {
    case 'operator':
      return [OPERATOR_AUDIENCE];
    case 'staff':
    case 'dispatcher':
      return shopId ? [shopAudience(shopId), personAudience(shopId, sub)] : [];
    case 'florist':
      return shopId ? [floristAudience(shopId), personAudience(shopId, sub)] : [];
    case 'rider':
      return shopId ? [riderAudience(shopId, sub), personAudience(shopId, sub)] : [];
    case 'customer':
      return principal.orderId ? [orderAudience(principal.orderId)] : [];
    default:
      return [];
  }
}

export type AudienceKind = 'operator' | 'shop' | 'florist' | 'rider' | 'order' | 'person';

/** What kind of reader an audience has: the payload is shaped for it. */
export function kindOf(audience: Audience): AudienceKind {
  const kind = audience.split(':', 1)[0];
  switch (kind) {
    case 'operator':
    case 'shop':
    case 'florist':
    case 'rider':
    case 'order':
    case 'person':
      return kind;
    default:
      throw new Error(`not an audience: ${audience}`);
  }
}
