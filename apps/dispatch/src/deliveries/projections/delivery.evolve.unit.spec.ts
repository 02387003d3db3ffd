import type { Principal } from '@petalpost/auth';
import type { Delivery } from './delivery.entity';
import { deliveryViewFor } from '../api/delivery-view';
import { type DeliveryEvent, evolveDelivery, type IsErased } from './delivery.evolve';

const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };
const later = { from: '2026-02-15T10:00:00+01:00', to: '2026-02-15T12:00:00+01:00' };
const ref = { orderId: 'o1', shopId: 's1' };
const at = '2026-02-14T09:00:00.000Z';
const alex = {
  name: 'Alex Recipient',
  phone: '+31 6 8765 4321',
  address: { text: 'St. Antonius, Koekoekslaan 1, Nieuwegein', geo: { lat: 52.03, lng: 5.09 }, ward: 'B3', room: '12', notes: 'Ask at the desk' },
};

const placed: DeliveryEvent = {
  type: 'OrderPlaced',
  streamVersion: 1,
  data: {
    ...ref,
    orderType: 'sympathy',
    source: 'web',
    items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
    deliveryWindow: window,
    deadline: '2026-02-14T15:30:00+01:00',
    addressType: 'hospital',
    anonymousSender: false,
    doNotContactRecipient: true,
    recipientPersonId: 'p-alex',
    recipient: alex,
    paid: true,
    placedAt: at,
  },
};

/** The order's events, numbered in stream order after OrderPlaced. */
function stream(...events: Array<Omit<DeliveryEvent, 'streamVersion'>>): DeliveryEvent[] {
  return [placed, ...events.map((e, i) => ({ ...e, streamVersion: i + 2 }) as DeliveryEvent)];
}
const board = (events: DeliveryEvent[], isErased?: IsErased) => events.reduce<Delivery | undefined>((d, e) => evolveDelivery(d, e, isErased), undefined);

const accepted = { type: 'OrderAccepted', data: { ...ref, acceptedAt: at } } as const;
const finished = { type: 'ArrangementFinished', data: { ...ref, finishedAt: at } } as const;
const assigned = (riderId: string) => ({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: at } }) as const;
const unassigned = (riderId: string) => ({ type: 'RiderUnassigned', data: { ...ref, riderId, unassignedAt: at } }) as const;
const outForDelivery = { type: 'OutForDelivery', data: { ...ref, riderId: 'r1', pickedUpAt: at } } as const;

describe('a delivery just placed', () => {
  it('shows the recipient, the address, the deadline and that it awaits acceptance', () => {
    expect(board([placed])).toEqual({
      ...ref,
      status: 'awaiting_acceptance',
      windowFrom: new Date(window.from),
      windowTo: new Date(window.to),
      deadline: new Date('2026-02-14T15:30:00+01:00'),
      addressType: 'hospital',
      doNotContactRecipient: true,
      bouquets: 1,
      riderId: null,
      deliveredAt: null,
      recipientPersonId: 'p-alex',
      recipientErased: false,
      recipientName: 'Alex Recipient',
      recipientPhone: '+31 6 8765 4321',
      recipientPhoneExpiresAt: null,
      addressText: alex.address.text,
      addressLat: 52.03,
      addressLng: 5.09,
      addressWard: 'B3',
      addressRoom: '12',
      addressNotes: 'Ask at the desk',
      orderVersion: 1,
    });
  });

  it('counts its bouquets, what it takes of a rider’s capacity, from the items’ quantities', () => {
    const items = [
      { sku: 'ROSE-12', name: 'Twelve red roses', quantity: 2 },
      { sku: 'LILY-5', name: 'Five white lilies', quantity: 1 },
    ];
    const larger = { ...placed, data: { ...placed.data, items } } as DeliveryEvent;
    expect(board([larger])).toMatchObject({ bouquets: 3 });
  });

  it('shows a recipient published as null (the publisher found them erased) as erased', () => {
    const erasedAtPublishing = { ...placed, data: { ...placed.data, recipient: null } } as DeliveryEvent;
    expect(board([erasedAtPublishing])).toMatchObject({
      recipientPersonId: 'p-alex',
      recipientErased: true,
      recipientName: null,
      addressText: null,
      addressLat: null,
    });
  });

  it('keeps a recipient erased here before their order arrived erased', () => {
    expect(board([placed], (person) => person === 'p-alex')).toMatchObject({
      recipientErased: true,
      recipientName: null,
      recipientPhone: null,
      addressNotes: null,
    });
  });

  it('keeps until when a privacy number can be called, and forgets it with the recipient', () => {
    const privacy = { ...alex, phone: '13812345678,1234', phoneExpiresAt: '2026-02-14T18:00:00+08:00' };
    const withPrivacyNumber = { ...placed, data: { ...placed.data, recipient: privacy } } as DeliveryEvent;
    expect(board([withPrivacyNumber])).toMatchObject({
      recipientPhone: '13812345678,1234',
      recipientPhoneExpiresAt: new Date('2026-02-14T10:00:00.000Z'),
    });
    expect(board([withPrivacyNumber], () => true)).toMatchObject({ recipientPhone: null, recipientPhoneExpiresAt: null });
  });

  it('knows no recipient for an order placed before people were recorded, and does not call it erased', () => {
    const v1 = { ...placed, data: { ...placed.data, recipientPersonId: null, recipient: null } } as DeliveryEvent;
    expect(board([v1])).toMatchObject({ recipientPersonId: null, recipientErased: false, recipientName: null });
  });
});

describe('a delivery through its life', () => {
  it.each<[string, Array<Omit<DeliveryEvent, 'streamVersion'>>, Partial<Delivery>]>([
    ['accepted', [accepted], { status: 'awaiting_assignment' }],
    ['rejected', [{ type: 'OrderRejected', data: { ...ref, reason: 'out of roses', rejectedAt: at } }], { status: 'rejected' }],
    ['arrangement finished', [accepted, finished], { status: 'ready_for_pickup' }],
    ['rider assigned', [accepted, assigned('r1')], { status: 'awaiting_assignment', riderId: 'r1' }],
    ['rider unassigned', [accepted, assigned('r1'), unassigned('r1')], { riderId: null }],
    ['picked up', [accepted, finished, assigned('r1'), outForDelivery], { status: 'out_for_delivery', riderId: 'r1' }],
    [
      'delivered (still the rider’s)',
      [
        accepted,
        finished,
        assigned('r1'),
        outForDelivery,
        { type: 'OrderDelivered', data: { ...ref, riderId: 'r1', outcome: { kind: 'reception' }, proof: { at }, receivedBy: null, deliveredAt: at } },
      ],
      { status: 'delivered', riderId: 'r1', deliveredAt: new Date(at) },
    ],
    ['carded', [accepted, finished, outForDelivery, { type: 'DeliveryCarded', data: { ...ref, cardedAt: at } }], { status: 'carded' }],
    [
      'reattempted after a card',
      [
        accepted,
        finished,
        outForDelivery,
        { type: 'DeliveryCarded', data: { ...ref, cardedAt: at } },
        { type: 'DeliveryReattempted', data: { ...ref, reattemptedAt: at } },
      ],
      { status: 'out_for_delivery' },
    ],
    [
      'failed',
      [accepted, finished, outForDelivery, { type: 'DeliveryFailed', data: { ...ref, reason: 'access_denied', failedAt: at } }],
      { status: 'failed', riderId: 'r1' },
    ],
    [
      'rescheduled (back on the shelf, rider freed, new window)',
      [
        accepted,
        finished,
        outForDelivery,
        { type: 'DeliveryFailed', data: { ...ref, reason: 'recipient_unavailable', failedAt: at } },
        { type: 'DeliveryRescheduled', data: { ...ref, deliveryWindow: later, rescheduledAt: at } },
      ],
      { status: 'ready_for_pickup', riderId: null, windowFrom: new Date(later.from), windowTo: new Date(later.to) },
    ],
    [
      'returned (rider freed)',
      [accepted, finished, outForDelivery, { type: 'OrderReturned', data: { ...ref, returnedAt: at } }],
      { status: 'returned', riderId: null },
    ],
    [
      'cancelled (rider freed)',
      [accepted, assigned('r1'), { type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: at } }],
      { status: 'cancelled', riderId: null },
    ],
    [
      'window changed',
      [accepted, { type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: later, changedAt: at } }],
      { status: 'awaiting_assignment', windowFrom: new Date(later.from), windowTo: new Date(later.to) },
    ],
    ['in production (no change for dispatch)', [accepted, { type: 'ProductionStarted', data: { ...ref, startedAt: at } }], { status: 'awaiting_assignment' }],
  ])('%s', (_name, events, expected) => {
    const all = stream(...events);
    expect(board(all)).toMatchObject({ ...expected, orderVersion: all.length });
  });

  it('replaces the recipient and address type when the address is corrected', () => {
    const corrected = {
      type: 'DeliveryAddressCorrected',
      data: {
        ...ref,
        addressType: 'residence',
        recipientPersonId: 'p-sam',
        recipient: { name: 'Sam', address: { text: 'Lindenlaan 3, Utrecht' } },
        correctedAt: at,
      },
    } as const;
    expect(board(stream(accepted, corrected))).toMatchObject({
      addressType: 'residence',
      recipientPersonId: 'p-sam',
      recipientErased: false,
      recipientName: 'Sam',
      recipientPhone: null,
      recipientPhoneExpiresAt: null,
      addressText: 'Lindenlaan 3, Utrecht',
      addressLat: null,
      addressWard: null,
      addressNotes: null,
    });
  });
});

describe('redelivery', () => {
  it('changes nothing for an event the row already reflects, even after later ones', () => {
    const events = stream(accepted, assigned('r1'), unassigned('r1'));
    const current = board(events)!;
    expect(evolveDelivery(current, events[2])).toBe(current);
    expect(evolveDelivery(current, placed)).toBe(current);
  });

  it('leaves orders the board never saw placed off the board', () => {
    expect(evolveDelivery(undefined, stream(accepted)[1])).toBeUndefined();
  });
});

describe('the view of a delivery', () => {
  const dispatcher: Principal = { role: 'dispatcher', sub: 'd1', shopId: 's1' };
  const staff: Principal = { role: 'staff', sub: 'st1', shopId: 's1' };

  it('gives the recipient in the contract’s shape, and the person id only to staff', () => {
    const delivery = board(stream(accepted, assigned('r1')))!;
    expect(deliveryViewFor(dispatcher, delivery)).toEqual({
      ...ref,
      status: 'awaiting_assignment',
      windowFrom: '2026-02-14T12:00:00.000Z',
      windowTo: '2026-02-14T14:00:00.000Z',
      deadline: '2026-02-14T14:30:00.000Z',
      addressType: 'hospital',
      doNotContactRecipient: true,
      bouquets: 1,
      riderId: 'r1',
      recipient: alex,
      risk: 'on_time',
    });
    expect(deliveryViewFor(staff, delivery)).toMatchObject({ recipientPersonId: 'p-alex' });
  });

  it('gives a privacy number with until when it can be called, and a downgrade to the real number without', () => {
    const privacy = { ...alex, phone: '13812345678,1234', phoneExpiresAt: '2026-02-14T18:00:00+08:00' };
    const delivery = board([{ ...placed, data: { ...placed.data, recipient: privacy } } as DeliveryEvent])!;
    expect(deliveryViewFor(dispatcher, delivery).recipient).toEqual({ ...privacy, phoneExpiresAt: '2026-02-14T10:00:00.000Z' });

    const downgraded = {
      type: 'DeliveryAddressCorrected',
      streamVersion: 2,
      data: { ...ref, addressType: 'hospital', recipientPersonId: 'p-alex', recipient: { ...alex, phone: '13812345678' }, correctedAt: at },
    } as const;
    const after = evolveDelivery(delivery, downgraded)!;
    expect(deliveryViewFor(dispatcher, after).recipient).toEqual({ ...alex, phone: '13812345678' });
  });

  it('says "erased" for a forgotten recipient', () => {
    expect(
      deliveryViewFor(
        dispatcher,
        board([placed], () => true)!,
      ).recipient,
    ).toBe('erased');
  });
});
