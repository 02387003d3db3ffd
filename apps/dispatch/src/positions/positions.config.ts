import { z } from 'zod';

/** Rider location ingest (docs/dispatch.md). */
export const positionsConfigShape = {
  RIDER_POSITION_MAX_ACCURACY_METERS: z.coerce.number().positive().default(100).describe('A fix less precise than this is dropped as inaccurate'),
  RIDER_POSITION_MAX_FUTURE_SKEW_SECONDS: z.coerce.number().min(0).default(120).describe('How far ahead of the server a device clock may run'),
  RIDER_POSITION_MAX_AGE_SECONDS: z.coerce.number().positive().default(600).describe('A fix older than this when it arrives is dropped as too old'),
  RIDER_TRAIL_RETENTION_HOURS: z.coerce.number().positive().default(24).describe('How long the trail of rider positions is kept'),
};
