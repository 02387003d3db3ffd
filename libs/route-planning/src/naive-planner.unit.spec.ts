import { checkPlan } from './feasibility';
import { planNaively } from './naive-planner';
import { euclideanTravelTimes, type PlanarPoint } from './travel-times';
import type { Stop, Vehicle, VrptwInstance } from './vrptw';

const plane = euclideanTravelTimes();
const stop = (id: string, x: number, ready: number, due: number, demand = 1): Stop<PlanarPoint> => ({
  id,
  location: { x, y: 0 },
  demand,
  window: { ready, due },
  serviceTime: 0,
});
const vehicle = (id: string, capacity = 10): Vehicle => ({ id, capacity, profile: 'unit', shift: { ready: 0, due: 1000 }, maxTrips: 50 });
const instance = (stops: Stop<PlanarPoint>[], vehicles: Vehicle[]): VrptwInstance<PlanarPoint> => ({ name: 'naive', depot: { x: 0, y: 0 }, stops, vehicles });

describe('the naive baseline', () => {
  it('sends each order on a trip of its own, in the order the orders arrived', () => {
    const day = instance([stop('late', 10, 100, 200), stop('early', 10, 0, 50)], [vehicle('v1')]);
    const plan = planNaively(day, plane, { seed: 1 });
    expect(plan.routes).toHaveLength(1);
    expect(plan.routes[0].trips.map((t) => t.stops.map((s) => s.stopId))).toEqual([['late'], ['early']]);
    // The first trip leaves so as to arrive as its window opens; the second only after it is back.
    expect(plan.routes[0].trips.map((t) => [t.leaveDepot, t.backAtDepot])).toEqual([
      [90, 110],
      [110, 130],
    ]);
    expect(plan.distance).toBe(40);
  });

  it('delivers late rather than refuse, and the lateness shows', () => {
    const day = instance([stop('late', 10, 100, 200), stop('early', 10, 0, 50)], [vehicle('v1')]);
    const check = checkPlan(day, plane, planNaively(day, plane, { seed: 1 }));
    expect(check.onTime).toBe(1);
    expect(check.violations).toEqual(['stop early served at 120.00, after its window closed at 50']);
  });

  it('gives an order to the rider who can be at the door first', () => {
    const day = instance([stop('a', 10, 0, 100), stop('b', 20, 0, 100), stop('c', 5, 0, 100)], [vehicle('v1'), vehicle('v2')]);
    const plan = planNaively(day, plane, { seed: 1 });
    const riderOf = Object.fromEntries(plan.routes.flatMap((r) => r.trips.map((t) => [t.stops[0].stopId, r.vehicleId])));
    // v1 takes a and is back at 20; v2 takes b and is back at 40; so c goes to v1 again.
    expect(riderOf).toEqual({ a: 'v1', b: 'v2', c: 'v1' });
  });

  it('skips riders who cannot carry an order and reports what nobody can carry', () => {
    const day = instance([stop('big', 10, 0, 100, 8), stop('huge', 10, 0, 100, 30)], [vehicle('small', 5), vehicle('large', 10)]);
    const plan = planNaively(day, plane, { seed: 1 });
    expect(plan.routes.map((r) => r.vehicleId)).toEqual(['large']);
    expect(plan.unassigned).toEqual([{ stopId: 'huge', reason: 'demand-exceeds-every-capacity' }]);
  });
});
