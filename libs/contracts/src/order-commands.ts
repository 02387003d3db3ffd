import { z } from 'zod';
import { PoisonMessageError } from './integration-event';
import { ActorSchema } from './roles';

/**
 * Commands other services send the orders service on `orders.commands` (keyed by order id):
 * dispatch assigns riders, messaging flags and clears exceptions. Each type has one schema per
 * version; the orders service runs them through the same decider as its HTTP API.
 */

export const AssignRiderV1 = z.strictObject({ riderId: z.string().min(1).max(100) });
export const UnassignRiderV1 = z.strictObject({ riderId: z.string().min(1).max(100), reason: z.string().min(1).max(500).optional() });
export const FlagOrderExceptionV1 = z.strictObject({
  exceptionId: z.string().min(1).max(100),
  kind: z.string().min(1).max(64).describe('e.g. wrong_address, damaged, vehicle_breakdown'),
  note: z.string().min(1).max(2000).optional(),
});
export const ClearOrderExceptionV1 = z.strictObject({
  exceptionId: z.string().min(1).max(100),
  resolution: z.string().min(1).max(2000).optional(),
});

/** type → version → schema of `data`. */
export const ORDER_COMMAND_CONTRACTS = {
  AssignRider: { 1: AssignRiderV1 },
  UnassignRider: { 1: UnassignRiderV1 },
  FlagOrderException: { 1: FlagOrderExceptionV1 },
  ClearOrderException: { 1: ClearOrderExceptionV1 },
} as const;

export type OrderCommandType = keyof typeof ORDER_COMMAND_CONTRACTS;

export const OrderCommandMessageSchema = z.object({
  /** Unique per command: a redelivered or resent command is applied once. */
  commandId: z.uuid(),
  type: z.enum(Object.keys(ORDER_COMMAND_CONTRACTS) as [OrderCommandType, ...OrderCommandType[]]),
  schemaVersion: z.number().int().positive(),
  orderId: z.string().min(1),
  /** The shop the sender believes the order belongs to; a mismatch is refused. */
  shopId: z.string().min(1),
  data: z.unknown(),
  metadata: z.object({
    correlationId: z.string().min(1),
    causationId: z.string().min(1).optional(),
    actor: ActorSchema,
    issuedAt: z.iso.datetime({ offset: true }),
    traceparent: z.string().optional(),
  }),
});

export type OrderCommandMessage<T extends OrderCommandType = OrderCommandType> = Omit<z.infer<typeof OrderCommandMessageSchema>, 'type' | 'data'> & {
  type: T;
  data: z.infer<(typeof ORDER_COMMAND_CONTRACTS)[T][1]>;
};

/** Decodes a raw `orders.commands` value; anything malformed is poison (dead-lettered, never retried). */
export function decodeOrderCommand(raw: Buffer | string | null): OrderCommandMessage {
  let json: unknown;
  try {
    json = JSON.parse(String(raw ?? ''));
  } catch {
    throw new PoisonMessageError('command value is not JSON');
  }
  const envelope = OrderCommandMessageSchema.safeParse(json);
  if (!envelope.success) throw new PoisonMessageError('not an orders command envelope', envelope.error.issues);
  const versions: Record<number, z.ZodType> = ORDER_COMMAND_CONTRACTS[envelope.data.type];
  const schema = versions[envelope.data.schemaVersion];
  if (!schema) throw new PoisonMessageError(`${envelope.data.type} has no schema version ${envelope.data.schemaVersion}`);
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) throw new PoisonMessageError(`${envelope.data.type} v${envelope.data.schemaVersion} violates its schema`, data.error.issues);
  return { ...envelope.data, data: data.data } as OrderCommandMessage;
}
