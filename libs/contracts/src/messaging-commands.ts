import { z } from 'zod';
import { commandEnvelopeSchema, decodeCommand } from './command-envelope';
import type { ServiceName } from './topics';

/**
 * Commands other services send the messaging service on `messaging.commands` (keyed by order id).
 * Notifications forwards what a customer writes on the tracking page: messaging posts it in the
 * order's customer channel as the buyer. The command id becomes the message id, so a command sent
 * again (a retry, a redelivery) posts one message.
 */

export const PostCustomerMessageV1 = z.strictObject({
  text: z.string().min(1).max(2000).describe('Plain text, as the customer wrote it (cleaned by the sender; messaging cleans it again)'),
});

/** type → version → schema of `data`. */
export const MESSAGING_COMMAND_CONTRACTS = {
  PostCustomerMessage: { 1: PostCustomerMessageV1 },
} as const;

export type MessagingCommandType = keyof typeof MESSAGING_COMMAND_CONTRACTS;

/** The one service that sends each command: notifications, from its tracking page's outbox. */
export const MESSAGING_COMMAND_SENDERS = { PostCustomerMessage: 'notifications' } as const satisfies Record<MessagingCommandType, ServiceName>;

/** Who wrote a PostCustomerMessage is in `metadata.actor`: the order's customer (`role: customer`). */
export const MessagingCommandMessageSchema = commandEnvelopeSchema(MESSAGING_COMMAND_CONTRACTS);

export type MessagingCommandMessage<T extends MessagingCommandType = MessagingCommandType> = Omit<
  z.infer<typeof MessagingCommandMessageSchema>,
  'type' | 'data'
> & {
  type: T;
  data: z.infer<(typeof MESSAGING_COMMAND_CONTRACTS)[T][1]>;
};

/** Decodes a raw `messaging.commands` value; anything malformed is poison (dead-lettered, never retried). */
export function decodeMessagingCommand(raw: Buffer | string | null): MessagingCommandMessage {
  return decodeCommand(raw, MESSAGING_COMMAND_CONTRACTS, MessagingCommandMessageSchema, 'a messaging') as MessagingCommandMessage;
}
