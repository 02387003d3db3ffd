import type { z } from 'zod';
import type { CommandContracts } from './command-envelope';
import { DISPATCH_EVENT_CONTRACTS } from './dispatch';
import { EXCEPTION_EVENT_CONTRACTS } from './exception-reports';
import { INTAKE_EVENT_CONTRACTS } from './intake';
import type { EventContract } from './integration-event';
import { MESSAGING_EVENT_CONTRACTS } from './messaging';
import { MESSAGING_COMMAND_CONTRACTS, MESSAGING_COMMAND_SENDERS, MessagingCommandMessageSchema } from './messaging-commands';
import { ORDER_COMMAND_CONTRACTS, ORDER_COMMAND_SENDERS, OrderCommandMessageSchema } from './order-commands';
import { ORDER_EVENT_CONTRACTS } from './orders';
import { RiderPositionSchema } from './riders';
import type { ServiceName, TopicKey } from './topics';

/**
 * What one topic carries: integration events (one envelope, a contract per type and version),
 * commands (the topic's envelope, a schema per type and version, one sender per type), or plain
 * values of one schema.
 */
export type TopicMessages =
  | { kind: 'events'; contracts: readonly EventContract[] }
  | { kind: 'commands'; envelope: z.ZodObject; contracts: CommandContracts; senders: Readonly<Record<string, ServiceName>> }
  | { kind: 'values'; name: string; schema: z.ZodType };

/** What flows on each topic: docs/contracts.md and the AsyncAPI documents are written from this. */
export const TOPIC_MESSAGES = {
  ordersEvents: { kind: 'events', contracts: [...ORDER_EVENT_CONTRACTS, ...INTAKE_EVENT_CONTRACTS] },
  ordersCommands: { kind: 'commands', envelope: OrderCommandMessageSchema, contracts: ORDER_COMMAND_CONTRACTS, senders: ORDER_COMMAND_SENDERS },
  dispatchEvents: { kind: 'events', contracts: DISPATCH_EVENT_CONTRACTS },
  messagingEvents: { kind: 'events', contracts: [...MESSAGING_EVENT_CONTRACTS, ...EXCEPTION_EVENT_CONTRACTS] },
  messagingCommands: { kind: 'commands', envelope: MessagingCommandMessageSchema, contracts: MESSAGING_COMMAND_CONTRACTS, senders: MESSAGING_COMMAND_SENDERS },
  riderLocations: { kind: 'values', name: 'RiderPosition', schema: RiderPositionSchema },
} as const satisfies Record<TopicKey, TopicMessages>;
