import type { ReaderSession } from '../delivery/reader-session';

/** Close code for a connection whose token expired: reconnect with a fresh token and the last cursor. */
export const CLOSE_TOKEN_EXPIRED = 4001;
/** Close code for a person's connection beyond PUSH_MAX_CONNECTIONS_PER_SUBJECT (HTTP 429 for SSE). */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;
/** Close code for a client sending faster than its rate (RFC 6455: policy violation). */
export const CLOSE_TOO_MANY_MESSAGES = 1008;

/** setTimeout takes at most 2^31-1 ms (about 24.8 days); a longer wait is taken in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Ends the session when its token expires: the person's right to read was only granted until
 * then. Returns the cancel for a session that ends earlier.
 */
export function endAtExpiry(session: ReaderSession, expiresAt: Date | undefined): () => void {
  if (!expiresAt) return () => undefined;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = expiresAt.getTime() - Date.now();
    if (wait > LONGEST_TIMER_MS) {
      timer = setTimeout(arm, LONGEST_TIMER_MS);
      return;
    }
    timer = setTimeout(
      () => {
        session.send({ type: 'expired', message: 'your token expired: reconnect with a fresh one and your last cursor' });
        session.close(CLOSE_TOKEN_EXPIRED, 'token expired');
      },
      Math.max(0, wait),
    );
  };
  arm();
  return () => clearTimeout(timer);
}
