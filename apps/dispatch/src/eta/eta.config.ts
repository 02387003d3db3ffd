import { ianaTimeZone } from '@petalpost/platform';
import { z } from 'zod';

/** ETAs and risk (docs/dispatch.md). */
export const etaConfigShape = {
  ETA_REFRESH_SECONDS: z.coerce.number().positive().default(15).describe('How often every open delivery’s ETA is re-estimated and late ones flagged'),
  ETA_RIDER_DEBOUNCE_SECONDS: z.coerce
    .number()
    .min(0)
    .default(3)
    .describe('After a rider’s position or order changes, how long to gather more before re-estimating their stops'),
  DISPATCH_AT_RISK_MARGIN_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(240)
    .default(15)
    .describe('An ETA later than the window’s end minus this is at risk (a shop’s own setting wins)'),
  DISPATCH_SERVICE_MINUTES: z.coerce.number().int().min(0).max(60).default(5).describe('Minutes at the door per delivery (a shop’s own setting wins)'),
  DISPATCH_TIME_ZONE: ianaTimeZone.default('UTC').describe('The shops’ time zone: rush hours are local'),
};
