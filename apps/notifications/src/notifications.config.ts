import { serviceConfigSchema } from '@petalpost/platform';
import { z } from 'zod';

export const notificationsConfigSchema = serviceConfigSchema.safeExtend({
  DATABASE_SCHEMA: z.string().default('notifications'),
});

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
