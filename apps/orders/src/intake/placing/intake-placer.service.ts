import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Actor, DomainError, IntakeOrderNeedsAttentionV1, IntakeOrderResolvedV1, intakeStream } from '@petalpost/contracts';
import { commandMetadata, EventStore, foldEvents } from '@petalpost/event-store';
import { LOGGER } from '@petalpost/platform';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { OrderCommand } from '../../orders/domain/order.commands';
import { orderDecider } from '../../orders/domain/order.decider';
import { orderStream } from '../../orders/domain/order.events';
import { PICKUP_CODE_LENGTH, pickupCodeFrom } from '../../orders/domain/pickup-code';
import { OrderCommands } from '../../orders/order-commands.service';
import type { Sealed } from '../../personal-data/domain/personal-data';
import { sealForRecipient, sealNewOrder } from '../../personal-data/order-personal-data';
import { PersonalDataVault } from '../../personal-data/personal-data-vault';
import { type AppliedFacts, appliedAfter, decideIntake, type HeldIntake, type IntakeDecision, type OrderChange, outcomeOf } from '../domain/intake.decider';
import {
  type CompleteIntakeOrder,
  type HoldReason,
  type IntakeOrder,
  IntakeOrderSchema,
  type IntakeOutcome,
  missingForPlacement,
} from '../domain/intake-order';
import { SecretBox } from '../secret-box';
import { IntakeOrdersStore, IntakeRaceLost, type IntakeRow } from './intake-orders.store';

/** What became of an incoming order: what every channel answers or records. */
export interface IntakeResult {
  outcome: IntakeOutcome;
  intakeId?: string;
  orderId?: string;
  /** Why it is held, ignored, or what of an update was refused. */
  reason?: string;
}

export interface ReceiveOptions {
  /** Who brought it in (an API key's shop system, staff importing a file); none for a webhook. */
  actor?: Actor;
  /** Orders taken over from before (a migration's CSV): their window may be over already. */
  imported?: boolean;
}

/** The stream type of an intake order's events in the log. */
const INTAKE_STREAM_TYPE = 'intake';
/** A lost race is decided again with what the winner wrote; more than a few means something else is wrong. */
const MAX_ROUNDS = 4;

type NeedsAttention = z.infer<(typeof IntakeOrderNeedsAttentionV1)['schema']>;
type Resolved = z.infer<(typeof IntakeOrderResolvedV1)['schema']>;

/**
 * The one path by which any channel — Shopify and WooCommerce webhooks, the reconciliation poll,
 * the intake API, a CSV row, staff resolving a held order — turns an incoming order into one of
 * ours. It keeps one row per (shop, source, external reference) in intake_orders, decides with
 * the pure intake decider, and acts through the order's own commands (OrderCommands: the decider,
 * the slot reservation, the personal-data sealing), the row changing in the same transaction as
 * the order's events. An order it cannot place (no date, no address, a full slot) is held, never
 * dropped and never overbooked, and the shop's staff are told at once (IntakeOrderNeedsAttention
 * on orders.events, from the same transaction).
 */
@Injectable()
export class IntakePlacer {
  private readonly log: Logger;

  constructor(
    private readonly store: EventStore,
    private readonly commands: OrderCommands,
    private readonly vault: PersonalDataVault,
    private readonly intakeOrders: IntakeOrdersStore,
    private readonly box: SecretBox,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'intake-placer' });
  }

  async receive(
    shopId: string,
    source: string,
    externalRef: string,
    externalUpdatedAt: string,
    intakeOrder: IntakeOrder,
    options: ReceiveOptions = {},
  ): Promise<IntakeResult> {
    const order = IntakeOrderSchema.parse(intakeOrder);
    const recipientDigest = this.box.digest(order.recipient ?? null);
    for (let round = 1; ; round++) {
      const held = await this.intakeOrders.find(shopId, source, externalRef);
      const decision = decideIntake(held, { externalUpdatedAt, order, recipientDigest });
      const at = { shopId, source, externalRef, externalUpdatedAt, order, recipientDigest, held, options };
      try {
        return await this.apply(decision, at);
      } catch (err) {
        if (!(err instanceof IntakeRaceLost) || round >= MAX_ROUNDS) throw err;
        this.log.debug({ shopId, source, round }, 'intake order changed concurrently; deciding again');
      }
    }
  }

  /**
   * Staff give what a held order lacked (a delivery window, the recipient): it is placed as the
   * shop system sent it with their additions. A full slot or an order that cannot be placed is
   * refused to them (409/400) and the order stays held; another shop's is not found.
   */
  async placeHeld(shopId: string, intakeId: string, additions: Partial<IntakeOrder>, actor: Actor): Promise<IntakeResult> {
    const row = await this.intakeOrders.get(shopId, intakeId);
    if (!row || row.status !== 'needs_attention') throw heldNotFound(row);
    const original = row.held ? await this.vault.open<IntakeOrder>(row.held) : undefined;
    // Staff looked at what a connector could not read (the review): their additions settle it.
    const order = IntakeOrderSchema.parse({ ...(original ?? {}), ...additions, cancelled: undefined, review: undefined });
    const missing = missingForPlacement(order);
    if (missing) throw new DomainError('invalid', 'HELD_ORDER_INCOMPLETE', `the order still lacks what it needs to be placed: ${missing}`, { reason: missing });
    const at = {
      shopId,
      source: row.source,
      externalRef: row.externalRef,
      externalUpdatedAt: row.externalUpdatedAt,
      order,
      recipientDigest: this.box.digest(order.recipient ?? null),
      held: row,
      options: { actor },
    };
    return this.place(order as CompleteIntakeOrder, at, { staffResolving: true });
  }

  /** Staff decide a held order is not to be made (a test order, a duplicate they placed by hand). */
  async dismissHeld(shopId: string, intakeId: string, reason: string, actor: Actor): Promise<IntakeResult> {
    const row = await this.intakeOrders.get(shopId, intakeId);
    if (!row || row.status !== 'needs_attention') throw heldNotFound(row);
    const now = new Date().toISOString();
    await this.store.transaction(async (manager) => {
      await this.intakeOrders.change(row, { status: 'dismissed', externalUpdatedAt: row.externalUpdatedAt, reason }, manager);
      await this.appendIntakeEvent(row.intakeId, resolvedEvent(row, { resolution: 'dismissed', reason, resolvedAt: now }), now, manager, actor);
    });
    return { outcome: 'cancelled', intakeId: row.intakeId, reason };
  }

  /**
   * A platform says it cancelled (or refunded in full) an order it sent before, without a snapshot
   * of it (Meituan's cancel push): a placed order is cancelled through its command, a held one
   * dismissed, just as a cancelled snapshot would. A cancellation is final, so it is taken however
   * old its time. Undefined when we never had the order: nothing is recorded or appended.
   */
  async cancelFromSource(shopId: string, source: string, externalRef: string, at: string, reason: string): Promise<IntakeResult | undefined> {
    for (let round = 1; ; round++) {
      const held = await this.intakeOrders.find(shopId, source, externalRef);
      if (!held) return undefined;
      const receiving: Receiving = {
        shopId,
        source,
        externalRef,
        externalUpdatedAt: Date.parse(at) > Date.parse(held.externalUpdatedAt) ? at : held.externalUpdatedAt,
        order: IntakeOrderSchema.parse({ cancelled: { reason } }),
        recipientDigest: '',
        held,
        options: {},
      };
      try {
        let result: IntakeResult;
        switch (held.status) {
          case 'placed':
            result = await this.cancel(receiving, reason);
            break;
          case 'needs_attention':
            result = await this.dismiss(receiving, `cancelled in the shop system: ${reason}`);
            break;
          case 'dismissed':
            return { outcome: 'duplicate', intakeId: held.intakeId, reason: 'dismissed already' };
        }
        // A newer snapshot landed meanwhile: cancel what it left.
        if (result.outcome !== 'stale' || round >= MAX_ROUNDS) return result;
      } catch (err) {
        if (!(err instanceof IntakeRaceLost) || round >= MAX_ROUNDS) throw err;
      }
    }
  }

  /**
   * Changes what a held order says (a platform gave the recipient's new privacy number before
   * staff placed it), so it is placed with it. False when the row changed meanwhile (decide again)
   * or holds nothing to change (its people were erased).
   */
  async amendHeld(row: IntakeRow, amend: (order: IntakeOrder) => IntakeOrder): Promise<boolean> {
    if (row.status !== 'needs_attention' || !row.held) return false;
    const original = await this.vault.open<IntakeOrder>(row.held);
    if (!original) return false;
    const sealed = await this.vault.seal({ personId: row.held.personId, shopId: row.shopId }, IntakeOrderSchema.parse(amend(original)));
    try {
      await this.store.transaction((manager) =>
        this.intakeOrders.change(row, { status: 'needs_attention', externalUpdatedAt: row.externalUpdatedAt, reason: row.reason, held: sealed }, manager),
      );
      return true;
    } catch (err) {
      if (err instanceof IntakeRaceLost) return false;
      throw err;
    }
  }

  private async apply(decision: IntakeDecision, at: Receiving): Promise<IntakeResult> {
    const { held } = at;
    const answered = { outcome: outcomeOf(decision), ...(held ? { intakeId: held.intakeId } : {}), ...(held?.orderId ? { orderId: held.orderId } : {}) };
    switch (decision.kind) {
      case 'place':
        return this.place(decision.order, at);
      case 'hold':
        return this.hold(at, decision.reason, decision.detail);
      case 'update':
        return this.update(at, decision.changes);
      case 'cancel':
        return this.cancel(at, decision.reason);
      case 'dismiss':
        return this.dismiss(at, decision.reason);
      case 'duplicate':
        return { ...answered, ...(decision.reason ? { reason: decision.reason } : {}) };
      case 'stale':
        return { ...answered, reason: `older than the snapshot of ${held?.externalUpdatedAt} already taken` };
    }
  }

  private async place(order: CompleteIntakeOrder, at: Receiving, { staffResolving = false } = {}): Promise<IntakeResult> {
    const { shopId, externalRef, held } = at;
    const orderId = randomUUID();
    const intakeId = held?.intakeId ?? randomUUID();
    const now = new Date().toISOString();
    const { customerId, ...buyer } = order.buyer;
    const { addressType, ...recipient } = order.recipient;
    const sealed = await sealNewOrder(this.vault, shopId, { buyer, customerId, recipient, cardMessage: order.cardMessage });
    const command: OrderCommand = {
      type: 'PlaceOrder',
      orderId,
      shopId,
      reference: (order.displayRef ?? externalRef).slice(0, 100),
      orderType: order.orderType,
      source: order.channel,
      items: order.items,
      deliveryWindow: order.deliveryWindow,
      addressType,
      anonymousSender: order.anonymousSender,
      doNotContactRecipient: order.doNotContactRecipient,
      buyer: sealed.buyer,
      recipient: sealed.recipient,
      cardMessage: sealed.cardMessage,
      price: order.price,
      paid: order.paid,
      pickupCode: pickupCodeFrom(randomBytes(PICKUP_CODE_LENGTH)),
      imported: at.options.imported,
      now,
    };
    const applied = appliedAfter(order, at.recipientDigest, undefined);
    try {
      await this.commands.execute(orderId, command, {
        actor: at.options.actor,
        alongside: async (_events, manager) => {
          const placed = { status: 'placed' as const, orderId, externalUpdatedAt: at.externalUpdatedAt, applied };
          if (!held) {
            await this.intakeOrders.insert({ intakeId, shopId, source: at.source, externalRef, ...placed }, manager);
            return;
          }
          await this.intakeOrders.change(held, placed, manager);
          await this.appendIntakeEvent(intakeId, resolvedEvent(held, { resolution: 'placed', orderId, resolvedAt: now }), now, manager, at.options.actor);
        },
      });
    } catch (err) {
      const refusal = holdableRefusal(err);
      if (!refusal || staffResolving) throw err;
      return this.hold(at, refusal.reason, refusal.detail);
    }
    return { outcome: 'placed', intakeId, orderId };
  }

  private async hold(at: Receiving, reason: HoldReason, detail?: string): Promise<IntakeResult> {
    const { shopId, held } = at;
    const intakeId = held?.intakeId ?? randomUUID();
    const now = new Date().toISOString();
    // Under a person key of its own, in the shop: sealed like the log, and erased the same way.
    const sealedHeld: Sealed = await this.vault.seal({ personId: held?.held?.personId ?? randomUUID(), shopId }, at.order);
    const holding = { status: 'needs_attention' as const, externalUpdatedAt: at.externalUpdatedAt, reason, held: sealedHeld };
    await this.store.transaction(async (manager) => {
      if (held) await this.intakeOrders.change(held, holding, manager);
      else await this.intakeOrders.insert({ intakeId, shopId, source: at.source, externalRef: at.externalRef, ...holding }, manager);
      // Staff are told once per reason: a newer snapshot still lacking the same thing tells them nothing new.
      if (held?.status !== 'needs_attention' || held.reason !== reason) {
        const alert: NeedsAttention = { intakeId, shopId, source: at.source, externalRef: at.externalRef, reason, ...(detail ? { detail } : {}), heldAt: now };
        await this.appendIntakeEvent(intakeId, { type: IntakeOrderNeedsAttentionV1.type, data: alert }, now, manager, at.options.actor);
      }
    });
    return { outcome: 'needs_attention', intakeId, reason: detail ? `${reason}: ${detail}` : reason };
  }

  /** A newer snapshot of a placed order: each change through its command, the row advancing with it. */
  private async update(at: Receiving, changes: OrderChange[]): Promise<IntakeResult> {
    const held = at.held as IntakeRow & { orderId: string };
    const refused: string[] = [];
    let applied: AppliedFacts | undefined = held.applied;
    for (const change of changes) {
      const next = appliedAfter(partOf(at.order, change), at.recipientDigest, applied);
      try {
        await this.commands.execute(held.orderId, await this.commandFor(held.orderId, change, at.order), {
          actor: at.options.actor,
          alongside: (_events, manager) => this.intakeOrders.advance(held.intakeId, at.externalUpdatedAt, next, manager),
        });
        applied = next;
      } catch (err) {
        if (err instanceof IntakeRaceLost) return this.receiveStale(at);
        if (!(err instanceof DomainError)) throw err;
        refused.push(`${change.type}: ${err.code}`);
      }
    }
    try {
      await this.intakeOrders.advance(held.intakeId, at.externalUpdatedAt, applied);
    } catch (err) {
      if (err instanceof IntakeRaceLost) return this.receiveStale(at);
      throw err;
    }
    return { outcome: 'updated', intakeId: held.intakeId, orderId: held.orderId, ...(refused.length > 0 ? { reason: `refused: ${refused.join(', ')}` } : {}) };
  }

  /**
   * The shop system cancelled a placed order. Once the flowers have left the shop the order can no
   * longer be cancelled here: staff are alerted to deal with it by hand (call the rider, the buyer).
   */
  private async cancel(at: Receiving, reason: string): Promise<IntakeResult> {
    const held = at.held as IntakeRow & { orderId: string };
    const now = new Date().toISOString();
    try {
      await this.commands.execute(
        held.orderId,
        { type: 'CancelOrder', reason: `cancelled in the shop system: ${reason}`, now },
        {
          actor: at.options.actor,
          alongside: (_events, manager) => this.intakeOrders.advance(held.intakeId, at.externalUpdatedAt, undefined, manager),
        },
      );
      // Already cancelled here: no events, so nothing advanced yet.
      await this.intakeOrders.advance(held.intakeId, at.externalUpdatedAt, undefined);
    } catch (err) {
      if (err instanceof IntakeRaceLost) return this.receiveStale(at);
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      await this.store.transaction(async (manager) => {
        await this.intakeOrders.advance(held.intakeId, at.externalUpdatedAt, undefined, manager);
        const alert: NeedsAttention = {
          intakeId: held.intakeId,
          shopId: at.shopId,
          source: at.source,
          externalRef: at.externalRef,
          reason: 'cancel_refused',
          detail: err.message,
          orderId: held.orderId,
          heldAt: now,
        };
        await this.appendIntakeEvent(held.intakeId, { type: IntakeOrderNeedsAttentionV1.type, data: alert }, now, manager, at.options.actor);
      });
      return { outcome: 'needs_attention', intakeId: held.intakeId, orderId: held.orderId, reason: `cancel_refused: ${err.code}` };
    }
    return { outcome: 'cancelled', intakeId: held.intakeId, orderId: held.orderId };
  }

  /** Cancelled before it was placed: recorded, so an older snapshot arriving after places nothing. */
  private async dismiss(at: Receiving, reason: string): Promise<IntakeResult> {
    const { held } = at;
    const intakeId = held?.intakeId ?? randomUUID();
    const now = new Date().toISOString();
    await this.store.transaction(async (manager) => {
      const dismissed = { status: 'dismissed' as const, externalUpdatedAt: at.externalUpdatedAt, reason };
      if (!held) {
        await this.intakeOrders.insert({ intakeId, shopId: at.shopId, source: at.source, externalRef: at.externalRef, ...dismissed }, manager);
        return;
      }
      await this.intakeOrders.change(held, dismissed, manager);
      await this.appendIntakeEvent(intakeId, resolvedEvent(held, { resolution: 'dismissed', reason, resolvedAt: now }), now, manager, at.options.actor);
    });
    return { outcome: 'cancelled', intakeId, reason };
  }

  /** A newer snapshot was applied while this one was being: this one is stale after all. */
  private receiveStale(at: Receiving): IntakeResult {
    return { outcome: 'stale', intakeId: at.held?.intakeId, orderId: at.held?.orderId, reason: 'a newer snapshot was applied meanwhile' };
  }

  private async commandFor(orderId: string, change: OrderChange, order: IntakeOrder): Promise<OrderCommand> {
    const now = new Date().toISOString();
    switch (change.type) {
      case 'ChangeWindow':
        return { type: 'ChangeWindow', deliveryWindow: change.deliveryWindow, now };
      case 'MarkPaid':
        return { type: 'MarkPaid', now };
      case 'CorrectAddress': {
        const state = foldEvents(orderDecider, await this.store.readStream(orderStream(orderId)));
        if (state.status === 'none') throw new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
        const { addressType: _type, ...recipient } = order.recipient ?? {};
        return { type: 'CorrectAddress', addressType: change.addressType, recipient: await sealForRecipient(this.vault, state, recipient), now };
      }
    }
  }

  private async appendIntakeEvent(
    intakeId: string,
    event: { type: string; data: NeedsAttention | Resolved },
    now: string,
    manager: EntityManager,
    actor?: Actor,
  ): Promise<void> {
    const streamId = intakeStream(intakeId);
    // The row's change above holds the row's lock: writers of one intake order's stream take turns.
    const version = (await this.store.readStream(streamId, {}, manager)).length;
    await this.store.append(streamId, INTAKE_STREAM_TYPE, version, [event], commandMetadata(now, { actor }), {}, manager);
  }
}

interface Receiving {
  shopId: string;
  source: string;
  externalRef: string;
  externalUpdatedAt: string;
  order: IntakeOrder;
  recipientDigest: string;
  held: IntakeRow | undefined;
  options: ReceiveOptions;
}

/** Of a snapshot, only the part one change applies: what the row records as applied after it. */
function partOf(order: IntakeOrder, change: OrderChange): IntakeOrder {
  switch (change.type) {
    case 'ChangeWindow':
      return { ...order, recipient: undefined, paid: false };
    case 'CorrectAddress':
      return { ...order, deliveryWindow: undefined, paid: false };
    case 'MarkPaid':
      return { ...order, deliveryWindow: undefined, recipient: undefined };
  }
}

function resolvedEvent(
  row: HeldIntake & { shopId: string; source: string; externalRef: string },
  resolution: Omit<Resolved, 'intakeId' | 'shopId' | 'source' | 'externalRef'>,
) {
  const data: Resolved = { intakeId: row.intakeId, shopId: row.shopId, source: row.source, externalRef: row.externalRef, ...resolution };
  return { type: IntakeOrderResolvedV1.type, data };
}

/** A refusal that holds the order for staff instead of failing the channel: a full slot, or what the order's rules refuse. */
function holdableRefusal(err: unknown): { reason: HoldReason; detail: string } | undefined {
  if (!(err instanceof DomainError)) return undefined;
  if (err.code === 'SLOT_FULL') return { reason: 'slot_full', detail: err.message };
  if (err.kind === 'invalid') return { reason: 'refused', detail: `${err.code}: ${err.message}` };
  return undefined;
}

function heldNotFound(row: IntakeRow | undefined): DomainError {
  if (row)
    return new DomainError('conflict', 'INTAKE_ORDER_NOT_HELD', `this order is ${row.status}, not waiting for staff`, {
      status: row.status,
      orderId: row.orderId,
    });
  return new DomainError('not_found', 'INTAKE_ORDER_NOT_FOUND', 'no such held order');
}
