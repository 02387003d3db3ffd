/**
 * What the shop's own system is told when one of its orders moves on the road, decided from the
 * order's integration event alone: pure, so every status and platform is tested without a network.
 */

export const WRITEBACK_STATUSES = ['out_for_delivery', 'delivered', 'carded', 'failed'] as const;
export type WritebackStatus = (typeof WRITEBACK_STATUSES)[number];

export const WRITEBACK_PLATFORMS = ['shopify', 'woocommerce'] as const;
export type WritebackPlatform = (typeof WRITEBACK_PLATFORMS)[number];

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
}

/** An order event that is told back to the shop system, or undefined for the rest. */
export function writebackFactsOf(type: string, data: Record<string, unknown>): WritebackFacts | undefined {
  switch (type) {
    case 'OutForDelivery':
      return { status: 'out_for_delivery', happenedAt: String(data.pickedUpAt) };
    case 'DeliveryReattempted':
      return { status: 'out_for_delivery', happenedAt: String(data.reattemptedAt), reattempt: true };
    case 'OrderDelivered':
      return { status: 'delivered', happenedAt: String(data.deliveredAt), outcome: (data.outcome as { kind?: WritebackFacts['outcome'] } | undefined)?.kind };
    case 'DeliveryCarded':
      return { status: 'carded', happenedAt: String(data.cardedAt) };
    case 'DeliveryFailed':
      return { status: 'failed', happenedAt: String(data.failedAt), failureReason: typeof data.reason === 'string' ? data.reason : undefined };
    default:
      return undefined;
  }
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

const SHOPIFY_EVENT: Record<WritebackStatus, ShopifyFulfillmentEventStatus> = {
  out_for_delivery: 'OUT_FOR_DELIVERY',
  delivered: 'DELIVERED',
  carded: 'ATTEMPTED_DELIVERY',
  failed: 'FAILURE',
};

export function shopifyWriteback(externalRef: string, facts: WritebackFacts): ShopifyWriteback {
  return {
    orderGid: shopifyOrderGid(externalRef),
    notifyCustomer: true,
    event: { status: SHOPIFY_EVENT[facts.status], happenedAt: facts.happenedAt, message: customerMessage(facts) },
  };
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
  switch (facts.status) {
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

/** The words the shop system shows its buyer (Shopify's event message, WooCommerce's note). */
export function customerMessage(facts: WritebackFacts): string {
  switch (facts.status) {
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
