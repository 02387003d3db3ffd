/**
 * The pickup code: printed on the order's label, read back by the rider at the counter, so a
 * bouquet leaves the shop only with the rider who holds its label.
 */

/** 32 signs that cannot be misread on a label: no 0/O, no 1/I. */
export const PICKUP_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const PICKUP_CODE_LENGTH = 5;
export const PICKUP_CODE_PATTERN = /^[2-9A-HJ-NP-Z]{5}$/;

/** Wrong codes a rider may enter for one order; after that the shop hands it over. */
export const PICKUP_CODE_TRIES = 5;

/** A code from random bytes the caller drew (one per sign): 256 is a multiple of 32, so every sign is equally likely. */
export function pickupCodeFrom(random: Uint8Array): string {
  if (random.length < PICKUP_CODE_LENGTH) throw new Error(`a pickup code needs ${PICKUP_CODE_LENGTH} random bytes`);
  return Array.from(random.subarray(0, PICKUP_CODE_LENGTH), (byte) => PICKUP_CODE_ALPHABET[byte % PICKUP_CODE_ALPHABET.length]).join('');
}

export function isPickupCode(value: string): boolean {
  return PICKUP_CODE_PATTERN.test(value);
}

/**
 * Wrong codes are counted on a stream of their own, never the order's: a refused pickup changes
 * nothing about the order, and this stream is never published.
 */
export type WrongPickupCodeEntered = { type: 'WrongPickupCodeEntered'; data: { orderId: string; shopId: string; riderId: string; enteredAt: string } };

export const PICKUP_ATTEMPTS_STREAM_TYPE = 'pickup-attempts';

export function pickupAttemptsStream(orderId: string): string {
  return `pickup-attempts-${orderId}`;
}

export function wrongPickupCodes(attempts: ReadonlyArray<{ type: string }>): number {
  return attempts.filter((e) => e.type === 'WrongPickupCodeEntered').length;
}
