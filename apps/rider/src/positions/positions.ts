import { useEffect, useSyncExternalStore } from 'react';
import { currentSession, freshToken } from '../session';
import { riderDb } from '../storage/db';
import { nextBatch, type PositionReport, reportOf, reportsPositions, settles } from './position-queue';

/**
 * While the rider is on shift the phone reports where it is: every fix from `watchPosition` is
 * kept first (IndexedDB, with its own id), then sent in batches every few seconds, oldest first.
 * A batch the service answered leaves the phone, whatever it kept or dropped (too old, a
 * duplicate); one the network could not carry waits, and goes when the network returns.
 */
const SEND_EVERY_MS = 5_000;

/**
 * The service learns per-report ids (a replayed report dropped as a duplicate) in a coming
 * version; until then it refuses unknown fields, so the id stays on the phone. A replayed batch
 * is still stored once meanwhile: its reports are no later than the last kept one, so the service
 * drops them as out of order.
 */
const SERVICE_TAKES_REPORT_IDS = false;

let waiting = 0;
const listeners = new Set<() => void>();
const setWaiting = (n: number) => {
  if (n === waiting) return;
  waiting = n;
  listeners.forEach((l) => l());
};

const ownerOf = () => {
  const session = currentSession();
  return session ? `${session.personId}:${session.shopId ?? ''}` : undefined;
};

async function keep(report: PositionReport): Promise<void> {
  const db = await riderDb();
  await db.put('positions', report);
  setWaiting(await db.countFromIndex('positions', 'byOwner', report.owner));
}

let sending: Promise<void> | undefined;
/** Sends what waits, a batch at a time, until nothing does or the network fails. */
export function sendPositions(): Promise<void> {
  sending ??= (async () => {
    try {
      const run = () => drain();
      if (navigator.locks) await navigator.locks.request('petalpost.rider.positions', { ifAvailable: true }, (lock) => (lock ? run() : undefined));
      else await run();
    } finally {
      sending = undefined;
    }
  })();
  return sending;
}

async function drain(): Promise<void> {
  const owner = ownerOf();
  if (!owner) return;
  const db = await riderDb();
  for (;;) {
    const batch = nextBatch(await db.getAllFromIndex('positions', 'byOwner', owner));
    setWaiting(await db.countFromIndex('positions', 'byOwner', owner));
    if (batch.length === 0) return;
    let answer: { status: number } | 'unreachable';
    try {
      const token = await freshToken();
      const response = await fetch('/api/dispatch/riders/me/positions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({
          positions: batch.map(({ id, owner: _owner, ...position }) => (SERVICE_TAKES_REPORT_IDS ? { id, ...position } : position)),
        }),
      });
      await response.arrayBuffer();
      answer = { status: response.status };
    } catch {
      answer = 'unreachable';
    }
    if (!settles(answer)) return;
    const tx = db.transaction('positions', 'readwrite');
    await Promise.all([...batch.map((r) => tx.store.delete(r.id)), tx.done]);
  }
}

/**
 * Watches the phone's position while `availability` says on shift, and sends what it keeps every
 * few seconds and whenever the network returns. Off shift or on a break nothing is watched; what
 * was kept still goes.
 */
export function useShiftPositions(availability: string | undefined): void {
  const onShift = reportsPositions(availability);
  useEffect(() => {
    const kick = () => void sendPositions();
    window.addEventListener('online', kick);
    const timer = setInterval(kick, SEND_EVERY_MS);
    kick();
    let watch: number | undefined;
    if (onShift && navigator.geolocation) {
      watch = navigator.geolocation.watchPosition(
        (fix) => {
          const owner = ownerOf();
          if (owner) void keep(reportOf(fix, crypto.randomUUID(), owner));
        },
        // No fix (permission refused, no signal): the header shows the shift; dispatch sees no position.
        () => undefined,
        { enableHighAccuracy: true, maximumAge: 5_000, timeout: 30_000 },
      );
    }
    return () => {
      window.removeEventListener('online', kick);
      clearInterval(timer);
      if (watch !== undefined) navigator.geolocation.clearWatch(watch);
    };
  }, [onShift]);
}

/** How many position reports wait on the phone. */
export function usePositionsWaiting(): number {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => waiting,
  );
}
