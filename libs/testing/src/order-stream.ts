import { randomUUID } from 'node:crypto';
import { type IntegrationEvent, ORDER_EVENT_CONTRACTS, type OrderIntegrationEvent } from '@petalpost/contracts';

type OrderPlacedData = Extract<OrderIntegrationEvent, { type: 'OrderPlaced' }>['data'];

/** Any event an orders service might publish, including types a consumer does not know (yet). */
export type PublishedOrderEvent = OrderIntegrationEvent | { type: string; data: { orderId: string; shopId: string } & Record<string, unknown> };

const currentVersion = new Map<string, number>(ORDER_EVENT_CONTRACTS.map((c) => [c.type, c.version]));

/** `event` as the orders relay publishes it on orders.events: version `streamVersion` of its stream, at its contract's current schema version. */
export function orderServiceEnvelope(
  shopId: string,
  streamId: string,
  streamVersion: number,
  event: { type: string; data: unknown },
  occurredAt = new Date().toISOString(),
): IntegrationEvent {
  return {
    eventId: randomUUID(),
    type: event.type,
    schemaVersion: currentVersion.get(event.type) ?? 1,
    streamId,
    streamVersion,
    shopId,
    data: event.data,
    metadata: { correlationId: randomUUID(), occurredAt, actor: { role: 'staff', subject: 'alice', shopId } },
  };
}

/** A person's erasure as the orders service publishes it (keyed, and streamed, by person). */
export function personErased(shopId: string, personId: string, erasedAt = new Date().toISOString()): IntegrationEvent {
  return orderServiceEnvelope(shopId, `person-${personId}`, 2, { type: 'PersonalDataErased', data: { personId, shopId, erasedAt } }, erasedAt);
}

/** One order's stream as consumers see it: each event `next` makes is numbered after the last. */
export function orderOnTheWire(shopId: string, options: { orderId?: string; occurredAt?: () => string } = {}) {
  const orderId = options.orderId ?? randomUUID();
  let version = 0;
  return {
    orderId,
    ref: { orderId, shopId },
    next: (event: PublishedOrderEvent) => orderServiceEnvelope(shopId, `order-${orderId}`, ++version, event, options.occurredAt?.()),
  };
}

/** The data of OrderPlaced for a plain gift of roses, with `overrides` on top. */
export function rosesPlaced(ref: { orderId: string; shopId: string }, overrides: Partial<OrderPlacedData> = {}): OrderPlacedData {
  return {
    ...ref,
    orderType: 'gift',
    source: 'web',
    items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
    deliveryWindow: { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' },
    addressType: 'residence',
    anonymousSender: false,
    doNotContactRecipient: false,
    recipientPersonId: null,
    recipient: null,
    paid: true,
    placedAt: new Date().toISOString(),
    ...overrides,
  };
}

/**
 * An order's stream from placing to out for delivery with `riderId`, as the orders relay publishes
 * it: a gift of roses to a door at `geo`, wanted within `window`, every event stamped now;
 * `placed` changes what the order was placed with (a deadline, an address type).
 */
export function outForDeliveryOnTheWire(
  shopId: string,
  riderId: string,
  geo: { lat: number; lng: number },
  window: { from: string; to: string },
  placed: Partial<OrderPlacedData> = {},
) {
  const at = new Date().toISOString();
  const { orderId, ref, next } = orderOnTheWire(shopId, { occurredAt: () => at });
  const recipient = { name: 'Alex Recipient', address: { text: 'Lindenlaan 3, Utrecht', geo } };
  return {
    orderId,
    events: [
      next({ type: 'OrderPlaced', data: rosesPlaced(ref, { deliveryWindow: window, recipient, placedAt: at, ...placed }) }),
      next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: at } }),
      next({ type: 'ArrangementFinished', data: { ...ref, finishedAt: at } }),
      next({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: at } }),
      next({ type: 'OutForDelivery', data: { ...ref, riderId, pickedUpAt: at } }),
    ],
  };
}

/**
 * One order's delivery as dispatch hears it on `orders.events`: made and ready, then given to a
 * rider, picked up and delivered — each step the event the orders service publishes.
 */
export function deliveryOnTheWire(
  shopId: string,
  window: { from: string; to: string },
  recipient: { name: string; phone?: string; address: { text: string; geo?: { lat: number; lng: number } } },
) {
  const { orderId, ref, next } = orderOnTheWire(shopId);
  const now = () => new Date().toISOString();
  return {
    orderId,
    ready: () => [
      next({ type: 'OrderPlaced', data: rosesPlaced(ref, { deliveryWindow: window, recipientPersonId: `person-${randomUUID()}`, recipient }) }),
      next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: now() } }),
      next({ type: 'ArrangementFinished', data: { ...ref, finishedAt: now() } }),
    ],
    assigned: (riderId: string) => next({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: now() } }),
    pickedUp: (riderId: string) => next({ type: 'OutForDelivery', data: { ...ref, riderId, pickedUpAt: now() } }),
    delivered: (riderId: string) => {
      const deliveredAt = now();
      return next({
        type: 'OrderDelivered',
        data: { ...ref, riderId, outcome: { kind: 'recipient' }, proof: { at: deliveredAt }, receivedBy: null, deliveredAt },
      });
    },
  };
}
