/**
 * The outbox's rules, without IndexedDB or the network: which action goes next, what an attempt's
 * outcome does to the queue, how long to wait before trying again. Kept pure so they are tested
 * as a table (outbox-queue.unit.spec.ts).
 */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export interface QueuedEntry {
  id: string;
  /** The order taken: strictly increasing per owner. */
  seq: number;
  state: 'waiting' | 'sending' | 'refused';
  refusal?: Refusal;
}

/** An entry as kept in IndexedDB: whose it is, and the photo refs already uploaded (by index). */
export interface StoredEntry extends QueuedEntry {
  owner: string;
  kind: string;
  orderId?: string;
  params: unknown;
  photos: Blob[];
  queuedAt: number;
  photoRefs?: Array<string | undefined>;
}

export type Outcome = { kind: 'sent' } | { kind: 'refused'; refusal: Refusal } | { kind: 'unreachable' };

/** Oldest first: the order the rider acted in. */
export const inOrder = <E extends QueuedEntry>(entries: readonly E[]): E[] => [...entries].sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));

/**
 * The next action to send: the oldest waiting one. A refused one stays listed but never blocks
 * the rest (the service said no; sending it again would say no again).
 */
export function nextToSend<E extends QueuedEntry>(entries: readonly E[]): E | undefined {
  return inOrder(entries).find((e) => e.state === 'waiting');
}

/**
 * What a failure means. No answer (fetch's TypeError), a server fault (5xx), a timeout (408) or
 * being throttled (429) — the network or the service will do better later: stop and keep it. Any
 * other 4xx is the service's answer about this action: a refusal shown to the rider.
 */
export function outcomeOf(error: unknown): Outcome {
  const answered = error as { status?: unknown; code?: unknown; message?: unknown } | null;
  if (answered && typeof answered.status === 'number') {
    const status = answered.status;
    // 401: the token is being renewed (or the session ended, and signing in again sends it).
    if (status >= 500 || status === 408 || status === 429 || status === 401) return { kind: 'unreachable' };
    if (status >= 400)
      return {
        kind: 'refused',
        refusal: { status, code: typeof answered.code === 'string' ? answered.code : `HTTP_${status}`, message: String(answered.message ?? '') },
      };
  }
  return { kind: 'unreachable' };
}

/**
 * The queue after one attempt at `id`: sent leaves it, refused keeps it (shown) and goes on,
 * unreachable puts it back to wait and stops the queue, so nothing later overtakes it.
 */
export function afterAttempt<E extends QueuedEntry>(entries: readonly E[], id: string, outcome: Outcome): { entries: E[]; goOn: boolean } {
  switch (outcome.kind) {
    case 'sent':
      return { entries: entries.filter((e) => e.id !== id), goOn: true };
    case 'refused':
      return { entries: entries.map((e) => (e.id === id ? { ...e, state: 'refused' as const, refusal: outcome.refusal } : e)), goOn: true };
    case 'unreachable':
      return { entries: entries.map((e) => (e.id === id ? { ...e, state: 'waiting' as const } : e)), goOn: false };
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}

/**
 * After a restart, an action left `sending` (the app was killed mid-request) waits again: it is
 * sent with the same idempotency key, so if the first request did arrive it is recorded once.
 */
export const recovered = <E extends QueuedEntry>(entries: readonly E[]): E[] =>
  entries.map((e) => (e.state === 'sending' ? { ...e, state: 'waiting' as const } : e));

/** The sequence number for a new action: after every one the owner has. */
export const nextSeq = (entries: readonly QueuedEntry[], now: number): number => Math.max(now, ...entries.map((e) => e.seq + 1));

/** How long to wait before the `failures`-th retry: 2 s doubling, at most a minute. */
export const retryDelayMs = (failures: number): number => Math.min(2_000 * 2 ** Math.max(0, failures - 1), 60_000);
