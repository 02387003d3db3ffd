import { DomainError } from '@petalpost/contracts';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;

/** Printable ASCII, space excluded: what a client's UUID, ULID or "checkout-42" is made of. */
const IDEMPOTENCY_KEY = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

/**
 * An Idempotency-Key is stored (and indexed) with what it appended: a key of any length or bytes
 * would reach the database as a 500. Refused with 400 at the edge of every service, before anything runs.
 */
export function idempotencyKeyProblem(value: string | string[] | undefined): DomainError | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && IDEMPOTENCY_KEY.test(value)) return undefined;
  return new DomainError(
    'invalid',
    'IDEMPOTENCY_KEY_INVALID',
    `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters (no spaces), sent once`,
  );
}
