import { type DemandEvent, type DemandOrder, evolveDemandOrder, type IsErased } from './demand-order.evolve';

const ref = { orderId: 'o1', shopId: 's1' };
const at = '2025-05-30T09:00:00.000Z';
const window = { from: '2025-05-30T14:00:00+02:00', to: '2025-05-30T16:00:00+02:00' };
const later = { from: '2025-05-31T10:00:00+02:00', to: '2025-05-31T12:00:00+02:00' };
const hospital = { name: 'Alex', address: { text: 'St. Antonius, Koekoekslaan 1, Nieuwegein', geo: { lat: 52.0374, lng: 5.0963 } } };

const placed = (recipient: typeof hospital | null = hospital, recipientPersonId: string | null = 'p-alex'): DemandEvent => ({
  type: 'OrderPlaced',
  streamVersion: 1,
  data: {
    ...ref,
    orderType: 'gift',
    source: 'web',
    items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
    deliveryWindow: window,
    addressType: 'hospital',
    anonymousSender: false,
    doNotContactRecipient: false,
    recipientPersonId,
    recipient,
    paid: true,
    placedAt: at,
  },
});

/** The order's events after OrderPlaced, numbered in stream order. */
const stream = (first: DemandEvent, ...events: Array<Omit<DemandEvent, 'streamVersion'>>): DemandEvent[] => [
  first,
  ...events.map((e, i) => ({ ...e, streamVersion: i + 2 }) as DemandEvent),
];
const demand = (events: DemandEvent[], isErased?: IsErased) => events.reduce<DemandOrder | undefined>((d, e) => evolveDemandOrder(d, e, isErased), undefined);

const accepted = { type: 'OrderAccepted', data: { ...ref, acceptedAt: at } } as const;
const windowChanged = { type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: later, changedAt: at } } as const;

describe('an order just placed', () => {
  it('counts as demand at its window’s start, in the 7-character geohash cell of its address', () => {
    expect(demand([placed()])).toEqual({ ...ref, windowFrom: window.from, area: 'u1785cp', recipientPersonId: 'p-alex', cancelled: false, orderVersion: 1 });
  });

  it('has no area without coordinates', () => {
    const noGeo = { ...hospital, address: { text: hospital.address.text } };
    expect(demand([placed(noGeo as typeof hospital)])).toMatchObject({ area: null });
    expect(demand([placed(null, null)])).toMatchObject({ area: null, recipientPersonId: null });
  });

  it('has no area when its recipient was erased here first', () => {
    expect(demand([placed()], (person) => person === 'p-alex')).toMatchObject({ area: null, recipientPersonId: 'p-alex' });
  });
});

describe('an order through its life', () => {
  it.each<[string, Array<Omit<DemandEvent, 'streamVersion'>>, Partial<DemandOrder>]>([
    ['cancelled', [accepted, { type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: at } }], { cancelled: true, orderVersion: 3 }],
    ['rejected', [{ type: 'OrderRejected', data: { ...ref, reason: 'out of roses', rejectedAt: at } }], { cancelled: true, orderVersion: 2 }],
    ['window changed', [accepted, windowChanged], { windowFrom: later.from, orderVersion: 3 }],
    [
      'rescheduled after a failed attempt',
      [{ type: 'DeliveryRescheduled', data: { ...ref, deliveryWindow: later, rescheduledAt: at } }],
      { windowFrom: later.from, cancelled: false },
    ],
    [
      'address corrected',
      [
        {
          type: 'DeliveryAddressCorrected',
          data: {
            ...ref,
            addressType: 'residence',
            recipientPersonId: 'p-sam',
            recipient: { name: 'Sam', address: { text: 'Dom', geo: { lat: 52.0907, lng: 5.1214 } } },
            correctedAt: at,
          },
        },
      ],
      { area: 'u178kdc', recipientPersonId: 'p-sam' },
    ],
    [
      'delivered (still demand)',
      [accepted, { type: 'OrderDelivered', data: { ...ref, outcome: { kind: 'reception' }, proof: { at }, receivedBy: null, deliveredAt: at } }],
      { cancelled: false, orderVersion: 1 },
    ],
  ])('%s', (_name, events, expected) => {
    expect(demand(stream(placed(), ...events))).toMatchObject(expected);
  });

  it('writes nothing for an event that changes nothing demand keeps', () => {
    const current = demand([placed()])!;
    expect(evolveDemandOrder(current, { ...accepted, streamVersion: 2 })).toBe(current);
  });
});

describe('redelivery', () => {
  it('changes nothing for an event the row already reflects, even after later ones', () => {
    const events = stream(placed(), windowChanged, accepted);
    const current = demand(events)!;
    expect(evolveDemandOrder(current, events[1])).toBe(current);
    expect(evolveDemandOrder(current, placed())).toBe(current);
  });

  it('does not move the window back when an older window change comes again after a newer one', () => {
    const rescheduledBack = { type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: window, changedAt: at } } as const;
    const events = stream(placed(), windowChanged, rescheduledBack);
    const current = demand(events)!;
    expect(current.windowFrom).toBe(window.from);
    expect(evolveDemandOrder(current, events[1])).toBe(current);
  });

  it('leaves orders it never saw placed out', () => {
    expect(evolveDemandOrder(undefined, { ...accepted, streamVersion: 2 })).toBeUndefined();
  });
});
