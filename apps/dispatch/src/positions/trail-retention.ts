import { retentionSweep, SERVICE_CONFIG } from '@petalpost/platform';
import type { DispatchConfig } from '../dispatch.config';

export const TRAIL_RETENTION = Symbol('TRAIL_RETENTION');

/** Drops trail positions received more than RIDER_TRAIL_RETENTION_HOURS ago. Latest positions are never dropped. */
export const trailRetention = retentionSweep(
  TRAIL_RETENTION,
  (config: DispatchConfig) => ({
    table: 'rider_position_trail',
    timeColumn: 'received_at',
    retentionMs: config.RIDER_TRAIL_RETENTION_HOURS * 3_600_000,
    task: 'rider-trail-retention',
  }),
  [SERVICE_CONFIG],
);
