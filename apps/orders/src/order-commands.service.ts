import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Actor, DomainError, type EventMetadata } from '@petalpost/contracts';
import { type CommandResult, EventStore, foldEvents, handleCommand } from '@petalpost/event-store';
import { currentContext } from '@petalpost/platform';
import { DeliverySlots } from './delivery-slots.service';
import { slotChangesFor, slotDecider, type SlotPlan } from './domain/delivery-slot';
import type { OrderCommand, PickUp } from './domain/order.commands';
import { orderDecider } from './domain/order.decider';
import { orderStream } from './domain/order.events';
import { type OrderState, withoutPickupCode } from './domain/order.state';
import { PICKUP_ATTEMPTS_STREAM_TYPE, pickupAttemptsStream, type WrongPickupCodeEntered, wrongPickupCodes } from './domain/pickup-code';

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
  /** The trace the command belongs to, when it came over Kafka: its events continue it. */
  traceparent?: string;
}

/**
 * The one way a command reaches an order, from the HTTP API and from `orders.commands` alike:
 * the decider decides; a new window takes its place in the shop's delivery slot (and gives the
 * old one back) in the same transaction as the order's events; a rider's pickup code is tried
 * first, and a wrong one counted.
 */
@Injectable()
export class OrderCommands {
  constructor(
    private readonly store: EventStore,
    private readonly slots: DeliverySlots,
  ) {}

  async execute(orderId: string, command: OrderCommand, request: OrderCommandRequest): Promise<CommandResult<OrderState>> {
    const streamId = orderStream(orderId);
    const context = currentContext();
    const metadata: EventMetadata = {
      correlationId: request.correlationId ?? context?.correlationId ?? randomUUID(),
      causationId: request.causationId ?? context?.causationId,
      traceparent: request.traceparent ?? context?.traceparent,
      actor: request.actor,
      occurredAt: command.now,
    };
    try {
      const riderId = command.type === 'PickUp' ? command.riderId : undefined;
      const tried = command.type === 'PickUp' && riderId !== undefined ? await this.tryPickupCode(orderId, riderId, command, request, metadata) : command;
      const plan = await this.slotPlanFor(streamId, tried);
      return await handleCommand(this.store, orderDecider, {
        streamId,
        command: this.withSlot(plan, tried),
        metadata,
        expectedVersion: request.expectedVersion,
        idempotency: request.idempotency,
        authorize: request.authorize,
        // A placed order's id was made up for this request.
        freshStream: command.type === 'PlaceOrder',
        linked: (events, before) => slotChangesFor(events, before, plan, command.now).map((change) => ({ ...change, decider: slotDecider })),
      });
    } catch (err) {
      throw withoutPickupCodeIn(err);
    }
  }

  /**
   * A rider's code is tried under a lock on the order's pickup attempts, and a wrong one counted
   * before the lock is let go: guessing many codes at once gets no more tries than one by one.
   * The decider says what is wrong (a dry run here, the real run after); refusals other than a
   * wrong code are left to the real run, which may still answer an idempotent replay.
   */
  private async tryPickupCode(orderId: string, riderId: string, command: PickUp, request: OrderCommandRequest, metadata: EventMetadata): Promise<PickUp> {
    const attemptsStream = pickupAttemptsStream(orderId);
    const outcome = await this.store.transaction(async (manager) => {
      await this.store.lockStream(attemptsStream, manager);
      const attempts = await this.store.readStream(attemptsStream, {}, manager);
      const order = foldEvents(orderDecider, await this.store.readStream(orderStream(orderId), {}, manager));
      request.authorize?.(order);
      const tried: PickUp = { ...command, wrongPickupCodes: wrongPickupCodes(attempts) };
      try {
        orderDecider.decide(tried, order);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'PICKUP_CODE_WRONG' && order.status !== 'none') {
          const wrong: WrongPickupCodeEntered = { type: 'WrongPickupCodeEntered', data: { orderId, shopId: order.shopId, riderId, enteredAt: command.now } };
          await this.store.append(attemptsStream, PICKUP_ATTEMPTS_STREAM_TYPE, attempts.length, [wrong], metadata, {}, manager);
          // Returned, not thrown: the count must commit.
          return { refused: err };
        }
      }
      return { tried };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome.tried;
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

/** The event store's own refusals (a lost race, a stale If-Match) carry the order's state too. */
function withoutPickupCodeIn(err: unknown): unknown {
  if (!(err instanceof DomainError)) return err;
  const state = err.details?.state;
  if (typeof state !== 'object' || state === null || !('pickupCode' in state)) return err;
  const redacted = new DomainError(err.kind, err.code, err.message, { ...err.details, state: withoutPickupCode(state as OrderState) });
  redacted.stack = err.stack;
  return redacted;
}
