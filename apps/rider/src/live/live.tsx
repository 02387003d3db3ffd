import { useQueryClient } from '@tanstack/react-query';
import { LiveStream, type StreamState } from '@petalpost/web-kit';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { freshToken, useSession } from '../session';
import { notifyMention } from './mention-alerts';
import { type RiderNews, riderNewsOf } from './rider-news';

const LiveContext = createContext<LiveStream | undefined>(undefined);

/**
 * Follows the notifications stream for the signed-in rider (their `rider:` audience, and their
 * `person:` one for @mentions) and keeps every screen current: a notification refetches the
 * queries on screen, so a view shows what the API gives a rider, never a guess patched from the
 * event. Features listen to what it means with `useRiderNews`.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const client = useQueryClient();
  const { t } = useTranslation();
  const [stream, setStream] = useState<LiveStream>();
  const key = session ? `${session.personId}:${session.role}:${session.shopId ?? ''}` : undefined;
  const words = useRef(t);
  words.current = t;

  useEffect(() => {
    if (!key) return;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const live = new LiveStream({ url, token: freshToken, cursorKey: `petalpost.rider.cursor:${key}`, storage: localStorage });
    let refetch: ReturnType<typeof setTimeout> | undefined;
    // A burst of events (a plan applied to a whole run) refetches once.
    const refresh = () => {
      clearTimeout(refetch);
      refetch = setTimeout(() => void client.invalidateQueries(), 80);
    };
    setStream(live);
    const unsubscribe = live.subscribe({
      notification: (n) => {
        refresh();
        const news = riderNewsOf(n);
        if (news.kind === 'mention') void notifyMention(n, words.current);
      },
      reset: refresh,
      state: (s) => s === 'live' && refresh(),
    });
    const unfollow = live.followDevice();
    live.start();
    return () => {
      clearTimeout(refetch);
      unsubscribe();
      unfollow();
      live.stop();
      setStream(undefined);
    };
  }, [key, client]);

  return <LiveContext.Provider value={stream}>{children}</LiveContext.Provider>;
}

/**
 * Calls `listener` with each notification as the rider's app reads it (run replanned, at risk,
 * exception acknowledged or resolved, a mention…). The screens' data refetches by itself; this is
 * for what a screen says about the change ("the run changed", an alert).
 */
export function useRiderNews(listener: (news: RiderNews) => void): void {
  const stream = useContext(LiveContext);
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => stream?.subscribe({ notification: (n) => latest.current(riderNewsOf(n)) }), [stream]);
}

/** 'live', 'connecting' or 'offline'. */
export function useStreamState(): StreamState {
  const stream = useContext(LiveContext);
  return useSyncExternalStore(
    (listener) => stream?.subscribe({ state: listener }) ?? (() => undefined),
    () => stream?.state ?? 'connecting',
  );
}
