import { evolveOrderLifecycle, isOrderEvent, type OrderLifecycle, type OrderLifecycleEvent, orderLifecycleChange } from './order-lifecycle';
import type { OrderIntegrationEvent } from './orders';

const ref = { orderId: 'o1', shopId: 's1' };
const window = { from: '2026-02-14T12:00:00.000Z', to: '2026-02-14T14:00:00.000Z' };
const at = (minute: number) => `2026-02-14T12:${String(minute).padStart(2, '0')}:00.000Z`;
const placed: OrderIntegrationEvent = {
  type: 'OrderPlaced',
  data: {
    ...ref,
    orderType: 'gift',
    source: 'web',
    items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
    deliveryWindow: window,
    deadline: at(50),
    addressType: 'residence',
    anonymousSender: false,
    doNotContactRecipient: false,
    recipientPersonId: 'p1',
    recipient: null,
    paid: true,
    placedAt: at(0),
  },
};
const accepted: OrderIntegrationEvent = { type: 'OrderAccepted', data: { ...ref, acceptedAt: at(1) } };
const assigned = (riderId: string, minute: number): OrderIntegrationEvent => ({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: at(minute) } });
const unassigned = (riderId: string, minute: number): OrderIntegrationEvent => ({
  type: 'RiderUnassigned',
  data: { ...ref, riderId, unassignedAt: at(minute) },
});
const pickedUp: OrderIntegrationEvent = { type: 'OutForDelivery', data: { ...ref, riderId: 'rita', pickedUpAt: at(6) } };
const delivered: OrderIntegrationEvent = {
  type: 'OrderDelivered',
  data: { ...ref, riderId: 'rita', outcome: { kind: 'recipient' }, proof: { at: at(30) }, receivedBy: null, deliveredAt: at(30) },
};

/** The facts after these events, numbered 1, 2, … as the order's stream numbers them. */
function given(...events: OrderIntegrationEvent[]): OrderLifecycle | undefined {
  return events.reduce<OrderLifecycle | undefined>(
    (order, event, i) => evolveOrderLifecycle(order, { ...event, streamVersion: i + 1 } as OrderLifecycleEvent),
    undefined,
  );
}

describe('an order’s lifecycle', () => {
  it('starts when placed, with its window and deadline, and no rider', () => {
    expect(given(placed)).toEqual({
      ...ref,
      status: 'placed',
      reachedAt: { placed: at(0) },
      window,
      deadline: at(50),
      riderId: null,
      deliveredAt: null,
      version: 1,
    });
  });

  it('is not followed for an order never seen placed', () => {
    expect(given(accepted, assigned('rita', 5))).toBeUndefined();
  });

  it('records when each status was reached, and the rider who picked it up', () => {
    expect(given(placed, accepted, assigned('rita', 5), pickedUp)).toMatchObject({
      status: 'out_for_delivery',
      reachedAt: { placed: at(0), accepted: at(1), out_for_delivery: at(6) },
      riderId: 'rita',
      version: 4,
    });
  });

  it('keeps the rider who delivered it, and when', () => {
    expect(given(placed, accepted, assigned('rita', 5), pickedUp, delivered)).toMatchObject({ status: 'delivered', riderId: 'rita', deliveredAt: at(30) });
  });

  it('follows a reassignment to the new rider', () => {
    expect(given(placed, assigned('rita', 5), unassigned('rita', 6), assigned('mo', 6))).toMatchObject({ riderId: 'mo' });
  });

  it.each<[string, OrderIntegrationEvent, OrderLifecycle['status']]>([
    ['cancelled', { type: 'OrderCancelled', data: { ...ref, riderId: 'rita', reason: 'buyer asked', cancelledAt: at(7) } }, 'cancelled'],
    ['returned', { type: 'OrderReturned', data: { ...ref, riderId: 'rita', returnedAt: at(7) } }, 'returned'],
    ['rescheduled', { type: 'DeliveryRescheduled', data: { ...ref, riderId: 'rita', deliveryWindow: window, rescheduledAt: at(7) } }, 'ready'],
  ])('frees the rider when %s', (_, event, status) => {
    expect(given(placed, assigned('rita', 5), event)).toMatchObject({ status, riderId: null });
  });

  it('moves the window when it changes', () => {
    const later = { from: '2026-02-15T12:00:00.000Z', to: '2026-02-15T14:00:00.000Z' };
    expect(given(placed, { type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: later, changedAt: at(3) } })).toMatchObject({
      window: later,
      version: 2,
    });
  });

  it('changes nothing for a redelivered or older event', () => {
    const order = given(placed, accepted, assigned('rita', 5))!;
    expect(evolveOrderLifecycle(order, { ...unassigned('rita', 6), streamVersion: 3 })).toBe(order);
    expect(evolveOrderLifecycle(order, { ...placed, streamVersion: 1 })).toBe(order);
  });

  it('changes nothing for an erasure, which belongs to a person’s stream', () => {
    const order = given(placed)!;
    expect(evolveOrderLifecycle(order, { type: 'PersonalDataErased', data: { personId: 'p1', shopId: 's1', erasedAt: at(9) }, streamVersion: 7 })).toBe(order);
    expect(orderLifecycleChange({ type: 'PersonalDataErased', data: { personId: 'p1', shopId: 's1', erasedAt: at(9) } })).toBeUndefined();
  });

  it('tells order events from other topics’ events', () => {
    expect(isOrderEvent({ type: 'OutForDelivery' })).toBe(true);
    expect(isOrderEvent({ type: 'MessagePosted' })).toBe(false);
  });
});
