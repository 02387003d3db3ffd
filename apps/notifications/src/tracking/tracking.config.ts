import type { ServiceConfig } from '@petalpost/platform';
import { z } from 'zod';

/** The tracking page's variables (docs/notifications.md, "Customer tracking page"). */
export const trackingConfigShape = {
  /** A link keeps working this long after the order is delivered, cancelled, rejected or returned. */
  TRACKING_GRACE_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 90)
    .default(24),
  /** A link's own end, fixed when it is minted: this many days after the order's delivery window, whatever happens to the order. */
  TRACKING_LINK_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  /** Where customers reach this service, e.g. https://track.example.com; required in production, elsewhere unset means the service's own address. */
  TRACKING_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Where the attachment store serves photos by their reference; unset: the page shows no photos. */
  TRACKING_PHOTO_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
};

/** Links built from a request's Host header would point wherever a caller says: production names its public address. */
export function hasTrackingPublicUrlWhereNeeded(config: { NODE_ENV: string; TRACKING_PUBLIC_URL?: string }): boolean {
  return config.NODE_ENV !== 'production' || config.TRACKING_PUBLIC_URL !== undefined;
}

export type TrackingConfig = { [K in keyof typeof trackingConfigShape]: z.infer<(typeof trackingConfigShape)[K]> };

/** What the tracking slice reads of the service's config. */
export type TrackingServiceConfig = ServiceConfig & { DATABASE_SCHEMA: string } & TrackingConfig;
