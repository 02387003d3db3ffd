/**
 * Where the customer's tracking page for an order is, to hand to the shop system with the
 * fulfilment. The notifications service makes those links; the port keeps the write-back free of
 * how it asks for one.
 */
export interface TrackingLinks {
  linkFor(order: { orderId: string; shopId: string }, signal: AbortSignal): Promise<string | undefined>;
}

export const TRACKING_LINKS = Symbol('TRACKING_LINKS');
