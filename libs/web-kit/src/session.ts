import { useSyncExternalStore } from 'react';

/** A shop role, or an operator's. Customers never sign in to the apps. */
export type Role = 'staff' | 'florist' | 'dispatcher' | 'rider' | 'operator';

export interface Membership {
  shopId: string;
  shopName: string;
  shopTimeZone: string;
  /** ISO 4217: new orders are priced in it. */
  shopCurrency: string;
  roles: Array<Exclude<Role, 'operator'>>;
  owner: boolean;
  manageTeam: boolean;
}

export interface Session {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  refreshToken: string;
  sessionId: string;
  personId: string;
  displayName: string;
  email: string;
  role: Role;
  shopId?: string;
  operator: boolean;
  memberships: Membership[];
}

/** The answer of POST /sessions and /sessions/refresh, as far as the apps read it. */
export interface TokenAnswer {
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  session: { sessionId: string; role: Role; shopId?: string };
}

export class SignInError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SessionStoreOptions {
  /** Where this app keeps the session (localStorage): each app its own, on one origin. */
  storageKey: string;
  /** The Web Lock under which one tab at a time refreshes. */
  lockName: string;
}

export interface SessionStore {
  useSession(): Session | undefined;
  currentSession(): Session | undefined;
  signIn(email: string, password: string): Promise<Session>;
  /** Keeps the session that a sign-in-like answer (an accepted invitation, a passkey) gave. */
  adopt(answer: TokenAnswer): Promise<Session>;
  /** Acts as another of the person's memberships: one token never carries more than one role. */
  actAs(shopId: string, role: Role): Promise<void>;
  signOut(): Promise<void>;
  /** The access token to call with, refreshed first when it is about to expire; undefined when signed out. */
  freshToken(): Promise<string | undefined>;
}

// The session survives a reload and a device's sleep: the refresh token is kept in this browser
// until sign-out (the access token lives 15 minutes at most). Tabs share it, and a refresh is
// done by one tab at a time (see `freshToken`): a refresh token is good for one use, and a
// second use would end the session for every tab.
/** Refresh this long before the access token expires, so no request goes out with a dying one. */
const REFRESH_AHEAD_MS = 60_000;

export function createSessionStore({ storageKey, lockName }: SessionStoreOptions): SessionStore {
  let current: Session | undefined = read();
  const listeners = new Set<() => void>();

  function read(): Session | undefined {
    try {
      const raw = localStorage.getItem(storageKey);
      const session = raw ? (JSON.parse(raw) as Session) : undefined;
      // Kept before memberships named their currency: refreshed at its next call, which reads them again.
      if (session?.memberships.some((m) => m.shopCurrency === undefined)) return { ...session, expiresAt: 0 };
      return session;
    } catch {
      return undefined;
    }
  }

  function publish(next: Session | undefined): void {
    current = next;
    if (next) localStorage.setItem(storageKey, JSON.stringify(next));
    else localStorage.removeItem(storageKey);
    listeners.forEach((listener) => listener());
  }

  // Another tab signed in, refreshed or signed out.
  window.addEventListener('storage', (event) => {
    if (event.key !== storageKey) return;
    current = read();
    listeners.forEach((listener) => listener());
  });

  async function withRefreshLock(work: (stored: Session) => Promise<Session>): Promise<Session | undefined> {
    const run = async () => {
      const stored = read();
      if (!stored) {
        publish(undefined);
        return undefined;
      }
      try {
        const next = await work(stored);
        publish(next);
        return next;
      } catch (err) {
        // A refused refresh (removed from the shop, signed out elsewhere, reused token) ends the session here too.
        if (err instanceof SignInError && err.status === 401) publish(undefined);
        throw err;
      }
    };
    return navigator.locks ? navigator.locks.request(lockName, run) : run();
  }

  return {
    useSession: () =>
      useSyncExternalStore(
        (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        () => current,
      ),
    currentSession: () => current,
    async signIn(email, password) {
      const session = await complete(await post<TokenAnswer>('/sessions', { email, password }));
      publish(session);
      return session;
    },
    async adopt(answer) {
      const session = await complete(answer);
      publish(session);
      return session;
    },
    async actAs(shopId, role) {
      await withRefreshLock(async (session) => complete(await post<TokenAnswer>('/sessions/refresh', { refreshToken: session.refreshToken, shopId, role })));
    },
    async signOut() {
      const session = current;
      publish(undefined);
      if (session)
        await fetch(`/api/accounts/sessions/${encodeURIComponent(session.sessionId)}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${session.accessToken}` },
        }).catch(() => undefined);
    },
    async freshToken() {
      if (!current) return undefined;
      if (current.expiresAt - Date.now() > REFRESH_AHEAD_MS) return current.accessToken;
      const session = await withRefreshLock(async (stored) => {
        // Another tab may have refreshed while this one waited for the lock.
        if (stored.expiresAt - Date.now() > REFRESH_AHEAD_MS) return stored;
        const answer = await post<TokenAnswer>('/sessions/refresh', { refreshToken: stored.refreshToken, shopId: stored.shopId, role: stored.role });
        return complete(answer);
      });
      return session?.accessToken;
    },
  };
}

async function post<T>(path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`/api/accounts${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = response.status === 204 ? {} : await response.json().catch(() => ({}));
  if (!response.ok) throw new SignInError(answer.code ?? 'UNKNOWN', response.status, answer.message ?? response.statusText);
  return answer as T;
}

async function complete(answer: TokenAnswer): Promise<Session> {
  const me = await fetch('/api/accounts/me', { headers: { authorization: `Bearer ${answer.accessToken}` } }).then((r) => r.json());
  return {
    accessToken: answer.accessToken,
    expiresAt: Date.parse(answer.expiresAt),
    refreshToken: answer.refreshToken,
    sessionId: answer.session.sessionId,
    personId: me.personId,
    displayName: me.displayName,
    email: me.email,
    operator: me.operator,
    memberships: me.memberships,
    role: answer.session.role,
    ...(answer.session.shopId ? { shopId: answer.session.shopId } : {}),
  };
}

export const membershipOf = (session: Session): Membership | undefined => session.memberships.find((m) => m.shopId === session.shopId);
