import { DomainError } from '@petalpost/contracts';

/**
 * Keyset paging: a page's cursor is the sort key of its last row, opaque to clients (base64url of
 * the key's JSON), and checked on its way back in, since a client can send anything.
 */
export function encodePageCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key, if `isValid` accepts it; anything else is 400 INVALID_CURSOR. */
export function decodePageCursor<Key extends unknown[]>(text: string, isValid: (key: unknown[]) => key is Key): Key {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || !isValid(decoded)) throw new DomainError('invalid', 'INVALID_CURSOR', 'cursor is not one this API returned');
  return decoded;
}

const CURSOR_TIME = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A time to the microsecond as a cursor carries it, and one PostgreSQL accepts (no 30 February). */
export function isCursorTime(value: unknown): value is string {
  if (typeof value !== 'string' || !CURSOR_TIME.test(value)) return false;
  const time = new Date(value);
  return !Number.isNaN(time.getTime()) && time.toISOString().slice(0, 23) === value.slice(0, 23);
}

/** An id in a cursor: a string of sane length. */
export function isCursorId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 200;
}
