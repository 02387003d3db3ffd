import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { inboxConfigShape } from './inbox/inbox.config';

export const notificationsConfigSchema = serviceConfigSchemaFor('notifications').safeExtend(inboxConfigShape);

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
