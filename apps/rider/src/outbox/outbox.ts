import { useSyncExternalStore } from 'react';
import { ApiError } from '../api';
import { currentSession, freshToken } from '../session';
import { riderDb } from '../storage/db';
import { afterAttempt, inOrder, nextSeq, nextToSend, outcomeOf, recovered, retryDelayMs, type StoredEntry } from './outbox-queue';

/**
 * Every action a rider takes (pick up, deliver, report, send a message) goes through this outbox,
 * online or not: it is kept first (IndexedDB, photos as Blobs, so it survives a reload or the app
 * being killed), then sent, strictly in the order taken and one at a time, each with its own
 * idempotency key, so a retry after a lost answer is recorded once. A refusal (the order was
 * reassigned meanwhile) stays listed for the rider to read and dismiss, and the rest go on; a lost
 * network (no answer, or a 5xx) stops the queue, which tries again when the network returns, when
 * the app comes back into view, and after a growing pause. One tab at a time sends (a Web Lock).
 *
 * Actions are data (a kind and its parameters, photos as Blobs); what sending one means is
 * registered per kind with `defineAction`, when the feature's module loads.
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

/** What a photo is for, as the attachments API names it. */
export type PhotoPurpose = 'proof_of_delivery' | 'damage' | 'message';

export interface SendContext {
  /** The Idempotency-Key for the action's command. */
  key: string;
  /**
   * Uploads the action's photos (each under its own key, `${key}:photo:${i}`) and gives their refs.
   * A ref once given is kept with the action, so a replay uploads none twice. The purpose defaults
   * to the one the action was defined with.
   */
  photoRefs(purpose?: PhotoPurpose): Promise<string[]>;
}

type Sender<P> = (params: P, context: SendContext) => Promise<void>;
const kinds = new Map<string, { send: Sender<never>; photoPurpose: PhotoPurpose }>();

/** Declares how an action of this kind is sent (and, when it has photos, what they are for). */
export function defineAction<P>(
  kind: string,
  send: Sender<P>,
  options: { photoPurpose?: PhotoPurpose } = {},
): (params: P, options?: { orderId?: string; photos?: Blob[] }) => Promise<OutboxEntry<P>> {
  kinds.set(kind, { send: send as Sender<never>, photoPurpose: options.photoPurpose ?? 'message' });
  // An action of this kind may have waited for its sender since the app started.
  void flush();
  return (params, given = {}) => enqueue(kind, params, given);
}

const LOCK = 'petalpost.rider.outbox';
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(LOCK) : undefined;

let stored: StoredEntry[] = [];
let shown: OutboxEntry[] = [];
let loadedFor: string | undefined;
const listeners = new Set<() => void>();

const ownerOf = () => {
  const session = currentSession();
  return session ? `${session.personId}:${session.shopId ?? ''}` : undefined;
};
const toShown = ({ id, kind, orderId, params, photos, queuedAt, state, refusal }: StoredEntry): OutboxEntry => ({
  id,
  kind,
  params,
  photos,
  queuedAt,
  state,
  ...(orderId ? { orderId } : {}),
  ...(refusal ? { refusal } : {}),
});

function publish(next: StoredEntry[]): void {
  stored = inOrder(next);
  shown = stored.map(toShown);
  listeners.forEach((l) => l());
}

/** Reads the owner's entries again (at start, on sign-in, when another tab changed them). */
async function load(): Promise<void> {
  const owner = ownerOf();
  loadedFor = owner;
  if (!owner) return publish([]);
  const db = await riderDb();
  // Nothing is kept as `sending`, but a tab killed mid-write might have: it waits again.
  publish(recovered(await db.getAllFromIndex('outbox', 'byOwner', owner)));
}

async function save(entry: StoredEntry): Promise<void> {
  await (await riderDb()).put('outbox', entry);
  channel?.postMessage('changed');
}
async function remove(id: string): Promise<void> {
  await (await riderDb()).delete('outbox', id);
  channel?.postMessage('changed');
}

async function enqueue<P>(kind: string, params: P, options: { orderId?: string; photos?: Blob[] }): Promise<OutboxEntry<P>> {
  const owner = ownerOf();
  if (!owner) throw new Error('signed out: nothing can be queued');
  if (loadedFor !== owner) await load();
  const now = Date.now();
  const entry: StoredEntry = {
    id: crypto.randomUUID(),
    owner,
    seq: nextSeq(stored, now),
    kind,
    params,
    photos: options.photos ?? [],
    queuedAt: now,
    state: 'waiting',
    ...(options.orderId ? { orderId: options.orderId } : {}),
  };
  // Kept before anything is sent: if the phone dies now, the action is still there.
  await save(entry);
  publish([...stored, entry]);
  void flush();
  return toShown(entry) as OutboxEntry<P>;
}

let flushing: Promise<void> | undefined;
let failures = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

/** Sends what waits, oldest first; stops at the first action the network could not carry. */
export function flush(): Promise<void> {
  flushing ??= (async () => {
    try {
      const run = () => drain();
      // One tab sends; another finding the lock taken leaves it to that one.
      if (navigator.locks) await navigator.locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? run() : undefined));
      else await run();
    } finally {
      flushing = undefined;
    }
  })();
  return flushing;
}

async function drain(): Promise<void> {
  // What another tab queued or dismissed meanwhile counts too.
  await load();
  for (;;) {
    const next = nextToSend(stored);
    if (!next) return;
    const kind = kinds.get(next.kind);
    // Its feature has not loaded yet in this tab: wait for defineAction to call again.
    if (!kind) return;
    publish(stored.map((e) => (e.id === next.id ? { ...e, state: 'sending' as const } : e)));
    let outcome;
    try {
      await kind.send(next.params as never, { key: next.id, photoRefs: (purpose) => photoRefsOf(next.id, purpose ?? kind.photoPurpose) });
      outcome = { kind: 'sent' as const };
    } catch (err) {
      outcome = outcomeOf(err);
    }
    const { entries, goOn } = afterAttempt(stored, next.id, outcome);
    const after = entries.find((e) => e.id === next.id);
    if (after) await save(after);
    else await remove(next.id);
    publish(entries);
    if (!goOn) {
      failures += 1;
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => void flush(), retryDelayMs(failures));
      return;
    }
    failures = 0;
  }
}

/** Uploads each photo not yet uploaded, keeping each ref on the entry as soon as it is known. */
async function photoRefsOf(id: string, purpose: PhotoPurpose): Promise<string[]> {
  const entry = stored.find((e) => e.id === id);
  if (!entry || entry.photos.length === 0) return [];
  if (!entry.orderId) throw new Error(`the ${entry.kind} action has photos but names no order`);
  const refs = [...(entry.photoRefs ?? [])];
  for (const [i, photo] of entry.photos.entries()) {
    if (refs[i]) continue;
    refs[i] = await upload(entry.orderId, photo, purpose, `${entry.id}:photo:${i}`);
    const kept = { ...entry, photoRefs: [...refs] };
    await save({ ...kept, state: 'waiting' });
    publish(stored.map((e) => (e.id === id ? { ...e, photoRefs: [...refs] } : e)));
  }
  return refs as string[];
}

async function upload(orderId: string, photo: Blob, purpose: PhotoPurpose, key: string): Promise<string> {
  const form = new FormData();
  form.append('purpose', purpose);
  form.append('file', photo, photo instanceof File ? photo.name : `photo.${photo.type.split('/')[1] ?? 'jpg'}`);
  const token = await freshToken();
  const response = await fetch(`/api/messaging/orders/${encodeURIComponent(orderId)}/attachments`, {
    method: 'POST',
    headers: { 'idempotency-key': key, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form,
  });
  const body = (await response.json().catch(() => ({}))) as { attachmentId?: string; code?: string; message?: string };
  if (!response.ok || !body.attachmentId) throw new ApiError(response.status, body.code ?? `HTTP_${response.status}`, body.message ?? response.statusText);
  return body.attachmentId;
}

/** Takes a refused action off the list, once the rider has read why. */
export function dismiss(id: string): void {
  const entry = stored.find((e) => e.id === id);
  if (!entry || entry.state === 'sending') return;
  publish(stored.filter((e) => e.id !== id));
  void remove(id);
}

export function useOutbox(): OutboxEntry[] {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => shown,
  );
}

/** Loads the signed-in rider's outbox and sends what waits; again whenever it may go through. */
export function startOutbox(): () => void {
  const kick = () => void flush();
  const visible = () => document.visibilityState === 'visible' && kick();
  const changed = () => void load();
  window.addEventListener('online', kick);
  document.addEventListener('visibilitychange', visible);
  channel?.addEventListener('message', changed);
  void load().then(kick);
  return () => {
    clearTimeout(retryTimer);
    window.removeEventListener('online', kick);
    document.removeEventListener('visibilitychange', visible);
    channel?.removeEventListener('message', changed);
  };
}
