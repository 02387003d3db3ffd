import {
  checkPlan,
  emptyRoute,
  improveInsertion,
  insertionDelta,
  isRouteFeasible,
  newTripDelta,
  reasonUnservable,
  refreshRoute,
  type RouteState,
} from './feasibility';
import { line } from './line-instance.fixture';
import { euclideanTravelTimes } from './travel-times';
import { type NodeProblem, type Plan, toNodeProblem } from './vrptw';

const travel = euclideanTravelTimes();

function route(problem: NodeProblem, nodes: number[]): RouteState {
  const r = emptyRoute(problem, 0);
  r.nodes = nodes;
  refreshRoute(problem, r);
  return r;
}

describe('a route', () => {
  it('waits at a stop until its window opens, and starts the next stop from there', () => {
    const problem = toNodeProblem(line([{ x: 10, window: { ready: 50, due: 60 }, serviceTime: 5 }, { x: 20 }]), travel);
    const r = route(problem, [0, 1, 2, 0]);
    expect(r.start).toEqual([0, 50, 65, 85]);
    expect(r.distance).toBe(40);
    expect(isRouteFeasible(problem, r)).toBe(true);
  });

  it('knows how late each stop may start without breaking a later window', () => {
    const problem = toNodeProblem(
      line([
        { x: 10, serviceTime: 5 },
        { x: 20, window: { ready: 0, due: 40 } },
      ]),
      travel,
    );
    const r = route(problem, [0, 1, 2, 0]);
    // s2 must start by 40; s1 is 10 away and takes 5, so it must start by 25, and the vehicle leave by 15.
    expect(r.latest).toEqual([15, 25, 40, 1000]);
  });

  it('splits its load per trip at each return to the depot', () => {
    const problem = toNodeProblem(
      line(
        [
          { x: 10, demand: 4 },
          { x: 20, demand: 3 },
          { x: 30, demand: 5 },
        ],
        { maxTrips: 2 },
      ),
      travel,
    );
    const r = route(problem, [0, 1, 2, 0, 3, 0]);
    expect(r.trips).toBe(2);
    expect(r.tripLoad).toEqual([7, 7, 7, 5, 5, 0]);
  });

  it('drops a trip left empty', () => {
    const problem = toNodeProblem(line([{ x: 10 }], { maxTrips: 3 }), travel);
    const r = route(problem, [0, 0, 1, 0, 0]);
    expect(r.nodes).toEqual([0, 1, 0]);
    expect(r.trips).toBe(1);
  });
});

describe('inserting a stop', () => {
  it('serves a stop reached exactly as its window closes', () => {
    const problem = toNodeProblem(line([{ x: 10, window: { ready: 0, due: 10 } }]), travel);
    expect(insertionDelta(problem, emptyRoute(problem, 0), 1, 0)).toBe(20);
  });

  it('refuses a stop whose window closes before the vehicle can get there', () => {
    const problem = toNodeProblem(line([{ x: 10, window: { ready: 0, due: 9.999 } }]), travel);
    expect(insertionDelta(problem, emptyRoute(problem, 0), 1, 0)).toBe(Infinity);
  });

  it('refuses an insertion that pushes a later stop past its window', () => {
    const problem = toNodeProblem(
      line([
        { x: 20, window: { ready: 0, due: 22 } },
        { x: 10, serviceTime: 5 },
      ]),
      travel,
    );
    const r = route(problem, [0, 1, 0]);
    // s2 on the way costs no distance but 5 minutes, and s1 would start at 25; on the way back it fits.
    expect(insertionDelta(problem, r, 2, 0)).toBe(Infinity);
    expect(insertionDelta(problem, r, 2, 1)).toBe(0);
  });

  it('lets a wait absorb the delay of an insertion before it', () => {
    const problem = toNodeProblem(
      line([
        { x: 20, window: { ready: 40, due: 42 } },
        { x: 10, serviceTime: 5 },
      ]),
      travel,
    );
    expect(insertionDelta(problem, route(problem, [0, 1, 0]), 2, 0)).toBe(0);
  });

  it('accepts a load that exactly fills the vehicle and refuses one more unit', () => {
    const problem = toNodeProblem(
      line(
        [
          { x: 10, demand: 6 },
          { x: 20, demand: 4 },
          { x: 30, demand: 5 },
        ],
        { capacity: 10 },
      ),
      travel,
    );
    const r = route(problem, [0, 1, 0]);
    expect(insertionDelta(problem, r, 2, 1)).toBe(20);
    expect(insertionDelta(problem, r, 3, 1)).toBe(Infinity);
  });

  it('refuses an insertion that brings the vehicle back after its shift', () => {
    const problem = toNodeProblem(line([{ x: 10 }, { x: 30 }], { shift: { ready: 0, due: 59 } }), travel);
    expect(insertionDelta(problem, route(problem, [0, 1, 0]), 2, 1)).toBe(Infinity);
  });

  it('starts a new trip when the current one is full and the vehicle may come back', () => {
    const instance = line(
      [
        { x: 10, demand: 8 },
        { x: 10, demand: 4 },
      ],
      { capacity: 10, maxTrips: 2 },
    );
    const problem = toNodeProblem(instance, travel);
    const r = route(problem, [0, 1, 0]);
    expect(insertionDelta(problem, r, 2, 0)).toBe(Infinity);
    expect(newTripDelta(problem, r, 2, 2)).toBe(20);
    const choice = { delta: Infinity, vehicle: -1, after: -1, newTrip: false };
    improveInsertion(problem, r, 2, choice, () => false);
    expect(choice).toMatchObject({ delta: 20, newTrip: true });
  });

  it('offers no new trip to a vehicle that has made all its trips', () => {
    const problem = toNodeProblem(
      line(
        [
          { x: 10, demand: 8 },
          { x: 10, demand: 4 },
        ],
        { capacity: 10, maxTrips: 1 },
      ),
      travel,
    );
    const choice = { delta: Infinity, vehicle: -1, after: -1, newTrip: false };
    improveInsertion(problem, route(problem, [0, 1, 0]), 2, choice, () => false);
    expect(choice.vehicle).toBe(-1);
  });
});

describe('a stop that cannot be served even alone', () => {
  it('is over capacity when no vehicle carries its load', () => {
    const problem = toNodeProblem(line([{ x: 10, demand: 11 }], { capacity: 10 }), travel);
    expect(reasonUnservable(problem, 1)).toBe('demand-exceeds-every-capacity');
  });

  it('is unreachable when its window closes before any vehicle can get there', () => {
    const problem = toNodeProblem(line([{ x: 10, window: { ready: 0, due: 5 } }]), travel);
    expect(reasonUnservable(problem, 1)).toBe('window-unreachable');
  });

  it('is unreachable when the vehicle could not be back by the end of its shift', () => {
    const problem = toNodeProblem(line([{ x: 10, window: { ready: 0, due: 50 }, serviceTime: 35 }], { shift: { ready: 0, due: 50 } }), travel);
    expect(reasonUnservable(problem, 1)).toBe('window-unreachable');
  });
});

describe('checking a plan', () => {
  const instance = line(
    [
      { x: 10, window: { ready: 0, due: 15 }, demand: 6 },
      { x: 20, demand: 5 },
    ],
    { capacity: 10, maxTrips: 2 },
  );
  const at = (stopId: string, time: number) => ({ stopId, arrival: time, start: time, departure: time });
  const trip = (stops: ReturnType<typeof at>[], leaveDepot = 0) => ({ leaveDepot, backAtDepot: 0, load: 0, distance: 0, stops });

  it('passes a plan that serves every stop once, on time, within capacity', () => {
    const plan: Plan = { routes: [{ vehicleId: 'v1', trips: [trip([at('s1', 10)]), trip([at('s2', 40)], 20)], distance: 60 }], unassigned: [], distance: 60 };
    expect(checkPlan(instance, travel, plan)).toMatchObject({ violations: [], distance: 60, served: 2, onTime: 2, routesUsed: 1 });
  });

  it('reports a late stop, an overloaded trip and a lost stop', () => {
    const plan: Plan = { routes: [{ vehicleId: 'v1', trips: [trip([at('s2', 20), at('s1', 30)])], distance: 40 }], unassigned: [], distance: 40 };
    const check = checkPlan(instance, travel, plan);
    expect(check.onTime).toBe(1);
    expect(check.violations).toEqual([expect.stringContaining('stop s1 served at 30.00'), 'vehicle v1 carries 11 on one trip, capacity 10']);

    const lost = checkPlan(instance, travel, { routes: [{ vehicleId: 'v1', trips: [trip([at('s1', 10)])], distance: 20 }], unassigned: [], distance: 20 });
    expect(lost.violations).toEqual(['stop s2 is neither planned nor reported unassigned']);
  });

  it('reports a stop both planned and reported unassigned', () => {
    const plan: Plan = {
      routes: [{ vehicleId: 'v1', trips: [trip([at('s1', 10), at('s2', 20)])], distance: 40 }],
      unassigned: [{ stopId: 's2', reason: 'no-vehicle-left' }],
      distance: 40,
    };
    expect(checkPlan(instance, travel, plan).violations).toEqual(['vehicle v1 carries 11 on one trip, capacity 10', 'stop s2 appears 2 times']);
  });
});
