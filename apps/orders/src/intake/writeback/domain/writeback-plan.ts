/**
 * What the shop's own system is told when one of its orders moves on, decided from the order's
 * integration event alone: pure, so every status and platform is tested without a network.
 */

/**
 * Every status a platform may be told, in the order they happen. `location` is the rider's
 * position on the way (from riders.locations, not from an order event). Which of them a platform
 * is told is its own: Shopify and WooCommerce the road (ROAD_STATUSES), a Chinese platform its
 * connector's `statuses`.
 */
export const WRITEBACK_STATUSES = ['confirmed', 'prepared', 'rider_assigned', 'out_for_delivery', 'location', 'delivered', 'carded', 'failed'] as const;
export type WritebackStatus = (typeof WRITEBACK_STATUSES)[number];

/** The road: all that Shopify and WooCommerce are told (they know the order was accepted; the shop fulfils). */
export const ROAD_STATUSES = ['out_for_delivery', 'delivered', 'carded', 'failed'] as const satisfies readonly WritebackStatus[];
export type RoadStatus = (typeof ROAD_STATUSES)[number];

export function isRoadStatus(status: WritebackStatus): status is RoadStatus {
  return (ROAD_STATUSES as readonly string[]).includes(status);
}

export const WRITEBACK_PLATFORMS = ['shopify', 'woocommerce', 'meituan', 'eleme', 'youzan', 'wechat'] as const;
export type WritebackPlatform = (typeof WRITEBACK_PLATFORMS)[number];

/** A position as the rider's phone gives it: WGS-84. A connector converts it to what its platform speaks (GCJ-02). */
export interface WritebackPosition {
  lat: number;
  lng: number;
}

/**
 * The facts of the event a write-back carries: no personal data (a neighbour's name, a rider's
 * note may name people), only what the shop's customer is told.
 */
export interface WritebackFacts {
  status: WritebackStatus;
  happenedAt: string;
  /** Delivered: to whom in kind (recipient, neighbour, safe place, reception). */
  outcome?: 'recipient' | 'neighbour' | 'safe_place' | 'reception';
  /** Failed: the reason code from the rider's report. */
  failureReason?: string;
  /** Out again after a card or a failure: not the first time out. */
  reattempt?: boolean;
  /**
   * The rider on the order when it happened (our id, never their name or phone: those are read
   * from the riders' directory when the write-back is made, so a platform is told the current ones).
   */
  riderId?: string;
  /** `location`: where the rider was, WGS-84. */
  position?: WritebackPosition;
}

/** An order event that may be told back to a platform, or undefined for the rest. Which platform is told what: `toldTo`. */
export function writebackFactsOf(type: string, data: Record<string, unknown>): WritebackFacts | undefined {
  const riderId = typeof data.riderId === 'string' ? { riderId: data.riderId } : {};
  switch (type) {
    case 'OrderAccepted':
      return { status: 'confirmed', happenedAt: String(data.acceptedAt) };
    case 'ArrangementFinished':
      return { status: 'prepared', happenedAt: String(data.finishedAt) };
    case 'RiderAssigned':
      return { status: 'rider_assigned', happenedAt: String(data.assignedAt), ...riderId };
    case 'OutForDelivery':
      return { status: 'out_for_delivery', happenedAt: String(data.pickedUpAt), ...riderId };
    case 'DeliveryReattempted':
      return { status: 'out_for_delivery', happenedAt: String(data.reattemptedAt), reattempt: true, ...riderId };
    case 'OrderDelivered':
      return {
        status: 'delivered',
        happenedAt: String(data.deliveredAt),
        outcome: (data.outcome as { kind?: WritebackFacts['outcome'] } | undefined)?.kind,
        ...riderId,
      };
    case 'DeliveryCarded':
      return { status: 'carded', happenedAt: String(data.cardedAt), ...riderId };
    case 'DeliveryFailed':
      return { status: 'failed', happenedAt: String(data.failedAt), failureReason: typeof data.reason === 'string' ? data.reason : undefined, ...riderId };
    default:
      return undefined;
  }
}

/**
 * Whether a platform is told a status: Shopify and WooCommerce the road only, exactly as before
 * the Chinese platforms came; those the statuses their connector lists (`connectorStatuses`).
 */
export function toldTo(platform: WritebackPlatform, status: WritebackStatus, connectorStatuses: readonly WritebackStatus[] = []): boolean {
  if (platform === 'shopify' || platform === 'woocommerce') return isRoadStatus(status);
  return connectorStatuses.includes(status);
}

/** What one order event queues for a platform: its facts when the platform is told that status, else nothing. */
export function writebackFor(
  platform: WritebackPlatform,
  connectorStatuses: readonly WritebackStatus[],
  type: string,
  data: Record<string, unknown>,
): WritebackFacts | undefined {
  const facts = writebackFactsOf(type, data);
  return facts && toldTo(platform, facts.status, connectorStatuses) ? facts : undefined;
}

/** FulfillmentEventStatus values (shopify.dev/docs/api/admin-graphql/latest/enums/FulfillmentEventStatus) for our statuses. */
export type ShopifyFulfillmentEventStatus = 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'ATTEMPTED_DELIVERY' | 'FAILURE';

/**
 * Shopify: the order is fulfilled (fulfillmentCreate over its open fulfillment orders, with our
 * tracking link) the first time anything is told, then each status is a fulfillment event.
 */
export interface ShopifyWriteback {
  orderGid: string;
  /** Shopify mails the buyer its shipping confirmation with the tracking link once, when it is fulfilled. */
  notifyCustomer: boolean;
  event: { status: ShopifyFulfillmentEventStatus; happenedAt: string; message: string };
}

const SHOPIFY_EVENT: Record<RoadStatus, ShopifyFulfillmentEventStatus> = {
  out_for_delivery: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
  carded: 'ATTEMPTED_DELIVERY',
  failed: 'FAILURE',
};

export function shopifyWriteback(externalRef: string, facts: WritebackFacts): ShopifyWriteback {
  const status = roadStatusOf(facts, 'Shopify');
  return {
    orderGid: shopifyOrderGid(externalRef),
    notifyCustomer: true,
    event: { status: SHOPIFY_EVENT[status], happenedAt: facts.happenedAt, message: customerMessage(facts) },
  };
}

/** Shopify and WooCommerce are never queued anything off the road (`toldTo`): one reaching them is a bug, not a retry. */
function roadStatusOf(facts: WritebackFacts, platform: string): RoadStatus {
  if (!isRoadStatus(facts.status)) throw new Error(`${platform} is told the road only, not ${facts.status}`);
  return facts.status;
}

/** A Shopify order's global id from the numeric id its webhooks carry (or the id itself when already global). */
export function shopifyOrderGid(externalRef: string): string {
  if (/^gid:\/\/shopify\/Order\/\d+$/.test(externalRef)) return externalRef;
  if (/^\d+$/.test(externalRef)) return `gid://shopify/Order/${externalRef}`;
  throw new Error(`not a Shopify order id: ${externalRef}`);
}

/**
 * WooCommerce: a note on the order (a customer note, which WooCommerce mails to the buyer, unless
 * it is for the shop only) and, once delivered, the order completed. WooCommerce has no status for
 * "out for delivery", so the road is told in notes.
 */
export interface WooCommerceWriteback {
  orderId: number;
  /** Set first: a PUT of the same status again changes nothing, so a retry may repeat it safely. */
  setStatus?: 'completed';
  note: { text: string; customerNote: boolean };
}

export function wooCommerceWriteback(externalRef: string, facts: WritebackFacts, trackingUrl: string | undefined): WooCommerceWriteback {
  if (!/^\d+$/.test(externalRef)) throw new Error(`not a WooCommerce order id: ${externalRef}`);
  const orderId = Number(externalRef);
  switch (roadStatusOf(facts, 'WooCommerce')) {
    case 'out_for_delivery':
      return {
        orderId,
        note: { text: trackingUrl ? `${customerMessage(facts)} Follow the delivery: ${trackingUrl}` : customerMessage(facts), customerNote: true },
      };
    case 'delivered':
      return { orderId, setStatus: 'completed', note: { text: customerMessage(facts), customerNote: true } };
    case 'carded':
      return { orderId, note: { text: customerMessage(facts), customerNote: true } };
    case 'failed':
      // The reason is the rider's report: the shop reads it and decides what to tell the buyer.
      return { orderId, note: { text: `${customerMessage(facts)} Reason: ${facts.failureReason ?? 'not given'}.`, customerNote: false } };
  }
}

const OUTCOME: Record<NonNullable<WritebackFacts['outcome']>, string> = {
  recipient: 'to the recipient',
  neighbour: 'to a neighbour',
  safe_place: 'in a safe place',
  reception: 'at reception',
};

/** The words the shop system shows its buyer (Shopify's event message, WooCommerce's note): the road's statuses. */
export function customerMessage(facts: WritebackFacts): string {
  switch (roadStatusOf(facts, 'A shop system')) {
    case 'out_for_delivery':
      return facts.reattempt ? 'Your flowers are out for delivery again.' : 'Your flowers are out for delivery.';
    case 'delivered':
      return facts.outcome ? `Your flowers were delivered ${OUTCOME[facts.outcome]}.` : 'Your flowers were delivered.';
    case 'carded':
      return 'We could not hand your flowers over and left a card; we will try again.';
    case 'failed':
      return 'The delivery could not be completed.';
  }
}

/** How write-backs are retried: exponential backoff from `baseMs`, capped at `maxMs`, dead after `maxAttempts`. */
export interface RetrySchedule {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * After the `attempts`-th failed attempt: dead, or when to try again. The wait doubles each time
 * (base, 2·base, 4·base … up to max), and `jitter` (0–1, from the caller's random source) spreads
 * it by up to a fifth, so the shops' write-backs that failed together do not all come back together.
 */
export function afterFailure(attempts: number, now: Date, schedule: RetrySchedule, jitter: number): { dead: true } | { dead: false; nextAttemptAt: Date } {
  if (attempts >= schedule.maxAttempts) return { dead: true };
  const wait = Math.min(schedule.maxMs, schedule.baseMs * 2 ** Math.max(0, attempts - 1));
  return { dead: false, nextAttemptAt: new Date(now.getTime() + Math.round(wait * (1 + 0.2 * Math.min(1, Math.max(0, jitter))))) };
}
