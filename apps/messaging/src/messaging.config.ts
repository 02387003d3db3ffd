import { serviceConfigSchema } from '@petalpost/platform';
import { z } from 'zod';

export const messagingConfigSchema = serviceConfigSchema.safeExtend({
  DATABASE_SCHEMA: z.string().default('messaging'),
});

export type MessagingConfig = z.infer<typeof messagingConfigSchema>;
