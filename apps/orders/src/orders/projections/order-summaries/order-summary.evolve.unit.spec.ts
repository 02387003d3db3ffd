import { evolveSummary, type NameOf, type OrderSummary, type SummaryEvent } from './order-summary.evolve';

// The projection opens names with the vault; here a sealed value "erased" stands for a forgotten person.
const nameOf: NameOf = (recipient) => (recipient.sealed === 'erased' ? 'erased' : `name of ${recipient.sealed}`);
const evolve = (summary: OrderSummary | undefined, event: SummaryEvent) => evolveSummary(summary, event, nameOf);

const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };
const items = [
  { sku: 'ROSE-12', name: 'Twelve red roses', quantity: 2 },
  { sku: 'CARD', name: 'Card', quantity: 1 },
];
const placed: SummaryEvent = {
  type: 'OrderPlaced',
  streamVersion: 1,
  data: {
    orderId: 'o1',
    shopId: 's1',
    reference: 'WEB-1',
    orderType: 'sympathy',
    items,
    deliveryWindow: window,
    deadline: '2026-02-14T15:30:00+01:00',
    recipient: { personId: 'p-r', sealed: 'alex' },
    paid: false,
    placedAt: '2026-02-14T09:00:00.000Z',
  },
};
const accepted: SummaryEvent = { type: 'OrderAccepted', streamVersion: 2, data: { orderId: 'o1', shopId: 's1', acceptedAt: '2026-02-14T09:05:00.000Z' } };
const cancelledAfterAccept: SummaryEvent = {
  type: 'OrderCancelled',
  streamVersion: 3,
  data: { orderId: 'o1', shopId: 's1', reason: 'changed mind', cancelledAt: '2026-02-14T09:10:00.000Z' },
};

const given = (events: SummaryEvent[]) => ({
  when: (event: SummaryEvent) => ({
    then: (expected: Partial<OrderSummary> | undefined) => {
      const before = events.reduce(evolve, undefined as OrderSummary | undefined);
      const after = evolve(before, event);
      if (expected === undefined) expect(after).toBeUndefined();
      else expect(after).toEqual({ ...before, ...expected });
    },
  }),
});

const summaryOfPlaced: OrderSummary = {
  orderId: 'o1',
  shopId: 's1',
  status: 'placed',
  reference: 'WEB-1',
  orderType: 'sympathy',
  windowFrom: window.from,
  windowTo: window.to,
  deadline: '2026-02-14T15:30:00+01:00',
  placedAt: '2026-02-14T09:00:00.000Z',
  updatedAt: '2026-02-14T09:00:00.000Z',
  version: 1,
  itemCount: 3,
  riderId: null,
  deliveredAt: null,
  recipientName: 'name of alex',
  recipientErased: false,
  recipientPersonId: 'p-r',
  openExceptions: 0,
  paid: false,
};

describe('no summary yet', () => {
  it('is created by OrderPlaced with its shop, window, reference and the pieces to prepare', () => {
    given([]).when(placed).then(summaryOfPlaced);
  });
  it('records a missing reference as null', () => {
    const { reference: _reference, ...withoutReference } = placed.data as Record<string, unknown>;
    given([])
      .when({ ...placed, data: withoutReference })
      .then({ ...summaryOfPlaced, reference: null });
  });
  it('is not created by an acceptance, a cancellation or an unknown event', () => {
    given([]).when(accepted).then(undefined);
    given([]).when(cancelledAfterAccept).then(undefined);
    given([]).when({ type: 'OrderGiftWrapped', streamVersion: 2, data: {} }).then(undefined);
  });
});

describe('a placed order', () => {
  it('becomes accepted, with the time of acceptance and the new version', () => {
    given([placed]).when(accepted).then({ status: 'accepted', updatedAt: '2026-02-14T09:05:00.000Z', version: 2 });
  });
  it('becomes cancelled', () => {
    given([placed])
      .when({ ...cancelledAfterAccept, streamVersion: 2 })
      .then({ status: 'cancelled', updatedAt: '2026-02-14T09:10:00.000Z', version: 2 });
  });
  it('ignores an event type it does not know, keeping only the stream version', () => {
    given([placed])
      .when({ type: 'OrderGiftWrapped', streamVersion: 2, data: { paper: 'gold' } })
      .then({ version: 2 });
  });
  it('ignores a repeated OrderPlaced', () => {
    given([placed]).when(placed).then({});
  });
});

describe('an accepted order', () => {
  it('becomes cancelled', () => {
    given([placed, accepted]).when(cancelledAfterAccept).then({ status: 'cancelled', updatedAt: '2026-02-14T09:10:00.000Z', version: 3 });
  });
  it('does not go back for an event it already reflects', () => {
    given([placed, accepted, cancelledAfterAccept]).when(accepted).then({});
  });
});

describe('on the road', () => {
  const assigned: SummaryEvent = {
    type: 'RiderAssigned',
    streamVersion: 3,
    data: { orderId: 'o1', shopId: 's1', riderId: 'r7', assignedAt: '2026-02-14T10:00:00.000Z' },
  };
  it('shows the assigned rider, and none once unassigned', () => {
    given([placed, accepted]).when(assigned).then({ riderId: 'r7', version: 3, updatedAt: '2026-02-14T10:00:00.000Z' });
    given([placed, accepted, assigned])
      .when({ type: 'RiderUnassigned', streamVersion: 4, data: { orderId: 'o1', shopId: 's1', riderId: 'r7', unassignedAt: '2026-02-14T10:01:00.000Z' } })
      .then({ riderId: null, version: 4, updatedAt: '2026-02-14T10:01:00.000Z' });
  });
  it('follows a failed delivery rescheduled into a new window, back on the shelf without a rider', () => {
    const failed: SummaryEvent = {
      type: 'DeliveryFailed',
      streamVersion: 4,
      data: { orderId: 'o1', shopId: 's1', reason: 'refused', failedAt: '2026-02-14T14:00:00.000Z' },
    };
    given([placed, accepted, assigned]).when(failed).then({ status: 'delivery_failed', version: 4, updatedAt: '2026-02-14T14:00:00.000Z' });
    const newWindow = { from: '2026-02-15T10:00:00+01:00', to: '2026-02-15T12:00:00+01:00' };
    given([placed, accepted, assigned, failed])
      .when({
        type: 'DeliveryRescheduled',
        streamVersion: 5,
        data: { orderId: 'o1', shopId: 's1', deliveryWindow: newWindow, rescheduledAt: '2026-02-14T15:00:00.000Z' },
      })
      .then({ status: 'ready', riderId: null, windowFrom: newWindow.from, windowTo: newWindow.to, version: 5, updatedAt: '2026-02-14T15:00:00.000Z' });
  });
  it('keeps the rider who delivered it, and when (their list shows it for the grace period after)', () => {
    const pickedUp: SummaryEvent = {
      type: 'OutForDelivery',
      streamVersion: 4,
      data: { orderId: 'o1', shopId: 's1', riderId: 'r7', pickedUpAt: '2026-02-14T12:00:00.000Z' },
    };
    given([placed, accepted, assigned, pickedUp])
      .when({
        type: 'OrderDelivered',
        streamVersion: 5,
        data: {
          orderId: 'o1',
          shopId: 's1',
          riderId: 'r7',
          outcome: { kind: 'recipient' },
          proof: { at: '2026-02-14T12:30:00.000Z' },
          deliveredAt: '2026-02-14T12:30:00.000Z',
        },
      })
      .then({ status: 'delivered', riderId: 'r7', deliveredAt: '2026-02-14T12:30:00.000Z', version: 5, updatedAt: '2026-02-14T12:30:00.000Z' });
  });
  it('counts open exceptions', () => {
    const flagged: SummaryEvent = {
      type: 'OrderExceptionFlagged',
      streamVersion: 3,
      data: { orderId: 'o1', shopId: 's1', exceptionId: 'x1', kind: 'damaged', flaggedAt: '2026-02-14T10:00:00.000Z' },
    };
    given([placed, accepted]).when(flagged).then({ openExceptions: 1, version: 3, updatedAt: '2026-02-14T10:00:00.000Z' });
    given([placed, accepted, flagged])
      .when({
        type: 'OrderExceptionCleared',
        streamVersion: 4,
        data: { orderId: 'o1', shopId: 's1', exceptionId: 'x1', clearedAt: '2026-02-14T10:30:00.000Z' },
      })
      .then({ openExceptions: 0, version: 4, updatedAt: '2026-02-14T10:30:00.000Z' });
  });
});

describe('personal data', () => {
  it('shows a corrected recipient by name, and an erased one as erased without a name', () => {
    const corrected = (sealed: string): SummaryEvent => ({
      type: 'DeliveryAddressCorrected',
      streamVersion: 2,
      data: { orderId: 'o1', shopId: 's1', addressType: 'business', recipient: { personId: 'p-r', sealed }, correctedAt: '2026-02-14T09:30:00.000Z' },
    });
    given([placed]).when(corrected('sam')).then({ recipientName: 'name of sam', version: 2, updatedAt: '2026-02-14T09:30:00.000Z' });
    given([placed]).when(corrected('erased')).then({ recipientName: null, recipientErased: true, version: 2, updatedAt: '2026-02-14T09:30:00.000Z' });
  });
  it('creates the row of an order whose recipient was already erased, without the name', () => {
    given([])
      .when({ ...placed, data: { ...(placed.data as object), recipient: { personId: 'p-r', sealed: 'erased' } } })
      .then({ ...summaryOfPlaced, recipientName: null, recipientErased: true });
  });
});
