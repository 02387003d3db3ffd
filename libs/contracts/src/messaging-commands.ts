import { z } from 'zod';
import { PoisonMessageError } from './integration-event';
import { ActorSchema } from './roles';

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

export const MessagingCommandMessageSchema = z.object({
  /** Unique per command: the id of the message it posts. */
  commandId: z.uuid(),
  type: z.enum(Object.keys(MESSAGING_COMMAND_CONTRACTS) as [MessagingCommandType, ...MessagingCommandType[]]),
  schemaVersion: z.number().int().positive(),
  orderId: z.string().min(1),
  /** The shop the sender believes the order belongs to; a mismatch is refused. */
  shopId: z.string().min(1),
  data: z.unknown(),
  metadata: z.object({
    correlationId: z.string().min(1),
    causationId: z.string().min(1).optional(),
    /** Who wrote it: for PostCustomerMessage the order's customer (`role: customer`). */
    actor: ActorSchema,
    issuedAt: z.iso.datetime({ offset: true }),
    traceparent: z.string().optional(),
  }),
});

export type MessagingCommandMessage<T extends MessagingCommandType = MessagingCommandType> = Omit<z.infer<typeof MessagingCommandMessageSchema>, 'type' | 'data'> & {
  type: T;
  data: z.infer<(typeof MESSAGING_COMMAND_CONTRACTS)[T][1]>;
};

/** Decodes a raw `messaging.commands` value; anything malformed is poison (dead-lettered, never retried). */
export function decodeMessagingCommand(raw: Buffer | string | null): MessagingCommandMessage {
  let json: unknown;
  try {
    json = JSON.parse(String(raw ?? ''));
  } catch {
    throw new PoisonMessageError('command value is not JSON');
  }
  const envelope = MessagingCommandMessageSchema.safeParse(json);
  if (!envelope.success) throw new PoisonMessageError('not a messaging command envelope', envelope.error.issues);
  const versions: Record<number, z.ZodType> = MESSAGING_COMMAND_CONTRACTS[envelope.data.type];
  const schema = versions[envelope.data.schemaVersion];
  if (!schema) throw new PoisonMessageError(`${envelope.data.type} has no schema version ${envelope.data.schemaVersion}`);
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) throw new PoisonMessageError(`${envelope.data.type} v${envelope.data.schemaVersion} violates its schema`, data.error.issues);
  return { ...envelope.data, data: data.data } as MessagingCommandMessage;
}
