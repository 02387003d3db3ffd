import type { IntegrationEvent, Role } from '@petalpost/contracts';
import type { Principal } from './principal';

/**
 * The visibility table for pushed events, in one place: who may be told about an
 * event. Every push (WebSocket, SSE) asks this before sending anything; the notifications
 * service's inbox audiences are derived from the same functions, and tested against it.
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
/** Held orders from the shop's systems (the orders intake): the staff resolve them, nobody else is told. */
export const STAFF_EVENTS: ReadonlySet<string> = new Set(['IntakeOrderNeedsAttention', 'IntakeOrderResolved']);
/** What is said in a channel: told to everyone the channel tells. */
export const MESSAGE_EVENTS: ReadonlySet<string> = new Set(['MessagePosted', 'MessageEdited', 'MessageRecalled', 'ShopChannelMessagePosted']);
/** How far someone read a channel: for the shop's desk among those the channel tells. */
export const READ_RECEIPT_EVENTS: ReadonlySet<string> = new Set(['MessagesRead']);

/**
 * Where something was said or read: an order conversation's `internal` or `customer` channel, a
 * shop-wide channel, or a channel this table does not know (a newer producer's), which is kept to
 * the strictest rule.
 */
export type Channel = 'internal' | 'customer' | 'shop' | 'unknown';

/**
 * Of each channel, the shop's roles told of everything said in it (`told`), and the roles that may
 * read it and so be @mentioned in it by role (`readers`): apps/messaging's channel-access.ts.
 * Besides them, the internal channel tells the rider taking part (`data.riderId`) and the customer
 * channel the order's customer. Dispatchers, florists and riders never read the customer channel.
 * A shop channel is told to the staff and to every rider of the shop (on the road, the rider's app
 * is where they hear it); florists and dispatchers read it when they look, and are told when
 * @mentioned. Riders are @mentioned by name only: there is no `@rider`.
 */
const CHANNELS: Record<Channel, { told: readonly Role[]; readers: readonly Role[] }> = {
  internal: { told: ['staff', 'dispatcher', 'florist'], readers: ['staff', 'dispatcher', 'florist'] },
  customer: { told: ['staff'], readers: ['staff'] },
  shop: { told: ['staff', 'rider'], readers: ['staff', 'dispatcher', 'florist'] },
  unknown: { told: ['staff'], readers: ['staff'] },
};
/** The shop's desk: told of every event of their shop said in no channel, and of the read receipts of the channels that tell them. */
const DESK: readonly Role[] = ['staff', 'dispatcher'];

type Routed = Pick<IntegrationEvent, 'type' | 'shopId' | 'data'> & { metadata?: { actor?: { role: string } } };

/**
 * Whether the order's customer wrote or did this (the message's author, or the event's actor). A
 * customer has nobody at the shop to @mention: whatever such an event names reaches nobody by
 * mention, and so never becomes a critical notification (messaging already drops a customer's
 * mentions; this holds should one come through all the same).
 */
export function writtenByCustomer(event: Routed): boolean {
  if (event.metadata?.actor?.role === 'customer') return true;
  const data = event.data;
  if (typeof data !== 'object' || data === null || !('author' in data)) return false;
  const author = (data as { author: unknown }).author;
  return typeof author === 'object' && author !== null && (author as { role?: unknown }).role === 'customer';
}

/**
 * The table itself, by role: what each party may see of a shop, as one question — an order, or an
 * event pushed about one — answers it for its subject.
 */
interface Subject {
  shopId: string;
  /** The order whose customer may see it, if any. */
  orderId: string | undefined;
  /** Whether the shop's staff, dispatchers or florists in that role see it. */
  seenByShopRole: (role: 'staff' | 'dispatcher' | 'florist') => boolean;
  /** Whether this rider of the shop sees it. */
  seenByRider: (riderId: string) => boolean;
}

function sees(principal: Principal, subject: Subject): boolean {
  switch (principal.role) {
    case 'operator':
      return true;
    case 'staff':
    case 'dispatcher':
    case 'florist':
      return principal.shopId === subject.shopId && subject.seenByShopRole(principal.role);
    case 'rider':
      return principal.shopId === subject.shopId && subject.seenByRider(principal.sub);
    case 'customer':
      return principal.orderId !== undefined && subject.orderId === principal.orderId;
    default:
      return false;
  }
}

/** Whether a pushed event may reach this principal. */
export function mayReceive(principal: Principal, event: Routed): boolean {
  return sees(principal, {
    shopId: event.shopId,
    orderId: orderToldOf(event),
    seenByShopRole: (role) => rolesToldOf(event).includes(role) || isMentioned(principal, event),
    // Riders hear only of orders assigned to them, and only while assigned; and, all of them, what is said in the shop's channels.
    seenByRider: (riderId) => riderToldOf(event) === riderId || rolesToldOf(event).includes('rider') || isMentioned(principal, event),
  });
}

/**
 * Whether this principal may see an order at all (its API, its reads and commands). Whoever may
 * not is answered 404, as if the order did not exist: a rider asking for another rider's order
 * learns nothing about it.
 */
export function maySeeOrder(principal: Principal, order: { orderId: string; shopId: string } & RiderFacts, grace: RiderGrace): boolean {
  return sees(principal, {
    shopId: order.shopId,
    orderId: order.orderId,
    seenByShopRole: () => true,
    seenByRider: (riderId) => riderSeesOrder(riderId, order, grace),
  });
}

/** What of an order decides whether a rider still sees it. */
export interface RiderFacts {
  /** The rider assigned now (a delivered order keeps the one who delivered it); none once unassigned. */
  riderId?: string;
  /** When it was delivered, if it was. */
  deliveredAt?: string;
  /** It ended without delivery (cancelled, rejected, returned). */
  closed: boolean;
}

/** `now`, and how long after delivery (RIDER_GRACE_MINUTES) the rider who delivered keeps the order. */
export interface RiderGrace {
  now: string;
  riderGraceMinutes: number;
}

/**
 * The one rule of which orders a rider sees (the order itself, its conversation): only the one
 * assigned, while assigned, and for a grace period after delivering it (to finish the handover: a
 * last message, a question about the proof). An order that ends without delivery is gone at once.
 */
export function riderSeesOrder(riderId: string, order: RiderFacts, grace: RiderGrace): boolean {
  if (order.riderId !== riderId || order.closed) return false;
  if (order.deliveredAt === undefined) return true;
  return Date.parse(grace.now) < Date.parse(order.deliveredAt) + grace.riderGraceMinutes * 60_000;
}

/**
 * The shop's roles told of an event. Of a channel: those it tells, and of what is not a message
 * (read receipts), only the desk among them. Otherwise the desk, and florists their queue. `rider`
 * here means every rider of the shop (a shop channel's messages); `riderToldOf` names the one rider
 * told of an order's events.
 */
export function rolesToldOf(event: Routed): readonly Role[] {
  const channel = channelOf(event);
  if (channel === undefined) {
    if (STAFF_EVENTS.has(event.type)) return ['staff'];
    return FLORIST_EVENTS.has(event.type) ? [...DESK, 'florist'] : DESK;
  }
  const { told } = CHANNELS[channel];
  return MESSAGE_EVENTS.has(event.type) ? told : told.filter((role) => DESK.includes(role));
}

/** The rider told of an event: the one it names (the one assigned at the time), of a channel only in the internal one's messages. */
export function riderToldOf(event: Routed): string | undefined {
  const channel = channelOf(event);
  if (channel !== undefined && !(channel === 'internal' && MESSAGE_EVENTS.has(event.type))) return undefined;
  return riderOf(event.data);
}

/** The order whose customer is told of an event: its progress, and the messages of its customer channel. */
export function orderToldOf(event: Routed): string | undefined {
  const channel = channelOf(event);
  const told = channel === undefined ? CUSTOMER_EVENTS.has(event.type) : channel === 'customer' && MESSAGE_EVENTS.has(event.type);
  return told ? orderOf(event.data) : undefined;
}

/**
 * The channel an event was said or read in: a shop channel's message, or a conversation event's
 * `data.channel` (a message or receipt without one is of a channel we do not know). Undefined for
 * events of no channel.
 */
export function channelOf(event: Routed): Channel | undefined {
  if (event.type === 'ShopChannelMessagePosted') return 'shop';
  const carriesChannel = typeof event.data === 'object' && event.data !== null && 'channel' in event.data;
  if (!carriesChannel && !MESSAGE_EVENTS.has(event.type) && !READ_RECEIPT_EVENTS.has(event.type)) return undefined;
  const channel = field(event.data, 'channel');
  return channel === 'internal' || channel === 'customer' ? channel : 'unknown';
}

/**
 * @mentioned in their own shop: by subject (messaging lets a message name only people who may read
 * its channel, and a subject is one person whichever app they use), or by role, when that role may
 * read the channel.
 */
function isMentioned(principal: Principal, event: Routed): boolean {
  if (principal.shopId !== event.shopId || writtenByCustomer(event)) return false;
  return mentionsOf(event.data).includes(principal.sub) || mentionedRolesOf(event).includes(principal.role);
}

/**
 * The roles a message @mentions (`data.mentionRefs` of kind `role`) that may read its channel:
 * messaging refuses the others, and should one come through it still reaches nobody.
 */
export function mentionedRolesOf(event: Routed): Role[] {
  const channel = channelOf(event);
  if (channel === undefined || typeof event.data !== 'object' || event.data === null || !('mentionRefs' in event.data)) return [];
  const refs = (event.data as { mentionRefs: unknown }).mentionRefs;
  if (!Array.isArray(refs)) return [];
  const roles = refs.flatMap((ref) => (isRoleRef(ref) && CHANNELS[channel].readers.includes(ref.role as Role) ? [ref.role as Role] : []));
  return [...new Set(roles)];
}

function isRoleRef(ref: unknown): ref is { kind: 'role'; role: string } {
  return typeof ref === 'object' && ref !== null && (ref as { kind?: unknown }).kind === 'role' && typeof (ref as { role?: unknown }).role === 'string';
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
