import { Injectable } from '@nestjs/common';
import { DomainError, type RecipientContact } from '@petalpost/contracts';
import { EventStore, foldEvents } from '@petalpost/event-store';
import { orderDecider } from '../../orders/domain/order.decider';
import { orderStream } from '../../orders/domain/order.events';
import { OrderCommands } from '../../orders/order-commands.service';
import { sealForRecipient } from '../../personal-data/order-personal-data';
import { PersonalDataVault } from '../../personal-data/personal-data-vault';
import { type Connection, sourceOf } from '../connections/intake-connections.store';
import { IntakeOrdersStore, type IntakeRow } from '../placing/intake-orders.store';
import { IntakePlacer } from '../placing/intake-placer.service';
import type { DeliveryOutcome } from '../webhooks/intake-deliveries.store';
import type { PrivacyPhone, PushMeaning } from './platform-connector';

/** What became of one push, recorded on its delivery. */
export interface PushRecord {
  outcome: DeliveryOutcome;
  reason?: string;
  intakeId?: string;
  orderId?: string;
  externalRef?: string;
}

/** The exception kinds a platform's pushes flag on an order, for staff to look at. */
export const PUSH_EXCEPTION_KINDS = { partly_refunded: 'partial_refund', reminder: 'buyer_reminder' } as const;

/** A lost race is tried again with what the winner wrote; more than a few means something else is wrong. */
const MAX_ROUNDS = 4;

/**
 * Does what a Chinese platform's push means (PushMeaning), always through the order's own paths:
 * an order snapshot and a cancellation through IntakePlacer, an exception through FlagException,
 * a new recipient phone through CorrectAddress — never an event appended by hand. A push about
 * an order we never had changes nothing and says so.
 */
@Injectable()
export class PushActions {
  constructor(
    private readonly placer: IntakePlacer,
    private readonly intakeOrders: IntakeOrdersStore,
    private readonly commands: OrderCommands,
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
  ) {}

  /** `deliveryId` names what the push does on the order, so processing it again does it once. */
  async act(connection: Connection, meaning: PushMeaning, deliveryId: string): Promise<PushRecord> {
    const { shopId } = connection;
    const source = sourceOf(connection);
    switch (meaning.kind) {
      case 'order': {
        const result = await this.placer.receive(shopId, source, meaning.externalRef, meaning.externalUpdatedAt, meaning.order);
        return { ...result, externalRef: meaning.externalRef };
      }
      case 'cancelled': {
        const result = await this.placer.cancelFromSource(shopId, source, meaning.externalRef, meaning.at, meaning.reason);
        return result ? { ...result, externalRef: meaning.externalRef } : noSuchOrder(meaning.externalRef);
      }
      case 'partly_refunded':
        return this.flag(shopId, source, meaning.externalRef, deliveryId, PUSH_EXCEPTION_KINDS.partly_refunded, meaning.note);
      case 'reminder':
        return this.flag(
          shopId,
          source,
          meaning.externalRef,
          deliveryId,
          PUSH_EXCEPTION_KINDS.reminder,
          meaning.note ?? 'the buyer is chasing the order (催单)',
        );
      case 'recipient_phone':
        return this.correctPhone(shopId, source, meaning.externalRef, meaning.phone);
      case 'completed': {
        const row = await this.intakeOrders.find(shopId, source, meaning.externalRef);
        return { outcome: 'completed', reason: 'closed on the platform', externalRef: meaning.externalRef, ...idsOf(row) };
      }
      case 'skip':
        return { outcome: 'skipped', reason: meaning.reason, ...(meaning.externalRef !== undefined ? { externalRef: meaning.externalRef } : {}) };
    }
  }

  /** Staff are alerted on the order (an exception to look at); its course does not change. */
  private async flag(shopId: string, source: string, externalRef: string, exceptionId: string, kind: string, note: string): Promise<PushRecord> {
    const row = await this.intakeOrders.find(shopId, source, externalRef);
    if (!row) return noSuchOrder(externalRef);
    if (!row.orderId) return { outcome: 'skipped', reason: `the order is ${row.status}, not placed: no ${kind} flagged`, externalRef, ...idsOf(row) };
    await this.commands.execute(row.orderId, { type: 'FlagException', exceptionId, kind, note: note.slice(0, 500), now: now() }, {});
    return { outcome: 'flagged', reason: kind, externalRef, ...idsOf(row) };
  }

  /**
   * The recipient's privacy number changed, or was downgraded to the real one: the order's recipient
   * takes it and its expiry through CorrectAddress, the rest of the recipient kept as it is. A held
   * order's snapshot takes it, so it is placed with it.
   */
  private async correctPhone(shopId: string, source: string, externalRef: string, phone: PrivacyPhone): Promise<PushRecord> {
    for (let round = 1; ; round++) {
      const row = await this.intakeOrders.find(shopId, source, externalRef);
      if (!row) return noSuchOrder(externalRef);
      if (row.status === 'dismissed') return { outcome: 'skipped', reason: 'the order was dismissed', externalRef, ...idsOf(row) };
      if (row.status === 'needs_attention') {
        const amended = await this.placer.amendHeld(row, (order) => ({
          ...order,
          recipient: { addressType: 'residence', ...order.recipient, phone: phone.phone, phoneExpiresAt: phone.expiresAt },
        }));
        if (amended) return { outcome: 'corrected', reason: "the held order's recipient phone", externalRef, ...idsOf(row) };
        if (round >= MAX_ROUNDS) throw new Error(`the held order ${row.intakeId} kept changing`);
        continue;
      }
      return this.correctPlacedPhone(row as IntakeRow & { orderId: string }, phone, externalRef);
    }
  }

  private async correctPlacedPhone(row: IntakeRow & { orderId: string }, phone: PrivacyPhone, externalRef: string): Promise<PushRecord> {
    const order = foldEvents(orderDecider, await this.store.readStream(orderStream(row.orderId)));
    if (order.status === 'none') throw new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
    const opened = order.recipient ? await this.vault.open<RecipientContact>(order.recipient) : undefined;
    if (!opened) return { outcome: 'skipped', reason: 'the recipient was erased', externalRef, ...idsOf(row) };
    const { phoneExpiresAt: _previous, ...kept } = opened;
    const recipient: RecipientContact = { ...kept, phone: phone.phone, ...(phone.expiresAt ? { phoneExpiresAt: phone.expiresAt } : {}) };
    try {
      await this.commands.execute(
        row.orderId,
        { type: 'CorrectAddress', addressType: order.addressType, recipient: await sealForRecipient(this.vault, order, recipient), now: now() },
        {},
      );
    } catch (err) {
      // Delivered, failed or cancelled: the number no longer matters to anyone here.
      if (err instanceof DomainError && err.kind === 'conflict')
        return { outcome: 'skipped', reason: `${err.code}: ${err.message}`, externalRef, ...idsOf(row) };
      throw err;
    }
    return { outcome: 'corrected', reason: 'the recipient phone', externalRef, ...idsOf(row) };
  }
}

function noSuchOrder(externalRef: string): PushRecord {
  return { outcome: 'skipped', reason: 'no such order', externalRef };
}

function idsOf(row: IntakeRow | undefined): { intakeId?: string; orderId?: string } {
  return { ...(row ? { intakeId: row.intakeId } : {}), ...(row?.orderId ? { orderId: row.orderId } : {}) };
}

/**
 * Commands are made at the time they are done here, not the platform's time of the push: the
 * order's log reads in the order things were done (an exception flagged "before" its order was
 * placed would read wrong).
 */
function now(): string {
  return new Date().toISOString();
}
