import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { inboxConfigShape } from './inbox/inbox.config';
import { pushConfigShape } from './inbox/push.config';
import { hasTrackingPublicUrlWhereNeeded, trackingConfigShape } from './tracking/tracking.config';
import { webhooksConfigShape } from './webhooks/webhooks.config';

export const notificationsConfigSchema = serviceConfigSchemaFor('notifications')
  .safeExtend(trackingConfigShape)
  .safeExtend(inboxConfigShape)
  .safeExtend(pushConfigShape)
  .safeExtend(webhooksConfigShape)
  .refine(hasTrackingPublicUrlWhereNeeded, { path: ['TRACKING_PUBLIC_URL'], message: 'must be set in production' });

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
