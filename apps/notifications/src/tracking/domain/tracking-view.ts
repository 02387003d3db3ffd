import { createHash } from 'node:crypto';
import { FINAL_STATUSES, type GeoPoint, type OrderStatus, type RiderPosition } from '@petalpost/contracts';
import type { TrackedOrder } from './tracked-order.evolve';

export type { RiderPosition };

/** The steps of an order that goes well, as the customer follows them. */
export const PROGRESS_STEPS = ['placed', 'accepted', 'in_production', 'ready', 'out_for_delivery', 'delivered'] as const;
export type ProgressStep = (typeof PROGRESS_STEPS)[number];

/** Where a status that is not a step sits on the progress line. */
const STEP_OF: Record<OrderStatus, ProgressStep> = {
  placed: 'placed',
  accepted: 'accepted',
  rejected: 'placed',
  in_production: 'in_production',
  ready: 'ready',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  carded: 'out_for_delivery',
  delivery_failed: 'out_for_delivery',
  returned: 'out_for_delivery',
  cancelled: 'placed',
};

/**
 * Where the rider is, for the page: only the rider's offset from the destination in metres, so the
 * page plots the two without ever holding the recipient's address, and whoever holds the link never
 * learns where the rider is on a map (that, less the offset, would be the recipient's address).
 */
export type RiderView = { relativeTo: 'destination'; eastM: number; northM: number; distanceM: number; recordedAt: string };

export interface CustomerMessageView {
  /** The customer's own, or the shop's answer: never who at the shop wrote it. */
  from: 'customer' | 'shop';
  text: string;
  sentAt: string;
}

/**
 * Everything the customer's page may show: progress, times, photos, the rider while on the way.
 * Never the rider's name or id, the buyer, the sender, the address or the card (docs/orders.md,
 * "Who sees what of an order"), so a forwarded link tells no more than the page.
 */
export interface TrackingView {
  status: OrderStatus;
  steps: Array<{ step: ProgressStep; reachedAt: string | null; state: 'done' | 'current' | 'todo' }>;
  window: { from: string; to: string; timeZone?: string };
  deadline: string | null;
  /** Dispatch's prediction; until there is one the page shows the window. */
  eta: string | null;
  recipientFirstName: string | null;
  /** Paths below the page's own address; they change when the photo does. */
  photos: { arrangement: string | null; proof: string | null };
  deliveredAt: string | null;
  rider: RiderView | null;
  messages: CustomerMessageView[];
  /** Known once the order is over: the link stops working then. */
  expiresAt: string | null;
}

/** When the link stops working: a grace period after the order is over, unknown until then. */
export function linkExpiresAt(order: Pick<TrackedOrder, 'status' | 'reachedAt'>, graceHours: number): string | null {
  if (!FINAL_STATUSES.includes(order.status)) return null;
  const endedAt = order.reachedAt[order.status];
  if (!endedAt) return null;
  return new Date(Date.parse(endedAt) + graceHours * 3_600_000).toISOString();
}

export function isLinkExpired(order: Pick<TrackedOrder, 'status' | 'reachedAt'>, graceHours: number, now: Date): boolean {
  const expiresAt = linkExpiresAt(order, graceHours);
  return expiresAt !== null && Date.parse(expiresAt) <= now.getTime();
}

/**
 * The rider is shown only while out for delivery with this order, only a position of that rider of
 * that shop, and only around a known destination: without one (never given, or erased) the page shows
 * no rider rather than the rider's coordinates.
 */
export function riderViewOf(order: TrackedOrder, position: RiderPosition | undefined): RiderView | null {
  if (order.status !== 'out_for_delivery' || !order.riderId || !position || !order.destination) return null;
  if (position.riderId !== order.riderId || position.shopId !== order.shopId) return null;
  const { east, north } = offsetInMetres(order.destination, position);
  return {
    relativeTo: 'destination',
    eastM: Math.round(east),
    northM: Math.round(north),
    distanceM: Math.round(Math.hypot(east, north)),
    recordedAt: position.recordedAt,
  };
}

/** `photosServed`: a photo store is configured (TRACKING_PHOTO_BASE_URL); without one the page names no photo, rather than a broken image. */
export function trackingViewOf(
  order: TrackedOrder,
  options: { graceHours: number; photosServed: boolean; position?: RiderPosition; messages?: CustomerMessageView[] },
): TrackingView {
  const current = PROGRESS_STEPS.indexOf(STEP_OF[order.status]);
  return {
    status: order.status,
    steps: PROGRESS_STEPS.map((step, i) => ({
      step,
      reachedAt: i <= current ? (order.reachedAt[step] ?? null) : null,
      state: i < current || (i === current && order.status === 'delivered') ? 'done' : i === current ? 'current' : 'todo',
    })),
    window: { from: order.window.from, to: order.window.to, ...(order.window.timeZone ? { timeZone: order.window.timeZone } : {}) },
    deadline: order.deadline,
    eta: FINAL_STATUSES.includes(order.status) ? null : order.eta,
    recipientFirstName: order.recipientFirstName,
    photos: {
      arrangement: options.photosServed && order.arrangementPhotoRef ? `photos/arrangement/${photoVersion(order.arrangementPhotoRef)}` : null,
      proof: options.photosServed && order.status === 'delivered' && order.proofPhotoRef ? `photos/proof/${photoVersion(order.proofPhotoRef)}` : null,
    },
    deliveredAt: order.deliveredAt,
    rider: riderViewOf(order, options.position),
    messages: options.messages ?? [],
    expiresAt: linkExpiresAt(order, options.graceHours),
  };
}

/** Names a photo without revealing its storage key, so the browser fetches a new one when it changes. */
export function photoVersion(photoRef: string): string {
  return createHash('sha256').update(photoRef).digest('base64url').slice(0, 10);
}

/** Equirectangular: exact enough over the few kilometres of a delivery. */
function offsetInMetres(from: GeoPoint, to: GeoPoint): { east: number; north: number } {
  const metresPerDegree = 111_320;
  return {
    east: (to.lng - from.lng) * metresPerDegree * Math.cos((((from.lat + to.lat) / 2) * Math.PI) / 180),
    north: (to.lat - from.lat) * metresPerDegree,
  };
}
