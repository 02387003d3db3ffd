import {
  afterFailure,
  customerMessage,
  shopifyOrderGid,
  shopifyWriteback,
  toldTo,
  WRITEBACK_STATUSES,
  wooCommerceWriteback,
  writebackFactsOf,
} from './writeback-plan';

const at = '2026-12-07T10:15:00.000Z';

describe('which order events are told back', () => {
  it.each([
    ['OutForDelivery', { pickedUpAt: at }, { status: 'out_for_delivery', happenedAt: at }],
    ['DeliveryReattempted', { reattemptedAt: at }, { status: 'out_for_delivery', happenedAt: at, reattempt: true }],
    [
      'OrderDelivered',
      { deliveredAt: at, outcome: { kind: 'neighbour' }, receivedBy: 'Mrs Jansen' },
      { status: 'delivered', happenedAt: at, outcome: 'neighbour' },
    ],
    ['DeliveryCarded', { cardedAt: at, note: 'rang twice' }, { status: 'carded', happenedAt: at }],
    ['DeliveryFailed', { failedAt: at, reason: 'wrong_address', note: 'no such house' }, { status: 'failed', happenedAt: at, failureReason: 'wrong_address' }],
  ])('%s becomes a write-back, without the personal data it carries', (type, data, facts) => {
    expect(writebackFactsOf(type, data)).toEqual(facts);
  });

  it.each([
    ['OrderAccepted', { acceptedAt: at }, { status: 'confirmed', happenedAt: at }],
    ['ArrangementFinished', { finishedAt: at }, { status: 'prepared', happenedAt: at }],
    ['RiderAssigned', { riderId: 'rider-7', assignedAt: at }, { status: 'rider_assigned', happenedAt: at, riderId: 'rider-7' }],
    ['OutForDelivery', { riderId: 'rider-7', pickedUpAt: at }, { status: 'out_for_delivery', happenedAt: at, riderId: 'rider-7' }],
    ['DeliveryCarded', { riderId: 'rider-7', cardedAt: at, note: 'rang twice' }, { status: 'carded', happenedAt: at, riderId: 'rider-7' }],
  ])('%s becomes a write-back naming the rider by id only', (type, data, facts) => {
    expect(writebackFactsOf(type, data)).toStrictEqual(facts);
  });

  it.each(['OrderPlaced', 'OrderCancelled', 'RiderUnassigned', 'ProductionStarted', 'SomethingNew'])('%s is not told back', (type) => {
    expect(writebackFactsOf(type, {})).toBeUndefined();
  });
});

describe('which platform is told which status', () => {
  it('tells Shopify and WooCommerce the road only, as before', () => {
    for (const platform of ['shopify', 'woocommerce'] as const) {
      expect(WRITEBACK_STATUSES.filter((status) => toldTo(platform, status))).toEqual(['out_for_delivery', 'delivered', 'carded', 'failed']);
    }
  });

  it('tells a Chinese platform exactly what its connector lists, whatever Shopify is told', () => {
    expect(WRITEBACK_STATUSES.filter((status) => toldTo('eleme', status, ['confirmed', 'prepared', 'location', 'delivered']))).toEqual([
      'confirmed',
      'prepared',
      'location',
      'delivered',
    ]);
    expect(WRITEBACK_STATUSES.filter((status) => toldTo('youzan', status, []))).toEqual([]);
  });

  it('refuses to make a Shopify or WooCommerce request of a status off the road', () => {
    expect(() => shopifyWriteback('1001', { status: 'confirmed', happenedAt: at })).toThrow(/road only/);
    expect(() => wooCommerceWriteback('727', { status: 'location', happenedAt: at, position: { lat: 39.9, lng: 116.4 } }, undefined)).toThrow(/road only/);
  });
});

describe('Shopify write-back', () => {
  it.each([
    ['out_for_delivery', 'OUT_FOR_DELIVERY'],
    ['delivered', 'DELIVERED'],
    ['carded', 'ATTEMPTED_DELIVERY'],
    ['failed', 'FAILURE'],
  ] as const)('tells %s as the fulfillment event %s on the order named by its global id', (status, event) => {
    expect(shopifyWriteback('820982911946154508', { status, happenedAt: at })).toEqual({
      orderGid: 'gid://shopify/Order/820982911946154508',
      notifyCustomer: true,
      event: { status: event, happenedAt: at, message: customerMessage({ status, happenedAt: at }) },
    });
  });

  it('refuses an external reference that is no Shopify order id', () => {
    expect(() => shopifyOrderGid('#1001')).toThrow(/not a Shopify order id/);
    expect(shopifyOrderGid('gid://shopify/Order/7')).toBe('gid://shopify/Order/7');
  });
});

describe('WooCommerce write-back', () => {
  it('tells the buyer in a customer note, with the tracking link, that the flowers are out', () => {
    expect(wooCommerceWriteback('727', { status: 'out_for_delivery', happenedAt: at }, 'https://track.example/track/abc')).toEqual({
      orderId: 727,
      note: { text: 'Your flowers are out for delivery. Follow the delivery: https://track.example/track/abc', customerNote: true },
    });
  });

  it('completes a delivered order and tells the buyer how it was handed over', () => {
    expect(wooCommerceWriteback('727', { status: 'delivered', happenedAt: at, outcome: 'reception' }, undefined)).toEqual({
      orderId: 727,
      setStatus: 'completed',
      note: { text: 'Your flowers were delivered at reception.', customerNote: true },
    });
  });

  it('tells the buyer of a card, and leaves the order open', () => {
    expect(wooCommerceWriteback('727', { status: 'carded', happenedAt: at }, undefined)).toEqual({
      orderId: 727,
      note: { text: customerMessage({ status: 'carded', happenedAt: at }), customerNote: true },
    });
  });

  it("tells a failure to the shop only, with the rider's reason", () => {
    expect(wooCommerceWriteback('727', { status: 'failed', happenedAt: at, failureReason: 'refused' }, undefined)).toEqual({
      orderId: 727,
      note: { text: 'The delivery could not be completed. Reason: refused.', customerNote: false },
    });
  });

  it('refuses an external reference that is no WooCommerce order id', () => {
    expect(() => wooCommerceWriteback('wc_order_58d2', { status: 'carded', happenedAt: at }, undefined)).toThrow(/not a WooCommerce order id/);
  });
});

describe('the retry schedule', () => {
  const schedule = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 5 };
  const now = new Date('2026-12-07T10:00:00.000Z');
  const waitAfter = (attempts: number, jitter = 0) => {
    const next = afterFailure(attempts, now, schedule, jitter);
    return next.dead ? 'dead' : next.nextAttemptAt.getTime() - now.getTime();
  };

  it('doubles the wait after each failure', () => {
    expect([1, 2, 3, 4].map((n) => waitAfter(n))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never waits longer than the cap', () => {
    expect(afterFailure(9, now, { ...schedule, maxAttempts: 20 }, 0)).toEqual({ dead: false, nextAttemptAt: new Date(now.getTime() + 60_000) });
  });

  it('spreads a wait by at most a fifth', () => {
    expect(waitAfter(3, 1)).toBe(4_800);
    expect(waitAfter(3, 7)).toBe(4_800);
  });

  it('is dead after the last attempt failed', () => {
    expect(waitAfter(5)).toBe('dead');
  });
});
