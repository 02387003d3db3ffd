import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { freshToken, useSession } from '../session/session';
import { LiveStream, type Notification, type Position, type StreamState } from './stream';

interface Live {
  stream?: LiveStream;
  /** The latest notifications, newest first, each once. */
  recent: Notification[];
  /** Each rider's last known positions, newest last (a short trail). */
  positions: Map<string, Position[]>;
  version: number;
}

const LiveContext = createContext<Live>({ recent: [], positions: new Map(), version: 0 });
const TRAIL_LENGTH = 20;
const RECENT_LENGTH = 50;

/**
 * Follows the notifications stream for the signed-in person and keeps every screen current: a
 * notification refetches the queries on screen (TanStack Query refetches only active ones), so
 * a view shows exactly what the API gives its role, never a guess patched from the event.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const client = useQueryClient();
  const [live, setLive] = useState<Live>({ recent: [], positions: new Map(), version: 0 });
  const key = session ? `${session.personId}:${session.role}:${session.shopId ?? ''}` : undefined;

  useEffect(() => {
    if (!key) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const stream = new LiveStream({ url, token: freshToken, cursorKey: `petalpost.cursor:${key}` });
    let refetch: ReturnType<typeof setTimeout> | undefined;
    // A burst of events (a plan applied to forty orders) refetches once.
    const refresh = () => {
      clearTimeout(refetch);
      refetch = setTimeout(() => void client.invalidateQueries(), 80);
    };
    setLive({ stream, recent: [], positions: new Map(), version: 0 });
    const unsubscribe = stream.subscribe({
      notification: (n) => {
        setLive((l) => ({ ...l, recent: [n, ...l.recent].slice(0, RECENT_LENGTH), version: l.version + 1 }));
        refresh();
      },
      position: (p) =>
        setLive((l) => {
          const positions = new Map(l.positions);
          positions.set(p.riderId, [...(positions.get(p.riderId) ?? []), p].slice(-TRAIL_LENGTH));
          return { ...l, positions, version: l.version + 1 };
        }),
      reset: refresh,
      // Back from a lost connection: what changed meanwhile arrives as notifications; a refetch covers the rest.
      state: (s) => {
        setLive((l) => ({ ...l, version: l.version + 1 }));
        if (s === 'live') refresh();
      },
    });
    const wake = () => stream.wake();
    const lost = () => stream.offline();
    const visible = () => document.visibilityState === 'visible' && stream.wake();
    window.addEventListener('online', wake);
    window.addEventListener('offline', lost);
    document.addEventListener('visibilitychange', visible);
    stream.start();
    return () => {
      clearTimeout(refetch);
      unsubscribe();
      window.removeEventListener('online', wake);
      window.removeEventListener('offline', lost);
      document.removeEventListener('visibilitychange', visible);
      stream.stop();
    };
  }, [key, client]);

  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

export const useLive = (): Live => useContext(LiveContext);

/** 'live', 'connecting' or 'offline', for the status shown in the header. */
export function useStreamState(): StreamState {
  const { stream } = useLive();
  return useSyncExternalStore(
    (listener) => stream?.subscribe({ state: listener }) ?? (() => undefined),
    () => stream?.state ?? 'connecting',
  );
}

/** Notifications about one order, newest first (e.g. to highlight what just changed). */
export function useOrderNotifications(orderId: string): Notification[] {
  const { recent } = useLive();
  return useMemo(() => recent.filter((n) => n.data?.orderId === orderId), [recent, orderId]);
}
