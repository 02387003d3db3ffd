import { randomUUID } from 'node:crypto';
import type { EventMetadata, IntegrationEvent } from '@petalpost/contracts';
import type { NewEvent, StoredEvent } from '@petalpost/event-store';

/** What a shop's orders go through while the staff watch: each step is one status change. */
const STEPS = [
  { type: 'OrderAccepted', at: 'acceptedAt' },
  { type: 'ProductionStarted', at: 'startedAt' },
  { type: 'ArrangementFinished', at: 'finishedAt' },
  { type: 'OutForDelivery', at: 'pickedUpAt' },
] as const;

/** Orders of one shop moving at once: consecutive steps of an order are this many of the shop's changes apart. */
const ORDERS_IN_FLIGHT = 16;

export interface StatusChange {
  streamId: string;
  /** The stream's version before this change (0: the order's first recorded step). */
  expectedVersion: number;
  shopId: string;
  event: NewEvent;
  metadata: EventMetadata;
}

export const shopIds = (shops: number): string[] => Array.from({ length: shops }, (_, i) => `shop-${String(i + 1).padStart(2, '0')}`);

/**
 * The k-th status change of a run: shops take turns (k mod shops), and within a shop
 * ORDERS_IN_FLIGHT orders advance side by side through accepted → in production → finished → out
 * for delivery, so each order's next change comes long after its last one committed. Data are in
 * the contracts' shapes (libs/contracts/src/orders.ts), as the service decodes them.
 */
export class StatusChanges {
  private readonly orders = new Map<string, string>();
  private readonly shops: string[];

  constructor(
    shops: number,
    private readonly runId = randomUUID().slice(0, 8),
  ) {
    this.shops = shopIds(shops);
  }

  next(k: number): StatusChange {
    const shopId = this.shops[k % this.shops.length];
    const m = Math.floor(k / this.shops.length);
    const round = Math.floor(m / (ORDERS_IN_FLIGHT * STEPS.length));
    const slot = m % ORDERS_IN_FLIGHT;
    const step = Math.floor(m / ORDERS_IN_FLIGHT) % STEPS.length;
    const key = `${shopId}/${round}/${slot}`;
    let orderId = this.orders.get(key);
    if (!orderId) {
      orderId = randomUUID();
      this.orders.set(key, orderId);
    }
    if (step === STEPS.length - 1) this.orders.delete(key);
    const now = new Date().toISOString();
    const { type, at } = STEPS[step];
    const data: Record<string, unknown> = { orderId, shopId, [at]: now };
    if (type === 'OutForDelivery') data.riderId = `rider-${shopId}-${slot % 4}`;
    return {
      streamId: `order-${orderId}`,
      expectedVersion: step,
      shopId,
      event: { type, schemaVersion: 1, data },
      metadata: { correlationId: randomUUID(), actor: { role: 'staff', subject: `bench-${this.runId}`, shopId }, occurredAt: now },
    };
  }
}

/** As the orders relay publishes its log: the contract's data, the shop on the envelope. */
export const toIntegrationEvent = (e: StoredEvent): IntegrationEvent => ({
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  streamId: e.streamId,
  streamVersion: e.streamVersion,
  shopId: (e.data as { shopId: string }).shopId,
  data: e.data,
  metadata: e.metadata,
});
