import { specFor } from '@petalpost/testing';
import {
  capacityOn,
  decideSlot,
  evolveSlot,
  slotChangesFor,
  slotDecider,
  slotOf,
  slotPlanDecider,
  type SlotCommand,
  type SlotEvent,
  type SlotPlan,
  type SlotState,
} from './delivery-slot';
import type { OrderEvent, OrderPlacedData } from '../../orders/domain/order.events';
import { evolve, initialState, type OrderState } from '../../orders/domain/order.state';
import type { Sealed } from '../../personal-data/domain/personal-data';

const spec = specFor<SlotCommand, SlotEvent, SlotState>(slotDecider);
const now = '2026-02-10T09:00:00.000Z';
const noon = '2026-02-14T12:00';
const twoPm = '2026-02-14T14:00';

const reserve = (orderId: string, capacity = 2): SlotCommand => ({ type: 'ReservePlace', slot: noon, orderId, capacity, now });
const reserved = (orderId: string): SlotEvent => ({ type: 'SlotPlaceReserved', data: { slot: noon, orderId, reservedAt: now } });
const released = (orderId: string): SlotEvent => ({ type: 'SlotPlaceReleased', data: { slot: noon, orderId, releasedAt: now } });

describe('a delivery slot with room', () => {
  it('takes an order', () => {
    spec
      .given([])
      .when(reserve('o1'))
      .then([reserved('o1')]);
    spec
      .given([reserved('o1')])
      .when(reserve('o2'))
      .then([reserved('o2')]);
  });

  it('reserving for the same order twice changes nothing', () => {
    spec
      .given([reserved('o1')])
      .when(reserve('o1'))
      .then([]);
  });

  it('gives a place back when an order lets it go', () => {
    spec
      .given([reserved('o1')])
      .when({ type: 'ReleasePlace', orderId: 'o1', now })
      .then([released('o1')]);
  });

  it('releasing for an order that holds no place changes nothing', () => {
    spec
      .given([reserved('o1')])
      .when({ type: 'ReleasePlace', orderId: 'o2', now })
      .then([]);
    spec
      .given([reserved('o1'), released('o1')])
      .when({ type: 'ReleasePlace', orderId: 'o1', now })
      .then([]);
  });

  it('holds the orders that reserved and did not release', () => {
    const state = [reserved('o1'), reserved('o2'), released('o1')].reduce(evolveSlot, slotDecider.initialState());
    expect(state).toEqual({ slot: noon, orders: ['o2'] });
  });
});

describe('a full delivery slot', () => {
  const full = [reserved('o1'), reserved('o2')];

  it('refuses another order, saying how many places it has and how many are taken', () => {
    const error = spec.given(full).when(reserve('o3')).thenRefuses('SLOT_FULL', 'conflict');
    expect(error.details).toEqual({ slot: noon, capacity: 2, reserved: 2 });
  });

  it('still answers an order that already holds a place there with nothing to do', () => {
    spec.given(full).when(reserve('o2')).then([]);
  });

  it('takes another order once a place is given back', () => {
    spec
      .given([...full, released('o1')])
      .when(reserve('o3'))
      .then([reserved('o3')]);
  });

  it("refuses an order when the day's capacity was lowered below the places already taken", () => {
    expect(() => decideSlot(reserve('o3', 1), full.reduce(evolveSlot, slotDecider.initialState()))).toThrow(
      expect.objectContaining({ code: 'SLOT_FULL', details: { slot: noon, capacity: 1, reserved: 2 } }),
    );
  });
});

const plan: SlotPlan = { timeZone: 'Europe/Amsterdam', slotMinutes: 120, capacity: 8, overrides: [{ date: '2026-02-14', capacity: 20 }] };

describe('which slot a window falls in', () => {
  it.each([
    ['2026-02-14T13:45', '2026-02-14T12:00'],
    ['2026-02-14T12:00', '2026-02-14T12:00'],
    ['2026-02-14T13:59', '2026-02-14T12:00'],
    ['2026-02-14T14:00', '2026-02-14T14:00'],
    ['2026-02-14T00:00', '2026-02-14T00:00'],
    ['2026-02-14T01:59', '2026-02-14T00:00'],
    ['2026-02-14T23:59', '2026-02-14T22:00'],
  ])('a window starting %s is in the two-hour slot starting %s', (localStart, slot) => {
    expect(slotOf(plan, localStart)).toEqual({ slot, date: '2026-02-14' });
  });

  it.each([
    ['2026-02-14T13:45', '2026-02-14T13:30'],
    ['2026-02-14T13:29', '2026-02-14T13:00'],
    ['2026-02-14T00:15', '2026-02-14T00:00'],
  ])('a window starting %s is in the half-hour slot starting %s', (localStart, slot) => {
    expect(slotOf({ ...plan, slotMinutes: 30 }, localStart)).toEqual({ slot, date: '2026-02-14' });
  });
});

describe("a shop's capacity on a date", () => {
  it('is the usual number of deliveries per slot', () => {
    expect(capacityOn(plan, '2026-02-13')).toBe(8);
  });

  it('is the number set for that date when the shop set one', () => {
    expect(capacityOn(plan, '2026-02-14')).toBe(20);
  });
});

describe('what an order does to the delivery slots', () => {
  const ref = { orderId: 'o1', shopId: 's1' };
  const sealed: Sealed = { personId: 'p-buyer', sealed: 'x' };
  const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };
  const placedData: OrderPlacedData = {
    ...ref,
    orderType: 'gift',
    source: 'web',
    items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
    deliveryWindow: window,
    deliverySlot: noon,
    addressType: 'residence',
    anonymousSender: false,
    doNotContactRecipient: false,
    buyer: sealed,
    recipient: { personId: 'p-recipient', sealed: 'x' },
    paid: false,
    placedAt: '2026-02-10T08:00:00.000Z',
    pickupCode: 'K7PQ2',
  };
  const placed: OrderEvent = { type: 'OrderPlaced', schemaVersion: 3, data: placedData };
  const placedWithoutSlot: OrderEvent = { type: 'OrderPlaced', schemaVersion: 3, data: { ...placedData, deliverySlot: undefined } };
  const stateAfter = (history: OrderEvent[]): OrderState => history.reduce(evolve, initialState());
  const holdingNoon = stateAfter([placed]);

  const reservePlace = (slot: string, capacity: number) => ({
    streamId: `slot-s1-${slot}`,
    command: { type: 'ReservePlace', slot, orderId: 'o1', capacity, now },
  });
  const releasePlace = (slot: string) => ({ streamId: `slot-s1-${slot}`, command: { type: 'ReleasePlace', orderId: 'o1', now } });
  const windowChanged = (deliverySlot: string | undefined): OrderEvent => ({
    type: 'DeliveryWindowChanged',
    data: { ...ref, deliveryWindow: window, deliverySlot, changedAt: now },
  });

  it('placing an order reserves its place in its slot, with the capacity of that day', () => {
    expect(slotChangesFor([placed], initialState(), plan, now)).toEqual([reservePlace(noon, 20)]);
    const onAnOrdinaryDay: OrderEvent = { type: 'OrderPlaced', schemaVersion: 3, data: { ...placedData, deliverySlot: '2026-02-13T12:00' } };
    expect(slotChangesFor([onAnOrdinaryDay], initialState(), plan, now)).toEqual([reservePlace('2026-02-13T12:00', 8)]);
  });

  it('placing an order at a shop that plans no slots takes no place', () => {
    expect(slotChangesFor([placed], initialState(), undefined, now)).toEqual([]);
    expect(slotChangesFor([placedWithoutSlot], initialState(), plan, now)).toEqual([]);
  });

  it('moving the window to another slot gives the old place back and takes one in the new slot', () => {
    expect(slotChangesFor([windowChanged(twoPm)], holdingNoon, plan, now)).toEqual([releasePlace(noon), reservePlace(twoPm, 20)]);
  });

  it('moving the window within the same slot changes nothing', () => {
    expect(slotChangesFor([windowChanged(noon)], holdingNoon, plan, now)).toEqual([]);
  });

  it('a window given to an order that held no place takes one', () => {
    expect(slotChangesFor([windowChanged(twoPm)], stateAfter([placedWithoutSlot]), plan, now)).toEqual([reservePlace(twoPm, 20)]);
  });

  it('rescheduling to another day gives the old place back and takes one on that day', () => {
    const rescheduled: OrderEvent = {
      type: 'DeliveryRescheduled',
      data: { ...ref, deliveryWindow: window, deliverySlot: '2026-02-15T10:00', rescheduledAt: now },
    };
    expect(slotChangesFor([rescheduled], holdingNoon, plan, now)).toEqual([releasePlace(noon), reservePlace('2026-02-15T10:00', 8)]);
  });

  it.each<[string, OrderEvent]>([
    ['cancelling', { type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: now } }],
    ['rejecting', { type: 'OrderRejected', data: { ...ref, reason: 'no roses left', rejectedAt: now } }],
    ['returning', { type: 'OrderReturned', data: { ...ref, returnedAt: now } }],
  ])('%s an order gives its place back, without needing the plan', (_action, closed) => {
    expect(slotChangesFor([closed], holdingNoon, undefined, now)).toEqual([releasePlace(noon)]);
  });

  it('cancelling an order that holds no place gives nothing back', () => {
    const cancelled: OrderEvent = { type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: now } };
    expect(slotChangesFor([cancelled], stateAfter([placedWithoutSlot]), plan, now)).toEqual([]);
  });

  it('other events and no events leave the slots alone', () => {
    const accepted: OrderEvent = { type: 'OrderAccepted', data: { ...ref, acceptedAt: now } };
    expect(slotChangesFor([accepted], holdingNoon, plan, now)).toEqual([]);
    expect(slotChangesFor([], holdingNoon, plan, now)).toEqual([]);
  });
});

describe("planning a shop's delivery slots", () => {
  const planSlots = (slotMinutes: number) => ({ type: 'PlanDeliverySlots' as const, shopId: 's1', plan: { ...plan, slotMinutes }, now });

  it('records the plan for the shop', () => {
    expect(slotPlanDecider.decide(planSlots(120))).toEqual([{ type: 'DeliverySlotsPlanned', data: { shopId: 's1', ...plan, plannedAt: now } }]);
  });

  it('is what the shop planned last', () => {
    const events = [...slotPlanDecider.decide(planSlots(120)), ...slotPlanDecider.decide(planSlots(60))];
    expect(events.reduce(slotPlanDecider.evolve, slotPlanDecider.initialState())).toEqual({ ...plan, slotMinutes: 60 });
  });

  it.each([15, 30, 60, 90, 240, 1440])('takes %i-minute slots, which divide the day', (slotMinutes) => {
    expect(slotPlanDecider.decide(planSlots(slotMinutes))).toHaveLength(1);
  });

  it.each([0, 7, 100, 500])('refuses %i-minute slots, which do not divide the day, as invalid input', (slotMinutes) => {
    expect(() => slotPlanDecider.decide(planSlots(slotMinutes))).toThrow(expect.objectContaining({ code: 'SLOT_LENGTH_UNEVEN', kind: 'invalid' }));
  });

  it.each([-60, 22.5])('refuses %p-minute slots: a slot is a positive whole number of minutes', (slotMinutes) => {
    expect(() => slotPlanDecider.decide(planSlots(slotMinutes))).toThrow(expect.objectContaining({ code: 'SLOT_LENGTH_UNEVEN', kind: 'invalid' }));
  });
});
