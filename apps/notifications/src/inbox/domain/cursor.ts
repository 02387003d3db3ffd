import type { Audience } from './audiences';

/** Where a reader is in each of its inboxes: the last sequence number it was sent. */
export type Positions = Record<Audience, number>;

/**
 * The cursor a client hands back to resume: opaque to it (base64url JSON of `{audience: lastSeq}`),
 * so its shape can change without breaking clients.
 */
export function encodeCursor(positions: Positions): string {
  return Buffer.from(JSON.stringify(positions), 'utf8').toString('base64url');
}

/** A cursor that does not decode is treated as none: the client starts live and is told so. */
export function decodeCursor(cursor: string | undefined | null): Positions | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const positions: Positions = {};
    for (const [audience, seq] of Object.entries(value)) {
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) positions[audience] = seq;
    }
    return positions;
  } catch {
    return undefined;
  }
}

/**
 * Where a reader starts in one inbox, given what it last saw and what the inbox still holds.
 * `oldestKept` is the smallest sequence number still stored (undefined: none), `head` the last one
 * ever written (0: none yet). A reader whose next entry was already dropped by retention, or whose
 * cursor is from somewhere else (ahead of the head), is reset: told, then served what is kept.
 */
export function startingPoint(lastSeen: number | undefined, oldestKept: number | undefined, head: number): { after: number; reset: boolean } {
  if (lastSeen === undefined) return { after: head, reset: false };
  if (lastSeen > head) return { after: head, reset: true };
  const firstKept = oldestKept ?? head + 1;
  if (lastSeen + 1 < firstKept) return { after: firstKept - 1, reset: true };
  return { after: lastSeen, reset: false };
}
