import { riderSeesOrder, rolesToldOf } from '@petalpost/auth';
import type { Role } from '@petalpost/contracts';

/** The two channels of an order's conversation. */
export const CHANNELS = ['internal', 'customer'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Who asks: a token's role, subject, shop, and (customers) the order it is scoped to. */
export interface Viewer {
  role: Role;
  sub: string;
  shopId?: string;
  orderId?: string;
}

/** What of the order the rules need to decide who may take part. */
export interface ConversationFacts {
  orderId: string;
  shopId: string;
  /** The rider assigned now; none once unassigned. */
  riderId?: string;
  /** When the order was delivered: the rider keeps access for a grace period after it. */
  deliveredAt?: string;
  /** Orders that end without delivery (cancelled, rejected, returned) take the rider out at once. */
  closed: boolean;
}

export interface Policy {
  now: string;
  riderGraceMinutes: number;
}

export interface ChannelAccess {
  read: boolean;
  post: boolean;
}

const NONE: ChannelAccess = { read: false, post: false };
const FULL: ChannelAccess = { read: true, post: true };
const READ_ONLY: ChannelAccess = { read: true, post: false };

/**
 * The one rule of who may read and post in a channel (tested as a table in
 * channel-access.unit.spec.ts). Whoever may not read a channel is answered 404, as if it did not
 * exist. Internal: the shop's staff, florists and dispatchers, and the assigned rider while
 * assigned (and for a grace period after delivery). Customer: the order's customer token and
 * the shop's staff. Operators read everything and post nowhere: they support shops, they do not
 * speak for them.
 */
export function channelAccess(viewer: Viewer, channel: Channel, facts: ConversationFacts, policy: Policy): ChannelAccess {
  const ownShop = viewer.shopId === facts.shopId;
  switch (viewer.role) {
    case 'operator':
      return READ_ONLY;
    case 'staff':
      return ownShop ? FULL : NONE;
    case 'florist':
    case 'dispatcher':
      return ownShop && channel === 'internal' ? FULL : NONE;
    case 'rider':
      return ownShop && channel === 'internal' && riderHasAccess(viewer.sub, facts, policy) ? FULL : NONE;
    case 'customer':
      return channel === 'customer' && viewer.orderId === facts.orderId ? FULL : NONE;
    default:
      return NONE;
  }
}

/**
 * Who sees how far each reader has read a channel: those who may read it and are told of its read
 * receipts (libs/auth's visibility table: the shop's staff, and of the internal channel its
 * dispatchers), and operators. Florists, riders and the customer read the channel without learning
 * who else read it: the customer never sees the shop's people by id.
 */
export function seesReadReceipts(viewer: Viewer, channel: Channel, facts: ConversationFacts, policy: Policy): boolean {
  if (!channelAccess(viewer, channel, facts, policy).read) return false;
  return viewer.role === 'operator' || rolesToldOf({ type: 'MessagesRead', shopId: facts.shopId, data: { channel } }).includes(viewer.role);
}

/** The channels a viewer may read, in the order they are listed. */
export function readableChannels(viewer: Viewer, facts: ConversationFacts, policy: Policy): Channel[] {
  return CHANNELS.filter((channel) => channelAccess(viewer, channel, facts, policy).read);
}

/** The same rule as the order's own (libs/auth): a conversation is the rider's as long as the order is. */
function riderHasAccess(riderId: string, facts: ConversationFacts, policy: Policy): boolean {
  return riderSeesOrder(riderId, facts, policy);
}

/**
 * A shop-wide channel ("today's deliveries"): the shop's staff, florists, dispatchers and riders
 * read and post (the riders' app shows it beside their orders' internal channels); operators read;
 * customers never see it.
 */
export function shopChannelAccess(viewer: Viewer, shopId: string): ChannelAccess {
  switch (viewer.role) {
    case 'operator':
      return READ_ONLY;
    case 'staff':
    case 'florist':
    case 'dispatcher':
    case 'rider':
      return viewer.shopId === shopId ? FULL : NONE;
    default:
      return NONE;
  }
}
