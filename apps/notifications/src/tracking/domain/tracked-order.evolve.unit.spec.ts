import type { OrderIntegrationEvent } from '@petalpost/contracts';
import { evolveTrackedOrder, firstNameOf, type TrackedOrder, type TrackedOrderEvent, withEta } from './tracked-order.evolve';

const ref = { orderId: 'o1', shopId: 's1' };
const window = { from: '2026-02-14T12:00:00.000Z', to: '2026-02-14T14:00:00.000Z', timeZone: 'Europe/Amsterdam' };
const placed: OrderIntegrationEvent = {
  type: 'OrderPlaced',
  data: {
    ...ref,
    orderType: 'gift',
    source: 'web',
    items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
    deliveryWindow: window,
    addressType: 'residence',
    anonymousSender: true,
    doNotContactRecipient: true,
    recipientPersonId: 'p1',
    recipient: { name: 'Alex van Recipient', phone: '+31 6 1234 5678', address: { text: 'Lindenlaan 3, Utrecht', geo: { lat: 52.09, lng: 5.12 } } },
    paid: true,
    placedAt: '2026-02-13T09:00:00.000Z',
  },
};

/** The row after these events, numbered 1, 2, … as the order's stream numbers them. */
function given(...events: OrderIntegrationEvent[]): TrackedOrder | undefined {
  return events.reduce<TrackedOrder | undefined>(
    (order, event, i) => evolveTrackedOrder(order, { ...event, streamVersion: i + 1 } as TrackedOrderEvent),
    undefined,
  );
}

const at = (minute: number) => `2026-02-14T12:${String(minute).padStart(2, '0')}:00.000Z`;
const accepted: OrderIntegrationEvent = { type: 'OrderAccepted', data: { ...ref, acceptedAt: at(1) } };
const started: OrderIntegrationEvent = { type: 'ProductionStarted', data: { ...ref, startedAt: at(2) } };
const photo: OrderIntegrationEvent = { type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: 'photos/arrangement-1.jpg', attachedAt: at(3) } };
const finished: OrderIntegrationEvent = { type: 'ArrangementFinished', data: { ...ref, finishedAt: at(4) } };
const assigned: OrderIntegrationEvent = { type: 'RiderAssigned', data: { ...ref, riderId: 'rita', assignedAt: at(5) } };
const pickedUp: OrderIntegrationEvent = { type: 'OutForDelivery', data: { ...ref, riderId: 'rita', pickedUpAt: at(6) } };
const delivered: OrderIntegrationEvent = {
  type: 'OrderDelivered',
  data: {
    ...ref,
    riderId: 'rita',
    outcome: { kind: 'recipient' },
    proof: { photoRef: 'photos/proof-1.jpg', at: at(30) },
    receivedBy: null,
    deliveredAt: at(30),
  },
};

describe('the tracked order', () => {
  describe('when placed', () => {
    it('keeps the window, the recipient’s first name and destination, and nothing else of them', () => {
      expect(given(placed)).toEqual({
        orderId: 'o1',
        shopId: 's1',
        status: 'placed',
        reachedAt: { placed: '2026-02-13T09:00:00.000Z' },
        window,
        deadline: null,
        eta: null,
        riderId: null,
        arrangementPhotoRef: null,
        proofPhotoRef: null,
        deliveredAt: null,
        recipientFirstName: 'Alex',
        recipientPersonId: 'p1',
        destination: { lat: 52.09, lng: 5.12 },
        version: 1,
      });
    });

    it('keeps no name of a recipient published as erased', () => {
      expect(given({ ...placed, data: { ...placed.data, recipient: null } } as OrderIntegrationEvent)).toMatchObject({
        recipientFirstName: null,
        destination: null,
      });
    });

    it('keeps no name of a recipient already known to be erased', () => {
      expect(evolveTrackedOrder(undefined, { ...placed, streamVersion: 1 } as TrackedOrderEvent, (id) => id === 'p1')).toMatchObject({
        recipientFirstName: null,
        destination: null,
      });
    });

    it('does not track an order it never saw placed', () => {
      expect(given(accepted)).toBeUndefined();
    });
  });

  describe('on its way to the recipient', () => {
    it('records when each step was reached', () => {
      expect(given(placed, accepted, started, photo, finished, assigned, pickedUp, delivered)).toMatchObject({
        status: 'delivered',
        reachedAt: { placed: '2026-02-13T09:00:00.000Z', accepted: at(1), in_production: at(2), ready: at(4), out_for_delivery: at(6), delivered: at(30) },
        arrangementPhotoRef: 'photos/arrangement-1.jpg',
        proofPhotoRef: 'photos/proof-1.jpg',
        deliveredAt: at(30),
        riderId: 'rita',
        version: 8,
      });
    });

    it('knows the rider from assignment until unassigned, rescheduled, cancelled or returned', () => {
      expect(given(placed, accepted, assigned)).toMatchObject({ riderId: 'rita', status: 'accepted' });
      expect(given(placed, accepted, assigned, { type: 'RiderUnassigned', data: { ...ref, riderId: 'rita', unassignedAt: at(7) } })).toMatchObject({
        riderId: null,
      });
      expect(given(placed, accepted, assigned, { type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: at(7) } })).toMatchObject({
        riderId: null,
        status: 'cancelled',
      });
      const failed: OrderIntegrationEvent = { type: 'DeliveryFailed', data: { ...ref, riderId: 'rita', reason: 'wrong_address', failedAt: at(20) } };
      const rescheduled: OrderIntegrationEvent = {
        type: 'DeliveryRescheduled',
        data: { ...ref, deliveryWindow: { ...window, from: '2026-02-15T12:00:00.000Z', to: '2026-02-15T14:00:00.000Z' }, rescheduledAt: at(21) },
      };
      expect(given(placed, accepted, finished, pickedUp, failed, rescheduled)).toMatchObject({
        status: 'ready',
        riderId: null,
        window: { from: '2026-02-15T12:00:00.000Z' },
      });
    });

    it('goes back on the road after a card was left', () => {
      const carded: OrderIntegrationEvent = { type: 'DeliveryCarded', data: { ...ref, riderId: 'rita', cardedAt: at(20) } };
      const again: OrderIntegrationEvent = { type: 'DeliveryReattempted', data: { ...ref, riderId: 'rita', reattemptedAt: at(40) } };
      expect(given(placed, accepted, finished, pickedUp, carded)).toMatchObject({ status: 'carded' });
      expect(given(placed, accepted, finished, pickedUp, carded, again)).toMatchObject({
        status: 'out_for_delivery',
        riderId: 'rita',
        reachedAt: { out_for_delivery: at(40), carded: at(20) },
      });
    });

    it('takes a corrected recipient’s first name and destination', () => {
      const corrected: OrderIntegrationEvent = {
        type: 'DeliveryAddressCorrected',
        data: {
          ...ref,
          addressType: 'hospital',
          recipientPersonId: 'p2',
          recipient: { name: 'Sam', address: { text: 'Ziekenhuis 1', geo: { lat: 52.1, lng: 5.1 } } },
          correctedAt: at(8),
        },
      };
      expect(given(placed, corrected)).toMatchObject({ recipientFirstName: 'Sam', recipientPersonId: 'p2', destination: { lat: 52.1, lng: 5.1 } });
    });
  });

  it('changes nothing for an event it already reflects', () => {
    const order = given(placed, accepted)!;
    expect(evolveTrackedOrder(order, { ...started, streamVersion: 2 } as TrackedOrderEvent)).toBe(order);
  });

  describe('its ETA', () => {
    const eta = { type: 'EtaUpdated' as const, data: { orderId: 'o1', shopId: 's1', eta: at(25), windowFrom: at(0), windowTo: at(59), estimatedAt: at(0) } };

    it('is taken while the flowers are still to arrive', () => {
      expect(withEta(given(placed, accepted, finished, pickedUp)!, eta)).toMatchObject({ eta: at(25) });
    });

    it('is ignored before the shop accepted and after the order is over', () => {
      expect(withEta(given(placed)!, eta).eta).toBeNull();
      expect(withEta(given(placed, accepted, finished, pickedUp, delivered)!, eta).eta).toBeNull();
    });

    it('is dropped when the delivery attempt fails, since the next one needs a new prediction', () => {
      const order = withEta(given(placed, accepted, finished, pickedUp)!, eta);
      expect(
        evolveTrackedOrder(order, { type: 'DeliveryFailed', data: { ...ref, reason: 'access_denied', failedAt: at(26) }, streamVersion: 5 }),
      ).toMatchObject({ eta: null });
    });
  });
});

describe('a recipient’s first name', () => {
  it.each([
    ['Alex van Recipient', 'Alex'],
    ['  Kim  ', 'Kim'],
    ['', null],
  ])('of %j is %j', (name, first) => {
    expect(firstNameOf(name)).toBe(first);
  });
});
