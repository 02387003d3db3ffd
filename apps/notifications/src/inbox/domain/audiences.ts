import { mentionedRolesOf, mentionsOf, orderToldOf, type Principal, riderToldOf, rolesToldOf, writtenByCustomer } from '@petalpost/auth';
import type { IntegrationEvent, Role } from '@petalpost/contracts';

/**
 * An inbox: one gapless sequence of notifications that a group of readers shares.
 *
 * - `operator`                the live feed across shops
 * - `shop:<shopId>`           staff and dispatchers of the shop: every event of the shop but what is
 *                             said in channels dispatchers may not read
 * - `staff:<shopId>`          the shop's staff only: the customer channels and the shop channels
 * - `florist:<shopId>`        the shop's production queue, and the internal channels
 * - `rider:<shopId>:<rider>`  events naming that rider (the one assigned at the time)
 * - `riders:<shopId>`         every rider of the shop: what is said in the shop's channels
 * - `order:<orderId>`         the customer of that order: its progress and its customer channel
 * - `person:<shopId>:<sub>`   someone @mentioned in a conversation of their shop
 * - `role:<shopId>:<role>`    everyone of a role @mentioned (`@florist`) where that role may read
 *
 * Derived from libs/auth's visibility table: `mayReceive(principal, event)` holds exactly when
 * `audiencesFor(event)` and `audiencesOf(principal)` meet (audiences.unit.spec.ts).
 */
export type Audience = string;

export type RoutedEvent = Pick<IntegrationEvent, 'type' | 'shopId' | 'data'> & { metadata?: { actor?: { role: string } } };

export const OPERATOR_AUDIENCE: Audience = 'operator';
export const shopAudience = (shopId: string): Audience => `shop:${shopId}`;
export const staffAudience = (shopId: string): Audience => `staff:${shopId}`;
export const floristAudience = (shopId: string): Audience => `florist:${shopId}`;
export const riderAudience = (shopId: string, riderId: string): Audience => `rider:${shopId}:${riderId}`;
export const ridersAudience = (shopId: string): Audience => `riders:${shopId}`;
export const orderAudience = (orderId: string): Audience => `order:${orderId}`;
export const personAudience = (shopId: string, sub: string): Audience => `person:${shopId}:${sub}`;
export const roleAudience = (shopId: string, role: Role): Audience => `role:${shopId}:${role}`;

/** The inboxes an event is written to, sorted (the inbox writer decides the order it locks their heads in). */
export function audiencesFor(event: RoutedEvent): Audience[] {
  const { shopId } = event;
  const audiences = new Set<Audience>([OPERATOR_AUDIENCE]);
  const roles = rolesToldOf(event);
  // Staff are told whenever dispatchers are: the shared inbox when both are, theirs alone otherwise.
  if (roles.includes('dispatcher')) audiences.add(shopAudience(shopId));
  else if (roles.includes('staff')) audiences.add(staffAudience(shopId));
  if (roles.includes('florist')) audiences.add(floristAudience(shopId));
  if (roles.includes('rider')) audiences.add(ridersAudience(shopId));
  const rider = riderToldOf(event);
  if (rider !== undefined) audiences.add(riderAudience(shopId, rider));
  const order = orderToldOf(event);
  if (order !== undefined) audiences.add(orderAudience(order));
  if (!writtenByCustomer(event)) {
    for (const sub of mentionsOf(event.data)) audiences.add(personAudience(shopId, sub));
    for (const role of mentionedRolesOf(event)) audiences.add(roleAudience(shopId, role));
  }
  return [...audiences].sort();
}

/** The inboxes a connected principal reads. */
export function audiencesOf(principal: Principal): Audience[] {
  const { shopId, sub } = principal;
  switch (principal.role) {
    case 'operator':
      return [OPERATOR_AUDIENCE];
    case 'staff':
      return shopId ? [shopAudience(shopId), staffAudience(shopId), personAudience(shopId, sub), roleAudience(shopId, 'staff')] : [];
    case 'dispatcher':
      return shopId ? [shopAudience(shopId), personAudience(shopId, sub), roleAudience(shopId, 'dispatcher')] : [];
    case 'florist':
      return shopId ? [floristAudience(shopId), personAudience(shopId, sub), roleAudience(shopId, 'florist')] : [];
    case 'rider':
      return shopId ? [riderAudience(shopId, sub), ridersAudience(shopId), personAudience(shopId, sub)] : [];
    case 'customer':
      return principal.orderId ? [orderAudience(principal.orderId)] : [];
    default:
      return [];
  }
}

export type AudienceKind = 'operator' | 'shop' | 'staff' | 'florist' | 'rider' | 'riders' | 'order' | 'person' | 'role';

/** What kind of reader an audience has: the payload is shaped for it. */
export function kindOf(audience: Audience): AudienceKind {
  const kind = audience.split(':', 1)[0];
  switch (kind) {
    case 'operator':
    case 'shop':
    case 'staff':
    case 'florist':
    case 'rider':
    case 'riders':
    case 'order':
    case 'person':
    case 'role':
      return kind;
    default:
      throw new Error(`not an audience: ${audience}`);
  }
}
