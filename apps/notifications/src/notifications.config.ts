import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { inboxConfigShape } from './inbox/inbox.config';
import { trackingConfigShape } from './tracking/tracking.config';

export const notificationsConfigSchema = serviceConfigSchemaFor('notifications').safeExtend(trackingConfigShape).safeExtend(inboxConfigShape);

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
