import { createHash, randomBytes } from 'node:crypto';
import { type PostingLimit, postingWaitSeconds } from '@petalpost/contracts';
import type { TrackedOrder } from './domain/tracked-order.evolve';
import { linkExpiresAt } from './domain/tracking-view';

const DAY_MS = 24 * 60 * 60 * 1000;

/** 256 random bits: a link cannot be guessed, however many are tried. */
export const LINK_ID_BYTES = 32;
/** 32 bytes in base64url, unpadded. Anything else is not a link, and is not looked up. */
const LINK_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * A tracking link's id: random, opaque, good for the /track routes only (it is not a token, so no
 * other route accepts it). Only its hash is stored: it is shown once, when minted.
 */
export function newLinkId(bytes: Buffer = randomBytes(LINK_ID_BYTES)): string {
  if (bytes.length !== LINK_ID_BYTES) throw new Error(`a link id takes ${LINK_ID_BYTES} random bytes, not ${bytes.length}`);
  return bytes.toString('base64url');
}

export function isLinkId(value: string): boolean {
  return LINK_ID.test(value);
}

/** What is stored of a link id, and looked up by. */
export function linkIdHash(linkId: string): Buffer {
  return createHash('sha256').update(linkId).digest();
}

/** Enough of the id for staff to tell which link a customer has, not enough to use it. */
export function endOfLinkId(linkId: string): string {
  return linkId.slice(-4);
}

/** A link's own end, fixed when it is minted: the given days after the delivery window (or after now, for a window past). */
export function linkOuterLimit(order: Pick<TrackedOrder, 'window'>, now: Date, days: number): Date {
  return new Date(Math.max(now.getTime(), Date.parse(order.window.to)) + days * DAY_MS);
}

/**
 * When a link stops working: its own end, or a grace period after the order is over (delivered,
 * cancelled, rejected or returned), whichever comes first.
 */
export function linkEndsAt(outerLimit: string, order: Pick<TrackedOrder, 'status' | 'reachedAt'>, graceHours: number): string {
  const orderOver = linkExpiresAt(order, graceHours);
  return orderOver !== null && Date.parse(orderOver) < Date.parse(outerLimit) ? orderOver : outerLimit;
}

export function trackingUrl(baseUrl: string, linkId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/track/${linkId}`;
}

/** What one link may send: a handful a minute, and a cap a day, so a leaked link cannot flood the shop. */
export const LINK_POSTING_LIMITS: readonly PostingLimit[] = [
  { posts: 5, perSeconds: 60 },
  { posts: 30, perSeconds: 24 * 60 * 60 },
];

/**
 * Seconds until this link may send again, and the limit that holds it back; undefined when it may
 * send now. `recent`: when the link sent its latest messages (at least as many as the largest limit counts).
 */
export function linkPostingWait(recent: readonly string[], now: string): { seconds: number; limit: PostingLimit } | undefined {
  let longest: { seconds: number; limit: PostingLimit } | undefined;
  for (const limit of LINK_POSTING_LIMITS) {
    const seconds = postingWaitSeconds(recent, now, limit);
    if (seconds > 0 && (!longest || seconds > longest.seconds)) longest = { seconds, limit };
  }
  return longest;
}

/** How many of a link's latest sends linkPostingWait needs. */
export const LINK_POSTS_COUNTED = Math.max(...LINK_POSTING_LIMITS.map((l) => l.posts));
