import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { freshToken, useSession } from '../session/session';
import { LiveStream, type Position, type StreamState } from '@petalpost/web-kit';

interface Live {
  stream?: LiveStream;
  /** Each rider's last known positions, newest last (a short trail). */
  positions: Map<string, Position[]>;
}

const LiveContext = createContext<Live>({ positions: new Map() });
const TRAIL_LENGTH = 20;

/**
 * Follows the notifications stream for the signed-in person and keeps every screen current: a
 * notification refetches the queries on screen (TanStack Query refetches only active ones), so
 * a view shows exactly what the API gives its role, never a guess patched from the event.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const client = useQueryClient();
  const [live, setLive] = useState<Live>({ positions: new Map() });
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
    setLive({ stream, positions: new Map() });
    const unsubscribe = stream.subscribe({
      notification: refresh,
      position: (p) =>
        setLive((l) => {
          const positions = new Map(l.positions);
          positions.set(p.riderId, [...(positions.get(p.riderId) ?? []), p].slice(-TRAIL_LENGTH));
          return { ...l, positions };
        }),
      reset: refresh,
      // Back from a lost connection: what changed meanwhile arrives as notifications; a refetch covers the rest.
      state: (s) => {
        if (s === 'live') refresh();
      },
    });
    const unfollow = stream.followDevice();
    stream.start();
    return () => {
      clearTimeout(refetch);
      unsubscribe();
      unfollow();
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
