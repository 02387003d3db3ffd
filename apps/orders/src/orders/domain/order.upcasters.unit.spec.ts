import { createEventDecoder, ORDER_EVENT_CONTRACTS } from '@petalpost/contracts';
import { orderDecider } from './order.decider';
import type { OrderEvent } from './order.events';
import { ORDER_UPCASTERS } from './order.upcasters';

/** An order placed before people, order type and price were recorded (OrderPlaced v1). */
const v1Data = {
  orderId: 'o1',
  shopId: 's1',
  reference: 'OLD-1',
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: { from: '2026-02-14T12:00:00.000Z', to: '2026-02-14T14:00:00.000Z' },
  placedAt: '2026-02-10T09:00:00.000Z',
};

describe('OrderPlaced v1', () => {
  it('reads from the log as a v3 order the decider goes on with', () => {
    const data = ORDER_UPCASTERS.OrderPlaced[2](ORDER_UPCASTERS.OrderPlaced[1](v1Data));
    const order = orderDecider.evolve(orderDecider.initialState(), { type: 'OrderPlaced', data } as OrderEvent);
    expect(order).toMatchObject({
      status: 'placed',
      orderType: 'gift',
      source: 'shop_system',
      addressType: 'residence',
      paid: false,
      reference: 'OLD-1',
      pickupCode: null,
    });
    expect(orderDecider.decide({ type: 'AcceptOrder', now: '2026-02-10T10:00:00.000Z' }, order)).toEqual([
      { type: 'OrderAccepted', data: { orderId: 'o1', shopId: 's1', acceptedAt: '2026-02-10T10:00:00.000Z' } },
    ]);
  });

  it('reads from orders.events as v2, with no recipient known', () => {
    const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);
    const envelope = {
      eventId: '0b6f4f44-7c1c-4d7e-9a53-3f9f5c1a2b3c',
      type: 'OrderPlaced',
      schemaVersion: 1,
      streamId: 'order-o1',
      streamVersion: 1,
      shopId: 's1',
      data: v1Data,
      metadata: { correlationId: 'c1', actor: { role: 'staff', subject: 'alice', shopId: 's1' }, occurredAt: '2026-02-10T09:00:00.000Z' },
    };
    const decoded = decode(JSON.stringify(envelope));
    expect(decoded).toMatchObject({
      known: true,
      event: { schemaVersion: 2, data: { ...v1Data, orderType: 'gift', recipient: null, recipientPersonId: null, anonymousSender: false } },
    });
  });
});

describe('OrderPlaced v2', () => {
  const v2Data = { ...(ORDER_UPCASTERS.OrderPlaced[1](v1Data) as object), source: 'web' };
  const at = (clock: string) => `2026-02-14T${clock}:00.000Z`;

  it('reads from the log as a v3 order without a pickup code, which its rider picks up without one', () => {
    const data = ORDER_UPCASTERS.OrderPlaced[2](v2Data);
    expect(data).toMatchObject({ pickupCode: null, source: 'web' });
    const history: OrderEvent[] = [
      { type: 'OrderPlaced', schemaVersion: 3, data } as OrderEvent,
      { type: 'OrderAccepted', data: { orderId: 'o1', shopId: 's1', acceptedAt: at('09:00') } },
      { type: 'ProductionStarted', data: { orderId: 'o1', shopId: 's1', startedAt: at('09:30') } },
      { type: 'ArrangementFinished', data: { orderId: 'o1', shopId: 's1', finishedAt: at('10:00') } },
      { type: 'RiderAssigned', data: { orderId: 'o1', shopId: 's1', riderId: 'r1', assignedAt: at('10:05') } },
    ];
    const ready = history.reduce(orderDecider.evolve, orderDecider.initialState());
    expect(orderDecider.decide({ type: 'PickUp', riderId: 'r1', now: at('11:00') }, ready)).toEqual([
      { type: 'OutForDelivery', data: { orderId: 'o1', shopId: 's1', riderId: 'r1', pickedUpAt: at('11:00') } },
    ]);
  });

  it('keeps a code it was given', () => {
    expect(ORDER_UPCASTERS.OrderPlaced[2]({ ...v2Data, pickupCode: 'K7PQ2' })).toMatchObject({ pickupCode: 'K7PQ2' });
  });
});
