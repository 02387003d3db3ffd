import { checkPlan, offlineTravelTimes, planRoutes } from '@petalpost/route-planning';
import type { Plan } from '@petalpost/route-planning';
import { isoAt, keepingCurrentRiders, type OpenDelivery, type PlanningSituation, preparePlanning, toProposal } from './plan-instance';
import { localMidnight } from '../../shared/domain/shop-clock';

const shop = { lat: 52.0907, lng: 5.1214 };
const now = '2026-02-14T10:00:00.000Z';
const open = (orderId: string, overrides: Partial<OpenDelivery> = {}): OpenDelivery => ({
  orderId,
  status: 'ready_for_pickup',
  windowFrom: '2026-02-14T12:00:00.000Z',
  windowTo: '2026-02-14T14:00:00.000Z',
  lat: 52.1,
  lng: 5.13,
  riderId: null,
  ...overrides,
});
const situation = (overrides: Partial<PlanningSituation> = {}): PlanningSituation => ({
  shopId: 's1',
  depot: shop,
  now,
  serviceMinutes: 5,
  deliveries: [],
  riders: [{ riderId: 'rita', vehicleKind: 'bicycle', capacity: 4 }],
  ...overrides,
});

describe('the time of a plan', () => {
  it('counts minutes from the shop’s local midnight', () => {
    expect(isoAt(localMidnight(Date.parse(now), 'UTC'))).toBe('2026-02-14T00:00:00.000Z');
    // Amsterdam is an hour ahead in February and two in summer.
    expect(isoAt(localMidnight(Date.parse(now), 'Europe/Amsterdam'))).toBe('2026-02-13T23:00:00.000Z');
    expect(isoAt(localMidnight(Date.parse('2026-07-01T21:30:00.000Z'), 'Europe/Amsterdam'))).toBe('2026-06-30T22:00:00.000Z');
    expect(isoAt(localMidnight(Date.parse('2026-07-01T22:30:00.000Z'), 'Europe/Amsterdam'))).toBe('2026-07-01T22:00:00.000Z');
  });

  it('counts the plan’s minutes on the shop’s wall clock on a clock-change day, so rush hours fall where the shop has them', () => {
    // 12:00 in Amsterdam on the day the clocks went forward; the window is 14:00–16:00 there.
    const springDay = situation({
      now: '2027-03-28T10:00:00.000Z',
      timeZone: 'Europe/Amsterdam',
      deliveries: [open('o1', { windowFrom: '2027-03-28T12:00:00.000Z', windowTo: '2027-03-28T14:00:00.000Z' })],
    });
    const prepared = preparePlanning(springDay);
    expect(prepared.instance.stops[0].window).toEqual({ ready: 14 * 60, due: 16 * 60 });
    expect(prepared.instance.vehicles[0].shift.ready).toBe(12 * 60);
  });

  it('writes times as ISO 8601 in UTC without a clock', () => {
    for (const iso of ['1970-01-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2026-02-14T12:34:56.789Z', '2100-03-01T00:00:00.001Z'])
      expect(isoAt(Date.parse(iso))).toBe(iso);
  });
});

describe('the instance for the solver', () => {
  it('takes the assignable deliveries with their windows in minutes since the epoch, and the riders on shift as vehicles', () => {
    const prepared = preparePlanning(situation({ deliveries: [open('o1'), open('o2', { status: 'awaiting_assignment', riderId: 'ron' })] }));
    expect(prepared.instance.depot).toEqual(shop);
    expect(prepared.instance.stops).toEqual([
      { id: 'o1', location: { lat: 52.1, lng: 5.13 }, demand: 1, window: { ready: 720, due: 840 }, serviceTime: 5 },
      { id: 'o2', location: { lat: 52.1, lng: 5.13 }, demand: 1, window: { ready: 720, due: 840 }, serviceTime: 5 },
    ]);
    expect(prepared.instance.vehicles).toEqual([{ id: 'rita', capacity: 4, profile: 'bicycle', shift: { ready: 600, due: 840 + 5 + 120 }, maxTrips: 10 }]);
    expect(prepared.unplanned).toEqual([]);
  });

  it('leaves out what is not the shop’s to assign: not accepted yet, on the road, done', () => {
    const statuses = ['awaiting_acceptance', 'out_for_delivery', 'delivered', 'cancelled', 'failed', 'returned', 'rejected', 'carded'];
    const prepared = preparePlanning(situation({ deliveries: statuses.map((status, i) => open(`o${i}`, { status, riderId: 'ron' })) }));
    expect(prepared.instance.stops).toEqual([]);
    expect(prepared.unplanned).toEqual([]);
  });

  it('takes each order’s bouquets off the rider’s capacity, one when the board does not know', () => {
    const prepared = preparePlanning(situation({ deliveries: [open('big', { bouquets: 3 }), open('plain')] }));
    expect(prepared.instance.stops.map((s) => [s.id, s.demand])).toEqual([
      ['big', 3],
      ['plain', 1],
    ]);
  });

  it('starts a window that opened already at now', () => {
    const prepared = preparePlanning(situation({ deliveries: [open('o1', { windowFrom: '2026-02-14T09:00:00.000Z', windowTo: '2026-02-14T11:00:00.000Z' })] }));
    expect(prepared.instance.stops[0].window).toEqual({ ready: 600, due: 660 });
  });

  it('plans an order whose window closed as soon as it fits, keeping its real window for the answer', () => {
    const closed = open('late', { windowFrom: '2026-02-14T07:00:00.000Z', windowTo: '2026-02-14T09:00:00.000Z' });
    const prepared = preparePlanning(situation({ deliveries: [closed] }));
    expect(prepared.instance.stops[0].window).toEqual({ ready: 600, due: 600 + 180 });
    expect(prepared.windows.get('late')).toEqual({ from: '2026-02-14T07:00:00.000Z', to: '2026-02-14T09:00:00.000Z' });
  });

  it('plans a funeral order to start by its hard deadline: the earlier of the window’s end and the deadline', () => {
    const prepared = preparePlanning(situation({ deliveries: [open('funeral', { deadline: '2026-02-14T13:00:00.000Z' }), open('plain', { deadline: null })] }));
    expect(prepared.instance.stops.map((s) => [s.id, s.window])).toEqual([
      ['funeral', { ready: 720, due: 780 }],
      ['plain', { ready: 720, due: 840 }],
    ]);
  });

  it('plans a funeral order whose window closed only up to its deadline, never late past it', () => {
    const closed = open('funeral', { windowFrom: '2026-02-14T07:00:00.000Z', windowTo: '2026-02-14T09:00:00.000Z', deadline: '2026-02-14T11:00:00.000Z' });
    const prepared = preparePlanning(situation({ deliveries: [closed] }));
    expect(prepared.instance.stops[0].window).toEqual({ ready: 600, due: 660 });
  });

  it('reports a funeral order whose deadline passed as unplanned, for a person to decide', () => {
    const missed = open('funeral', { windowFrom: '2026-02-14T07:00:00.000Z', windowTo: '2026-02-14T09:00:00.000Z', deadline: '2026-02-14T09:30:00.000Z' });
    const prepared = preparePlanning(situation({ deliveries: [missed, open('plain')] }));
    expect(prepared.instance.stops.map((s) => s.id)).toEqual(['plain']);
    expect(prepared.unplanned).toEqual([{ orderId: 'funeral', reason: 'deadline-passed' }]);
  });

  it('leaves a funeral order the riders cannot reach by its deadline to the solver’s unplanned, not to a late route', () => {
    const tooSoon = open('funeral', {
      windowFrom: '2026-02-14T09:00:00.000Z',
      windowTo: '2026-02-14T10:01:00.000Z',
      deadline: '2026-02-14T10:01:00.000Z',
      lat: 52.3,
      lng: 5.4,
    });
    const prepared = preparePlanning(situation({ deliveries: [tooSoon] }));
    const proposal = toProposal(prepared, planRoutes(prepared.instance, offlineTravelTimes(), { seed: 1, maxIterations: 200 }));
    expect(proposal.routes).toEqual([]);
    expect(proposal.unplanned.map((u) => u.orderId)).toEqual(['funeral']);
  });

  it('reports an order without coordinates as unplanned', () => {
    const prepared = preparePlanning(situation({ deliveries: [open('o1', { lat: null, lng: null })] }));
    expect(prepared.instance.stops).toEqual([]);
    expect(prepared.unplanned).toEqual([{ orderId: 'o1', reason: 'no-coordinates' }]);
  });

  it('reports every order as unplanned when no rider is on shift', () => {
    const prepared = preparePlanning(situation({ riders: [], deliveries: [open('o1'), open('o2')] }));
    expect(prepared.instance.stops).toEqual([]);
    expect(prepared.unplanned).toEqual([
      { orderId: 'o1', reason: 'no-rider-on-shift' },
      { orderId: 'o2', reason: 'no-rider-on-shift' },
    ]);
  });

  it('plans without a rider whose vehicle broke, and lists the orders they carry for a hand-over', () => {
    const prepared = preparePlanning(
      situation({
        riders: [
          { riderId: 'rita', vehicleKind: 'bicycle', capacity: 4 },
          { riderId: 'ron', vehicleKind: 'scooter', capacity: 6 },
        ],
        brokenRiders: ['ron'],
        deliveries: [
          open('waiting', { riderId: 'ron' }),
          open('loaded', { status: 'out_for_delivery', riderId: 'ron' }),
          open('ritas', { status: 'out_for_delivery', riderId: 'rita' }),
        ],
      }),
    );
    expect(prepared.instance.vehicles.map((v) => v.id)).toEqual(['rita']);
    expect(prepared.instance.stops.map((s) => s.id)).toEqual(['waiting']);
    expect(prepared.unplanned).toEqual([{ orderId: 'loaded', reason: 'rider-vehicle-broken' }]);
  });
});

describe('a rider out on a trip', () => {
  const riders = [
    { riderId: 'rita', vehicleKind: 'bicycle', capacity: 4 },
    { riderId: 'ron', vehicleKind: 'bicycle', capacity: 4 },
  ];
  const carrying = open('far', { status: 'out_for_delivery', riderId: 'rita', lat: 52.09, lng: 5.12 + 6 / 68.5, windowFrom: '2026-02-14T09:00:00.000Z' });

  it('is planned from when they are back at the shop, not from now', () => {
    const prepared = preparePlanning(
      situation({ riders, deliveries: [carrying, open('o1')], positions: new Map([['rita', shop]]), travel: offlineTravelTimes() }),
    );
    const [rita, ron] = prepared.instance.vehicles;
    const nowMinutes = 10 * 60;
    expect(ron.shift.ready).toBeCloseTo(nowMinutes, 5);
    // 6 km out and back on a bicycle (≈ 31 minutes each way) and 5 minutes at the door.
    expect(rita.shift.ready - nowMinutes).toBeGreaterThan(60);
    expect(rita.shift.ready - nowMinutes).toBeLessThan(75);
  });

  it('is planned from now when nobody knows where they are', () => {
    const prepared = preparePlanning(situation({ riders, deliveries: [carrying, open('o1')], travel: offlineTravelTimes() }));
    expect(prepared.instance.vehicles.map((v) => v.shift.ready)).toEqual([600, 600]);
  });
});

describe('the proposal from the solver’s plan', () => {
  it('gives each rider’s trips with ISO times inside the windows, and every order planned or reported', () => {
    const deliveries = [
      open('o1'),
      open('o2', { lat: 52.08, lng: 5.1 }),
      open('o3', { windowFrom: '2026-02-14T10:30:00.000Z', windowTo: '2026-02-14T11:00:00.000Z', lat: 52.095, lng: 5.125 }),
      open('o4', { lat: null, lng: null }),
      open('o5', { windowFrom: '2026-02-14T10:00:00.000Z', windowTo: '2026-02-14T10:01:00.000Z', lat: 52.3, lng: 5.5 }),
    ];
    const prepared = preparePlanning(situation({ deliveries, riders: [{ riderId: 'rita', vehicleKind: 'e-bike', capacity: 2 }] }));
    const travel = offlineTravelTimes();
    const plan = planRoutes(prepared.instance, travel, { seed: 1, maxIterations: 500 });
    expect(checkPlan(prepared.instance, travel, plan).violations).toEqual([]);

    const proposal = toProposal(prepared, plan);
    const planned = proposal.routes.flatMap((r) => r.trips.flatMap((t) => t.stops));
    expect([...planned.map((s) => s.orderId), ...proposal.unplanned.map((u) => u.orderId)].sort()).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
    expect(proposal.unplanned).toEqual(
      expect.arrayContaining([
        { orderId: 'o4', reason: 'no-coordinates' },
        { orderId: 'o5', reason: 'window-unreachable' },
      ]),
    );
    for (const stop of planned) {
      expect(Date.parse(stop.arriveAt)).toBeGreaterThanOrEqual(Date.parse(stop.windowFrom));
      expect(Date.parse(stop.arriveAt)).toBeLessThanOrEqual(Date.parse(stop.windowTo));
      expect(Date.parse(stop.departAt)).toBe(Date.parse(stop.arriveAt) + 5 * 60_000);
    }
    for (const trip of proposal.routes.flatMap((r) => r.trips)) {
      expect(trip.load).toBeLessThanOrEqual(2);
      expect(Date.parse(trip.leaveShopAt)).toBeGreaterThanOrEqual(Date.parse(now));
    }
    expect(proposal.routes[0]).toMatchObject({ riderId: 'rita', distanceMeters: expect.any(Number) });
  });

  it('has no routes for riders the plan gives nothing', () => {
    const prepared = preparePlanning(
      situation({
        deliveries: [open('o1')],
        riders: [
          { riderId: 'rita', vehicleKind: 'bicycle', capacity: 4 },
          { riderId: 'ron', vehicleKind: 'car', capacity: 8 },
        ],
      }),
    );
    const proposal = toProposal(prepared, planRoutes(prepared.instance, offlineTravelTimes(), { seed: 1, maxIterations: 200 }));
    expect(proposal.routes).toHaveLength(1);
    expect(proposal.routes[0].trips).toHaveLength(1);
  });
});

describe('a replan keeps riders where it can', () => {
  /** A route of the solver's: one trip through these orders. */
  const route = (vehicleId: string, ...orderIds: string[]): Plan['routes'][number] => ({
    vehicleId,
    distance: 1000 * orderIds.length,
    trips: [
      {
        leaveDepot: 600,
        backAtDepot: 700,
        load: orderIds.length,
        distance: 1000,
        stops: orderIds.map((stopId, i) => ({ stopId, arrival: 610 + i, start: 610 + i, departure: 615 + i })),
      },
    ],
  });
  const bikes = [
    { riderId: 'rita', vehicleKind: 'bicycle', capacity: 4 },
    { riderId: 'ron', vehicleKind: 'bicycle', capacity: 4 },
    { riderId: 'sam', vehicleKind: 'bicycle', capacity: 4 },
  ];
  const ridersOf = (plan: Plan) => Object.fromEntries(plan.routes.flatMap((r) => r.trips.flatMap((t) => t.stops.map((s) => [s.stopId, r.vehicleId]))));

  it('hands a route to the rider who has most of its orders when the solver labelled it with a twin', () => {
    const prepared = preparePlanning(
      situation({ riders: bikes, deliveries: [open('a1', { riderId: 'rita' }), open('a2', { riderId: 'rita' }), open('b1', { riderId: 'ron' }), open('new')] }),
    );
    // The solver swapped Rita's and Ron's rounds and gave the new order to Rita's round.
    const solved: Plan = { routes: [route('ron', 'a1', 'a2', 'new'), route('rita', 'b1')], unassigned: [], distance: 4000 };
    const kept = keepingCurrentRiders(solved, prepared);
    expect(ridersOf(kept)).toEqual({ a1: 'rita', a2: 'rita', new: 'rita', b1: 'ron' });
    // Only the labels moved: the same trips, times and distance.
    expect(kept.routes.map(({ trips, distance }) => ({ trips, distance }))).toEqual(solved.routes.map(({ trips, distance }) => ({ trips, distance })));
  });

  it('may give a route to a twin the solver left idle, and never to a different vehicle', () => {
    const riders = [...bikes, { riderId: 'carl', vehicleKind: 'car', capacity: 8 }];
    const prepared = preparePlanning(situation({ riders, deliveries: [open('s1', { riderId: 'sam' }), open('c1', { riderId: 'carl' })] }));
    const solved: Plan = { routes: [route('rita', 's1'), route('ron', 'c1')], unassigned: [], distance: 2000 };
    // Sam (idle in the solver's plan) takes back his order; Carl's car is not a bicycle, so c1 stays with a bicycle.
    expect(ridersOf(keepingCurrentRiders(solved, prepared))).toEqual({ s1: 'sam', c1: 'ron' });
  });

  it('leaves a plan alone when nobody has orders yet', () => {
    const prepared = preparePlanning(situation({ riders: bikes, deliveries: [open('o1'), open('o2')] }));
    const solved: Plan = { routes: [route('sam', 'o1'), route('rita', 'o2')], unassigned: [], distance: 2000 };
    expect(keepingCurrentRiders(solved, prepared)).toEqual(solved);
  });
});
