import { Injectable } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { type CommandOptions, type CommandResult, commandMetadata, EventStore, foldEvents, runCommand } from '@petalpost/event-store';
import { DeliverySlots } from '../delivery-slots/delivery-slots.service';
import { slotChangesFor, slotDecider, type SlotPlan } from '../delivery-slots/domain/delivery-slot';
import type { OrderCommand, PickUp } from './domain/order.commands';
import { orderDecider } from './domain/order.decider';
import { type OrderEvent, orderStream } from './domain/order.events';
import type { OrderState } from './domain/order.state';
import { PICKUP_ATTEMPTS_STREAM_TYPE, pickupAttemptsStream, type WrongPickupCodeEntered, wrongPickupCodes } from './domain/pickup-code';

/** How a command reaches an order: who sends it, its Idempotency-Key and If-Match, who may act on it. */
export type OrderCommandOptions = Omit<CommandOptions<OrderCommand, OrderState, OrderEvent>, 'freshStream' | 'linked'>;

/**
 * What the order adds around the one command handler, for the HTTP API and `orders.commands`
 * alike: a new window takes its place in the shop's delivery slot (and gives the
 * old one back) in the same transaction as the order's events; a rider's pickup code is tried
 * first, and a wrong one counted.
 */
@Injectable()
export class OrderCommands {
  constructor(
    private readonly store: EventStore,
    private readonly slots: DeliverySlots,
  ) {}

  async execute(orderId: string, command: OrderCommand, options: OrderCommandOptions): Promise<CommandResult<OrderState>> {
    const streamId = orderStream(orderId);
    const riderId = command.type === 'PickUp' ? command.riderId : undefined;
    const tried = command.type === 'PickUp' && riderId !== undefined ? await this.tryPickupCode(orderId, riderId, command, options) : command;
    const plan = await this.slotPlanFor(streamId, tried);
    return runCommand(this.store, orderDecider, streamId, this.withSlot(plan, tried), {
      ...options,
      // A placed order's id was made up for this request.
      freshStream: command.type === 'PlaceOrder',
      linked: (events, before) => slotChangesFor(events, before, plan, command.now).map((change) => ({ ...change, decider: slotDecider })),
    });
  }

  /**
   * A rider's code is tried under a lock on the order's pickup attempts, and a wrong one counted
   * before the lock is let go: guessing many codes at once gets no more tries than one by one.
   * The decider says what is wrong (a dry run here, the real run after); refusals other than a
   * wrong code are left to the real run, which may still answer an idempotent replay.
   */
  private async tryPickupCode(orderId: string, riderId: string, command: PickUp, options: OrderCommandOptions): Promise<PickUp> {
    const attemptsStream = pickupAttemptsStream(orderId);
    const outcome = await this.store.transaction(async (manager) => {
      await this.store.lockStream(attemptsStream, manager);
      const attempts = await this.store.readStream(attemptsStream, {}, manager);
      const order = foldEvents(orderDecider, await this.store.readStream(orderStream(orderId), {}, manager));
      options.authorize?.(order);
      const tried: PickUp = { ...command, wrongPickupCodes: wrongPickupCodes(attempts) };
      try {
        orderDecider.decide(tried, order);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'PICKUP_CODE_WRONG' && order.status !== 'none') {
          const wrong: WrongPickupCodeEntered = { type: 'WrongPickupCodeEntered', data: { orderId, shopId: order.shopId, riderId, enteredAt: command.now } };
          await this.store.append(attemptsStream, PICKUP_ATTEMPTS_STREAM_TYPE, attempts.length, [wrong], commandMetadata(command.now, options), {}, manager);
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
