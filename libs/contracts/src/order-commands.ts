import { z } from 'zod';
import { commandEnvelopeSchema, decodeCommand } from './command-envelope';
import type { ServiceName } from './topics';

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

/** The one service that sends each command (its relay, from the event that decided it). */
export const ORDER_COMMAND_SENDERS = {
  AssignRider: 'dispatch',
  UnassignRider: 'dispatch',
  FlagOrderException: 'messaging',
  ClearOrderException: 'messaging',
} as const satisfies Record<OrderCommandType, ServiceName>;

export const OrderCommandMessageSchema = commandEnvelopeSchema(ORDER_COMMAND_CONTRACTS);

export type OrderCommandMessage<T extends OrderCommandType = OrderCommandType> = Omit<z.infer<typeof OrderCommandMessageSchema>, 'type' | 'data'> & {
  type: T;
  data: z.infer<(typeof ORDER_COMMAND_CONTRACTS)[T][1]>;
};

/** Decodes a raw `orders.commands` value; anything malformed is poison (dead-lettered, never retried). */
export function decodeOrderCommand(raw: Buffer | string | null): OrderCommandMessage {
  return decodeCommand(raw, ORDER_COMMAND_CONTRACTS, OrderCommandMessageSchema, 'an orders') as OrderCommandMessage;
}
