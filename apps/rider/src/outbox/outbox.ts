import { useSyncExternalStore } from 'react';
import { ApiError } from '../api';
import { type AttachmentPurpose, uploadPhoto } from '../features/common/http';

/**
 * Every action a rider takes (pick up, deliver, report, send a message) goes through this outbox,
 * online or not: it is kept first, then sent, in the order taken, each with its own idempotency
 * key, so a retry after a lost answer is recorded once. A refusal (the order was reassigned
 * meanwhile) stays listed for the rider to read; a lost network leaves the rest waiting.
 *
 * Actions are data (a kind and its parameters, photos as Blobs), so they survive a reload; what
 * sending one means is registered per kind with `defineAction`.
 */
export interface OutboxEntry<P = unknown> {
  /** Also the Idempotency-Key of the action's command. */
  id: string;
  kind: string;
  orderId?: string;
  params: P;
  photos: Blob[];
  queuedAt: number;
  state: 'waiting' | 'sending' | 'refused';
  refusal?: { status: number; code: string; message: string };
}

export interface SendContext {
  /** The Idempotency-Key for the action's command. */
  key: string;
  /**
   * Uploads the action's photos to its order as attachments of this purpose (each under its own
   * key, so a replay uploads none twice) and gives their refs.
   */
  photoRefs(purpose?: AttachmentPurpose): Promise<string[]>;
}

type Sender<P> = (params: P, context: SendContext) => Promise<void>;
const senders = new Map<string, Sender<never>>();

/** Declares how an action of this kind is sent. */
export function defineAction<P>(kind: string, send: Sender<P>): (params: P, options?: { orderId?: string; photos?: Blob[] }) => Promise<OutboxEntry<P>> {
  senders.set(kind, send as Sender<never>);
  return (params, options = {}) => enqueue(kind, params, options);
}

let entries: OutboxEntry[] = [];
const listeners = new Set<() => void>();
const publish = (next: OutboxEntry[]) => {
  entries = next;
  listeners.forEach((l) => l());
};

async function enqueue<P>(kind: string, params: P, options: { orderId?: string; photos?: Blob[] }): Promise<OutboxEntry<P>> {
  const entry: OutboxEntry<P> = {
    id: crypto.randomUUID(),
    kind,
    params,
    photos: options.photos ?? [],
    queuedAt: Date.now(),
    state: 'waiting',
    ...(options.orderId ? { orderId: options.orderId } : {}),
  };
  publish([...entries, entry]);
  void flush();
  return entry;
}

let flushing: Promise<void> | undefined;
/** Sends what waits, oldest first; stops at the first action the network could not carry. */
export function flush(): Promise<void> {
  flushing ??= (async () => {
    try {
      for (;;) {
        const next = entries.find((e) => e.state === 'waiting');
        if (!next) return;
        if (!(await sendOne(next))) return;
      }
    } finally {
      flushing = undefined;
    }
  })();
  return flushing;
}

async function sendOne(entry: OutboxEntry): Promise<boolean> {
  const send = senders.get(entry.kind);
  if (!send) return true;
  publish(entries.map((e) => (e.id === entry.id ? { ...e, state: 'sending' } : e)));
  try {
    const photoRefs = async (purpose: AttachmentPurpose = 'message') => {
      if (!entry.orderId) return [];
      const orderId = entry.orderId;
      const refs: string[] = [];
      for (const [index, photo] of entry.photos.entries()) refs.push(await uploadPhoto(orderId, photo, purpose, `${entry.id}.photo-${index}`));
      return refs;
    };
    await send(entry.params as never, { key: entry.id, photoRefs });
    publish(entries.filter((e) => e.id !== entry.id));
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) {
      publish(entries.map((e) => (e.id === entry.id ? { ...e, state: 'refused', refusal: { status: err.status, code: err.code, message: err.message } } : e)));
      return true;
    }
    publish(entries.map((e) => (e.id === entry.id ? { ...e, state: 'waiting' } : e)));
    return false;
  }
}

export function dismiss(id: string): void {
  publish(entries.filter((e) => e.id !== id));
}

export function useOutbox(): OutboxEntry[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => entries,
  );
}

window.addEventListener('online', () => void flush());
