import { positionDecision, positionEventId, positionIntervalOf, selfDeliveryChangeOf } from './self-delivery';
import { WRITEBACK_STATUSES, writebackFor } from './writeback-plan';

const at = (minute: number, second = 0) => `2026-12-07T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.000Z`;

describe("which statuses an order's events give a Chinese platform", () => {
  // An order's whole life, as orders.events carries it.
  const life: Array<[string, Record<string, unknown>]> = [
    ['OrderPlaced', { placedAt: at(0) }],
    ['OrderAccepted', { acceptedAt: at(1) }],
    ['ProductionStarted', { startedAt: at(2) }],
    ['ArrangementFinished', { finishedAt: at(10) }],
    ['RiderAssigned', { riderId: 'rider-7', assignedAt: at(11) }],
    ['OutForDelivery', { riderId: 'rider-7', pickedUpAt: at(12) }],
    ['DeliveryCarded', { riderId: 'rider-7', cardedAt: at(30) }],
    ['DeliveryReattempted', { riderId: 'rider-7', reattemptedAt: at(40) }],
    ['OrderDelivered', { riderId: 'rider-7', outcome: { kind: 'recipient' }, receivedBy: 'Li Wei', deliveredAt: at(55) }],
  ];
  const told = (platform: Parameters<typeof writebackFor>[0], statuses: Parameters<typeof writebackFor>[1]) =>
    life.flatMap(([type, data]) => {
      const facts = writebackFor(platform, statuses, type, data);
      return facts ? [[facts.status, facts.riderId]] : [];
    });

  it('gives a platform told everything each step once, in order, with the rider from the assignment on', () => {
    expect(told('meituan', WRITEBACK_STATUSES)).toEqual([
      ['confirmed', undefined],
      ['prepared', undefined],
      ['rider_assigned', 'rider-7'],
      ['out_for_delivery', 'rider-7'],
      ['carded', 'rider-7'],
      ['out_for_delivery', 'rider-7'],
      ['delivered', 'rider-7'],
    ]);
  });

  it('gives a platform only the statuses its connector lists', () => {
    expect(told('eleme', ['confirmed', 'prepared', 'out_for_delivery', 'location', 'delivered'])).toEqual([
      ['confirmed', undefined],
      ['prepared', undefined],
      ['out_for_delivery', 'rider-7'],
      ['out_for_delivery', 'rider-7'],
      ['delivered', 'rider-7'],
    ]);
  });

  it('gives Shopify the road alone, whatever a connector would list', () => {
    expect(told('shopify', WRITEBACK_STATUSES).map(([status]) => status)).toEqual(['out_for_delivery', 'carded', 'out_for_delivery', 'delivered']);
  });
});

describe("an order's self-delivery", () => {
  it.each([
    ['OutForDelivery', { riderId: 'rider-7', pickedUpAt: at(12) }, { kind: 'started', riderId: 'rider-7', at: at(12) }],
    ['DeliveryReattempted', { riderId: 'rider-7', reattemptedAt: at(40) }, { kind: 'started', riderId: 'rider-7', at: at(40) }],
    ['OrderDelivered', { deliveredAt: at(55) }, { kind: 'ended', at: at(55), why: 'delivered' }],
    ['DeliveryCarded', { cardedAt: at(30) }, { kind: 'ended', at: at(30), why: 'carded' }],
    ['DeliveryFailed', { failedAt: at(30), reason: 'refused' }, { kind: 'ended', at: at(30), why: 'failed' }],
    ['RiderUnassigned', { riderId: 'rider-7', unassignedAt: at(13) }, { kind: 'ended', at: at(13), why: 'unassigned' }],
    ['OrderCancelled', { reason: 'buyer', cancelledAt: at(13) }, { kind: 'ended', at: at(13), why: 'cancelled' }],
  ])('%s moves it', (type, data, change) => {
    expect(selfDeliveryChangeOf(type, data)).toEqual(change);
  });

  it.each(['OrderAccepted', 'RiderAssigned', 'ArrangementFinished', 'DeliveryAddressCorrected'])('%s leaves it as it is', (type) => {
    expect(selfDeliveryChangeOf(type, { riderId: 'rider-7' })).toBeUndefined();
  });
});

describe("whether a rider's position is told (one minute between positions)", () => {
  const minute = 60_000;
  const onTheRoad = { startedAt: at(12) };

  it('tells the first position after pickup', () => {
    expect(positionDecision(at(12, 5), onTheRoad, minute)).toEqual({ queue: true });
  });

  it('tells nothing recorded before pickup: the rider was riding to the shop', () => {
    expect(positionDecision(at(11, 59), onTheRoad, minute)).toEqual({ queue: false, why: 'before_pickup' });
  });

  it('tells nothing once the delivery ended, even a position recorded before the end', () => {
    expect(positionDecision(at(20), { ...onTheRoad, endedAt: at(30) }, minute)).toEqual({ queue: false, why: 'delivery_ended' });
  });

  it('tells the next position only a full interval after the last one told', () => {
    const told = { ...onTheRoad, lastPositionAt: at(13) };
    expect(positionDecision(at(13, 59), told, minute)).toEqual({ queue: false, why: 'too_soon' });
    expect(positionDecision(at(14), told, minute)).toEqual({ queue: true });
  });

  it('never tells a position again, nor one older than the last told', () => {
    const told = { ...onTheRoad, lastPositionAt: at(13) };
    expect(positionDecision(at(13), told, minute)).toEqual({ queue: false, why: 'not_newer' });
    expect(positionDecision(at(12, 30), told, 0)).toEqual({ queue: false, why: 'not_newer' });
  });

  it('tells every newer position of a platform that sets no rate', () => {
    expect(positionDecision(at(13, 1), { ...onTheRoad, lastPositionAt: at(13) }, undefined)).toEqual({ queue: true });
  });

  it("takes the setting's interval over the connector's when it is set", () => {
    expect(positionIntervalOf(120_000, undefined)).toBe(120_000);
    expect(positionIntervalOf(120_000, 1_000)).toBe(1_000);
    expect(positionIntervalOf(undefined, undefined)).toBeUndefined();
  });
});

describe("a position's event id", () => {
  it('is the same for the same rider and moment, however the moment is written', () => {
    expect(positionEventId('rider-7', '2026-12-07T18:15:00+08:00')).toBe(positionEventId('rider-7', '2026-12-07T10:15:00.000Z'));
  });

  it('differs between riders and between moments', () => {
    const ids = new Set([positionEventId('rider-7', at(15)), positionEventId('rider-8', at(15)), positionEventId('rider-7', at(15, 1))]);
    expect(ids.size).toBe(3);
  });

  it('is a version 5 (name-based) UUID, as intake_writebacks keys its event ids', () => {
    const id = positionEventId('rider-7', at(15));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
