import { serviceConfigSchemaFor } from '@petalpost/platform';
import { z } from 'zod';
import { attachmentsConfigShape } from './attachments/attachments.config';
import { exceptionsConfigShape } from './exceptions/exceptions.config';

/** Conversations: how long a rider keeps reading after delivery, how long an author may recall a message. */
const conversationsConfigShape = {
  MESSAGING_RIDER_GRACE_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  MESSAGING_RECALL_SECONDS: z.coerce.number().int().min(0).max(24 * 3600).default(120),
};

export const messagingConfigSchema = serviceConfigSchemaFor('messaging').safeExtend(conversationsConfigShape).safeExtend(attachmentsConfigShape).safeExtend(exceptionsConfigShape);

export type MessagingConfig = z.infer<typeof messagingConfigSchema>;
