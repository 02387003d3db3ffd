import { MAX_ACCESS_TOKEN_SECONDS } from '@petalpost/auth';
import { z } from 'zod';
import type { ThrottlePolicy } from './domain/sign-in-throttle';

const count = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const sessionsConfigShape = {
  /** How long an access token from sign-in or refresh lives. */
  ACCOUNTS_ACCESS_TOKEN_SECONDS: z.coerce.number().int().min(10).max(MAX_ACCESS_TOKEN_SECONDS).default(MAX_ACCESS_TOKEN_SECONDS),
  /** A session unused this long ends. */
  ACCOUNTS_SESSION_IDLE_DAYS: z.coerce.number().positive().max(365).default(30),
  /** A session ends this long after sign-in, however used. */
  ACCOUNTS_SESSION_MAX_DAYS: z.coerce.number().positive().max(365).default(90),
  /**
   * A refresh token presented again within this many seconds of its rotation is refused (409) without
   * ending the session: two tabs refreshing at once. Later, it is a stolen token's reuse and ends the session.
   */
  ACCOUNTS_REFRESH_RACE_GRACE_SECONDS: z.coerce.number().min(0).max(60).default(2),
  ACCOUNTS_SIGN_IN_FREE_FAILURES: count(100, 3),
  ACCOUNTS_SIGN_IN_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(1_000),
  ACCOUNTS_SIGN_IN_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(3_600_000).default(60_000),
  /** Consecutive failures that lock an account until unlocked by e-mail link or by the shop's owner. */
  ACCOUNTS_SIGN_IN_LOCKOUT_FAILURES: count(1000, 10),
  /** Failures from one client address within the window before it gets 429. */
  ACCOUNTS_SIGN_IN_ADDRESS_FAILURES: count(100_000, 50),
  ACCOUNTS_SIGN_IN_ADDRESS_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** How long failed sign-ins, failure counts, rotated refresh tokens and ended sessions are kept. */
  ACCOUNTS_SIGN_IN_RECORDS_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
};

export interface SessionsConfig {
  ACCOUNTS_ACCESS_TOKEN_SECONDS: number;
  ACCOUNTS_SESSION_IDLE_DAYS: number;
  ACCOUNTS_SESSION_MAX_DAYS: number;
  ACCOUNTS_REFRESH_RACE_GRACE_SECONDS: number;
  ACCOUNTS_SIGN_IN_FREE_FAILURES: number;
  ACCOUNTS_SIGN_IN_BACKOFF_BASE_MS: number;
  ACCOUNTS_SIGN_IN_BACKOFF_MAX_MS: number;
  ACCOUNTS_SIGN_IN_LOCKOUT_FAILURES: number;
  ACCOUNTS_SIGN_IN_ADDRESS_FAILURES: number;
  ACCOUNTS_SIGN_IN_ADDRESS_WINDOW_SECONDS: number;
  ACCOUNTS_SIGN_IN_RECORDS_RETENTION_DAYS: number;
}

export function throttlePolicyOf(config: SessionsConfig): ThrottlePolicy {
  return {
    freeFailures: config.ACCOUNTS_SIGN_IN_FREE_FAILURES,
    backoffBaseMs: config.ACCOUNTS_SIGN_IN_BACKOFF_BASE_MS,
    backoffMaxMs: config.ACCOUNTS_SIGN_IN_BACKOFF_MAX_MS,
    lockoutFailures: config.ACCOUNTS_SIGN_IN_LOCKOUT_FAILURES,
    addressFailures: config.ACCOUNTS_SIGN_IN_ADDRESS_FAILURES,
    addressWindowMs: config.ACCOUNTS_SIGN_IN_ADDRESS_WINDOW_SECONDS * 1000,
  };
}
