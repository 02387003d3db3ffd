import { retentionSweep, SERVICE_CONFIG } from '@petalpost/platform';
import type { SessionsConfig } from './sessions.config';

const days = (n: number) => n * 24 * 60 * 60_000;

export const SIGN_IN_FAILURES_RETENTION = Symbol('SIGN_IN_FAILURES_RETENTION');
export const SIGN_IN_COUNTS_RETENTION = Symbol('SIGN_IN_COUNTS_RETENTION');
export const ROTATED_REFRESH_TOKENS_RETENTION = Symbol('ROTATED_REFRESH_TOKENS_RETENTION');
export const OLD_SESSIONS_RETENTION = Symbol('OLD_SESSIONS_RETENTION');

/** Failed sign-ins are kept for the owners to see, then dropped. */
export const signInFailuresRetention = retentionSweep(
  SIGN_IN_FAILURES_RETENTION,
  (config: SessionsConfig) => ({
    table: 'sign_in_failures',
    timeColumn: 'at',
    retentionMs: days(config.ACCOUNTS_SIGN_IN_RECORDS_RETENTION_DAYS),
    task: 'accounts.sign-in-failures.retention',
  }),
  [SERVICE_CONFIG],
);

/** An account's failure count is forgotten after as long (every address ever guessed at has a row); a lockout stays until lifted. */
export const signInCountsRetention = retentionSweep(
  SIGN_IN_COUNTS_RETENTION,
  (config: SessionsConfig) => ({
    table: 'sign_in_accounts',
    timeColumn: 'last_failure_at',
    retentionMs: days(config.ACCOUNTS_SIGN_IN_RECORDS_RETENTION_DAYS),
    task: 'accounts.sign-in-counts.retention',
    keep: 'sign_in_accounts.locked_at IS NOT NULL',
  }),
  [SERVICE_CONFIG],
);

/** A rotated refresh token is kept to recognise its reuse; once dropped, a replay of it is refused as unknown instead. */
export const rotatedRefreshTokensRetention = retentionSweep(
  ROTATED_REFRESH_TOKENS_RETENTION,
  (config: SessionsConfig) => ({
    table: 'refresh_tokens',
    // Current tokens have no rotated_at: the sweep never takes them.
    timeColumn: 'rotated_at',
    retentionMs: days(config.ACCOUNTS_SIGN_IN_RECORDS_RETENTION_DAYS),
    task: 'accounts.refresh-tokens.retention',
  }),
  [SERVICE_CONFIG],
);

/** A session unused for its longest life has certainly ended; it goes with its tokens. */
export const oldSessionsRetention = retentionSweep(
  OLD_SESSIONS_RETENTION,
  (config: SessionsConfig) => ({
    table: 'sessions',
    timeColumn: 'last_used_at',
    retentionMs: days(Math.max(config.ACCOUNTS_SESSION_MAX_DAYS, config.ACCOUNTS_SIGN_IN_RECORDS_RETENTION_DAYS)),
    task: 'accounts.sessions.retention',
  }),
  [SERVICE_CONFIG],
);

export const sessionsRetention = [signInFailuresRetention, signInCountsRetention, rotatedRefreshTokensRetention, oldSessionsRetention];
