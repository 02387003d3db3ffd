import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Actor } from '@petalpost/contracts';
import { type CommandResult, EventStore, foldEvents, handleCommand } from '@petalpost/event-store';
import { currentContext } from '@petalpost/platform';
import { DeliverySlots } from './delivery-slots.service';
import { slotChangesFor, slotDecider, type SlotPlan } from './domain/delivery-slot';
import type { OrderCommand } from './domain/order.commands';
import { orderDecider } from './domain/order.decider';
import { orderStream } from './domain/order.events';
import type { OrderState } from './domain/order.state';

export interface OrderCommandRequest {
  actor: Actor;
  /** Already scoped to the caller, so two callers choosing the same key never collide. */
  idempotency?: { key: string; fingerprint: string };
  /** The version the caller saw (If-Match): a stale one is refused with 412. */
  expectedVersion?: number;
  /** Refuses callers who may not act on this order (404). */
  authorize?(state: OrderState): void;
  /** The message that caused this command, and the conversation it belongs to, when it came over Kafka. */
  causationId?: string;
  correlationId?: string;
}

/**
 * The one way a command reaches an order, from the HTTP API and from `orders.commands` alike:
 * the decider decides; a new window takes its place in the shop's delivery slot (and gives the
 * old one back) in the same transaction as the order's events.
 */
@Injectable()
export class OrderCommands {
  constructor(
    private readonly store: EventStore,
    private readonly slots: DeliverySlots,
  ) {}

  async execute(orderId: string, command: OrderCommand, request: OrderCommandRequest): Promise<CommandResult<OrderState>> {
    const streamId = orderStream(orderId);
    const plan = await this.slotPlanFor(streamId, command);
    const slotted = this.withSlot(plan, command);
    const context = currentContext();
    return handleCommand(this.store, orderDecider, {
      streamId,
      command: slotted,
      metadata: {
        correlationId: request.correlationId ?? context?.correlationId ?? randomUUID(),
        causationId: request.causationId ?? context?.causationId,
        traceparent: context?.traceparent,
        actor: request.actor,
        occurredAt: command.now,
      },
      expectedVersion: request.expectedVersion,
      idempotency: request.idempotency,
      authorize: request.authorize,
      // A placed order's id was made up for this request.
      freshStream: command.type === 'PlaceOrder',
      linked: (events, before) => slotChangesFor(events, before, plan, command.now).map((change) => ({ ...change, decider: slotDecider })),
    });
  }

  /** Only a new window needs the shop's slot plan; giving a place back needs nothing. */
  private async slotPlanFor(streamId: string, command: OrderCommand): Promise<SlotPlan | undefined> {
    if (command.type === 'PlaceOrder') return this.slots.plan(command.shopId);
    if (command.type !== 'ChangeWindow' && command.type !== 'RescheduleDelivery') return undefined;
    const order = foldEvents(orderDecider, await this.store.readStream(streamId));
    return order.status === 'none' ? undefined : this.slots.plan(order.shopId);
  }

  private withSlot(plan: SlotPlan | undefined, command: OrderCommand): OrderCommand {
    if (command.type === 'PlaceOrder' || command.type === 'ChangeWindow' || command.type === 'RescheduleDelivery') {
      return { ...command, deliverySlot: this.slots.slotFor(plan, command.deliveryWindow) };
    }
    return command;
  }
}
