import type { Audience, InboxEntry } from './inbox';

/**
 * Postgres NOTIFY channels of the inbox. Named after the service's schema: environments (and test
 * runs) that share a database never wake each other's replicas. They sit at the app's root, not in
 * the inbox slice, because the preferences slice announces its changes on them too.
 */
export interface InboxChannels {
  /** A new entry committed: see parseInboxNotice. */
  inbox: string;
  /** Payload: an order id whose delivery went on or off the road. */
  deliveries: string;
  /** Payload: a person whose preferences changed. */
  preferences: string;
}

export const INBOX_CHANNELS = Symbol('INBOX_CHANNELS');

export function inboxChannels(schema: string): InboxChannels {
  return { inbox: `petalpost_inbox_${schema}`, deliveries: `petalpost_deliveries_${schema}`, preferences: `petalpost_preferences_${schema}` };
}

/** Postgres refuses NOTIFY payloads of 8,000 bytes and more. */
export const MAX_NOTICE_BYTES = 7_900;

/** A new entry committed: the entry itself, or, when it is too large for a NOTIFY, where to read it. */
export interface InboxNotice {
  audience: Audience;
  seq: number;
  entry?: InboxEntry;
}

/** A JSON entry, or `<audience>:<seq>` (audiences contain colons themselves: the number is the last part). */
export function parseInboxNotice(payload: string): InboxNotice | undefined {
  if (payload.startsWith('{')) return entryNotice(payload);
  const at = payload.lastIndexOf(':');
  const seq = Number(payload.slice(at + 1));
  if (at <= 0 || !Number.isSafeInteger(seq)) return undefined;
  return { audience: payload.slice(0, at), seq };
}

function entryNotice(payload: string): InboxNotice | undefined {
  try {
    const entry = JSON.parse(payload) as InboxEntry;
    if (typeof entry.audience !== 'string' || !Number.isSafeInteger(entry.seq)) return undefined;
    return { audience: entry.audience, seq: entry.seq, entry: { ...entry, occurredAt: new Date(entry.occurredAt).toISOString() } };
  } catch {
    return undefined;
  }
}
