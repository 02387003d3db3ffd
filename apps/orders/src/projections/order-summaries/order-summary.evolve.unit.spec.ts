import { evolveSummary, type OrderSummary, type SummaryEvent } from './order-summary.evolve';

const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };
const items = [
  { sku: 'ROSE-12', name: 'Twelve red roses', quantity: 2 },
  { sku: 'CARD', name: 'Card', quantity: 1 },
];
const placed: SummaryEvent = {
  type: 'OrderPlaced',
  streamVersion: 1,
  data: { orderId: 'o1', shopId: 's1', reference: 'WEB-1', items, deliveryWindow: window, placedAt: '2026-02-14T09:00:00.000Z' },
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
      const before = events.reduce(evolveSummary, undefined as OrderSummary | undefined);
      const after = evolveSummary(before, event);
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
  windowFrom: window.from,
  windowTo: window.to,
  placedAt: '2026-02-14T09:00:00.000Z',
  updatedAt: '2026-02-14T09:00:00.000Z',
  version: 1,
  itemCount: 3,
};

describe('no summary yet', () => {
  it('is created by OrderPlaced with its shop, window, reference and the pieces to prepare', () => {
    given([]).when(placed).then(summaryOfPlaced);
  });
  it('records a missing reference as null', () => {
    const { reference: _reference, ...withoutReference } = placed.data as Record<string, unknown>;
    given([]).when({ ...placed, data: withoutReference }).then({ ...summaryOfPlaced, reference: null });
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
    given([placed]).when({ ...cancelledAfterAccept, streamVersion: 2 }).then({ status: 'cancelled', updatedAt: '2026-02-14T09:10:00.000Z', version: 2 });
  });
  it('ignores an event type it does not know, keeping only the stream version', () => {
    given([placed]).when({ type: 'OrderGiftWrapped', streamVersion: 2, data: { paper: 'gold' } }).then({ version: 2 });
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
