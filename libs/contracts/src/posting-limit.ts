import { DomainError } from './errors';

/**
 * How much one person may post in one order's conversation: enough for a busy afternoon, not a
 * flood. Messaging holds every author to it (staff, riders, customers alike); the tracking page
 * holds the customer to it before it hands a message on, so the customer hears of it at once.
 */
export const POSTING_LIMIT = { posts: 10, perSeconds: 60 } as const;

export type PostingLimit = { posts: number; perSeconds: number };

/**
 * Seconds until the author may post again (0: now), given when they posted last (any order; only
 * the latest `posts` count). At most `posts` posts in any `perSeconds` seconds.
 */
export function postingWaitSeconds(recent: readonly string[], now: string, limit: PostingLimit = POSTING_LIMIT): number {
  if (recent.length < limit.posts) return 0;
  const oldestCounted = recent.map((t) => Date.parse(t)).sort((a, b) => b - a)[limit.posts - 1];
  const wait = oldestCounted + limit.perSeconds * 1000 - Date.parse(now);
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

/** The refusal (429, `Retry-After`) of a post over the limit. */
export function postingLimited(retryAfterSeconds: number, limit: PostingLimit = POSTING_LIMIT): DomainError {
  return new DomainError(
    'too_many',
    'MESSAGE_RATE_LIMITED',
    `at most ${limit.posts} messages in ${limit.perSeconds} seconds: try again in ${retryAfterSeconds} s`,
    {
      retryAfterSeconds,
      posts: limit.posts,
      perSeconds: limit.perSeconds,
    },
  );
}
