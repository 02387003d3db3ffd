import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';

export const messagingConfigSchema = serviceConfigSchemaFor('messaging');

export type MessagingConfig = z.infer<typeof messagingConfigSchema>;
