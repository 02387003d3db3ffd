import { retentionSweep, SERVICE_CONFIG } from '@petalpost/platform';
import type { NotificationsConfig } from '../notifications.config';

export const INBOX_RETENTION = Symbol('INBOX_RETENTION');

/**
 * Drops inbox entries older than INBOX_RETENTION_HOURS. The heads stay, so numbering never
 * restarts; a client whose cursor points into what was dropped is told with a `reset` frame.
 */
export const inboxRetention = retentionSweep(
  INBOX_RETENTION,
  (config: NotificationsConfig) => ({
    table: 'inbox_entries',
    timeColumn: 'created_at',
    retentionMs: config.INBOX_RETENTION_HOURS * 3_600_000,
    task: 'inbox-retention',
  }),
  [SERVICE_CONFIG],
);
