/**
 * Postgres NOTIFY channels of the inbox. Named after the service's schema: environments (and test
 * runs) that share a database never wake each other's replicas.
 */
export interface InboxChannels {
  /** Payload `<audience>:<seq>`: a new entry committed. */
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

/** `<audience>:<seq>` — audiences contain colons themselves, the sequence number is the last part. */
export function parseInboxNotice(payload: string): { audience: string; seq: number } | undefined {
  const at = payload.lastIndexOf(':');
  const seq = Number(payload.slice(at + 1));
  if (at <= 0 || !Number.isSafeInteger(seq)) return undefined;
  return { audience: payload.slice(0, at), seq };
}
