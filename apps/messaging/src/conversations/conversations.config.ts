import { riderGraceConfigShape } from '@petalpost/platform';
import { z } from 'zod';
import type { Rules } from './domain/conversation.commands';

/** Conversations: how long a rider keeps reading after delivery (RIDER_GRACE_MINUTES, shared with orders), how long an author may recall a message. */
export const conversationsConfigShape = {
  ...riderGraceConfigShape,
  MESSAGING_RECALL_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 3600)
    .default(120),
};

export type ConversationsConfig = z.infer<z.ZodObject<typeof conversationsConfigShape>>;

/** The conversation rules a command carries: the decider reads no config. */
export function conversationRules(config: ConversationsConfig): Rules {
  return { riderGraceMinutes: config.RIDER_GRACE_MINUTES, recallSeconds: config.MESSAGING_RECALL_SECONDS };
}
