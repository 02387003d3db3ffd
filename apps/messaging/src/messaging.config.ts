import { riderGraceConfigShape, serviceConfigSchemaFor } from '@petalpost/platform';
import { z } from 'zod';
import { attachmentsConfigShape } from './attachments/attachments.config';
import { exceptionsConfigShape } from './exceptions/exceptions.config';
import type { Rules } from './conversations/domain/conversation.commands';

/** Conversations: how long a rider keeps reading after delivery (RIDER_GRACE_MINUTES, shared with orders), how long an author may recall a message. */
const conversationsConfigShape = {
  ...riderGraceConfigShape,
  MESSAGING_RECALL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .default(120),
};

export const messagingConfigSchema = serviceConfigSchemaFor('messaging')
  .safeExtend(conversationsConfigShape)
  .safeExtend(attachmentsConfigShape)
  .safeExtend(exceptionsConfigShape);

export type MessagingConfig = z.infer<typeof messagingConfigSchema>;

/** The conversation rules a command carries: the decider reads no config. */
export function conversationRules(config: MessagingConfig): Rules {
  return { riderGraceMinutes: config.RIDER_GRACE_MINUTES, recallSeconds: config.MESSAGING_RECALL_SECONDS };
}
