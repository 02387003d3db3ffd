import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { attachmentsConfigShape } from './attachments/attachments.config';
import { conversationsConfigShape } from './conversations/conversations.config';
import { exceptionsConfigShape } from './exceptions/exceptions.config';

export const messagingConfigSchema = serviceConfigSchemaFor('messaging')
  .safeExtend(conversationsConfigShape)
  .safeExtend(attachmentsConfigShape)
  .safeExtend(exceptionsConfigShape);

export type MessagingConfig = z.infer<typeof messagingConfigSchema>;
