import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';

export const notificationsConfigSchema = serviceConfigSchemaFor('notifications');

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
