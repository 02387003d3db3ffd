import { checkPlan } from './feasibility';
import { planRoutes, seededRandom } from './planner';
import { euclideanTravelTimes, type GeoPoint, offlineTravelTimes, type PlanarPoint } from './travel-times';
import { type Plan, toNodeProblem, type VrptwInstance } from './vrptw';

const plane = euclideanTravelTimes();

/** Stops spread over a 100 × 100 square around a central depot, windows inside a 400-unit day. */
function randomInstance(seed: number, stops: number, vehicles: number, capacity: number): VrptwInstance<PlanarPoint> {
  const random = seededRandom(seed);
  return {
    name: `random-${seed}`,
    depot: { x: 50, y: 50 },
    stops: Array.from({ length: stops }, (_, i) => {
      const ready = random.below(300);
      return {
        id: `s${i + 1}`,
        location: { x: random.below(101), y: random.below(101) },
        demand: 1 + random.below(5),
        window: { ready, due: ready + 20 + random.below(60) },
        serviceTime: 5,
      };
    }),
    vehicles: Array.from({ length: vehicles }, (_, i) => ({ id: `v${i + 1}`, capacity, profile: 'unit', shift: { ready: 0, due: 400 }, maxTrips: 1 })),
  };
}

const planned = (plan: Plan) => plan.routes.flatMap((r) => r.trips.flatMap((t) => t.stops.map((s) => s.stopId)));

describe('planning generated instances', () => {
  it.each([1, 2, 3, 4, 5])('respects every window and capacity and places each stop exactly once (seed %i)', (seed) => {
    const instance = randomInstance(seed, 40, 8, 30);
    const plan = planRoutes(instance, plane, { seed, maxIterations: 400 });
    const check = checkPlan(instance, plane, plan);
    expect(check.violations).toEqual([]);
    const ids = [...planned(plan), ...plan.unassigned.map((u) => u.stopId)].sort();
    expect(ids).toEqual(instance.stops.map((s) => s.id).sort());
    expect(check.onTime).toBe(check.served);
  });

  it('plans riders who come back to the shop for several trips, at the speed of each hour', () => {
    const random = seededRandom(11);
    const shop: GeoPoint = { lat: 52.09, lng: 5.12 };
    const instance: VrptwInstance<GeoPoint> = {
      name: 'city',
      depot: shop,
      stops: Array.from({ length: 30 }, (_, i) => {
        const ready = 9 * 60 + 30 * random.below(16);
        return {
          id: `o${i + 1}`,
          location: { lat: shop.lat + (random.next() - 0.5) * 0.06, lng: shop.lng + (random.next() - 0.5) * 0.1 },
          demand: 1 + random.below(3),
          window: { ready, due: ready + 60 + 60 * random.below(2) },
          serviceTime: 4,
        };
      }),
      vehicles: [
        { id: 'bike', capacity: 6, profile: 'bicycle', shift: { ready: 8 * 60, due: 20 * 60 }, maxTrips: 5 },
        { id: 'car', capacity: 10, profile: 'car', shift: { ready: 8 * 60, due: 20 * 60 }, maxTrips: 5 },
      ],
    };
    const streets = offlineTravelTimes();
    const plan = planRoutes(instance, streets, { seed: 3, maxIterations: 400 });
    expect(checkPlan(instance, streets, plan).violations).toEqual([]);
    for (const route of plan.routes) {
      const vehicle = instance.vehicles.find((v) => v.id === route.vehicleId)!;
      expect(route.trips.length).toBeLessThanOrEqual(vehicle.maxTrips);
      for (const trip of route.trips) expect(trip.load).toBeLessThanOrEqual(vehicle.capacity);
    }
    expect(plan.routes.some((r) => r.trips.length > 1)).toBe(true);
  });

  it('gives the same plan for the same seed and iterations', () => {
    const instance = randomInstance(9, 30, 6, 30);
    const first = planRoutes(instance, plane, { seed: 42, maxIterations: 300 });
    expect(planRoutes(instance, plane, { seed: 42, maxIterations: 300 })).toEqual(first);
  });

  it('stops at the time limit it is given, by the clock it is given', () => {
    let now = 0;
    const clock = () => (now += 1);
    const plan = planRoutes(randomInstance(4, 30, 6, 30), plane, { seed: 1, timeLimitMs: 500, clock });
    expect(plan.unassigned).toEqual([]);
    expect(now).toBeLessThan(600);
  });
});

describe('stops that cannot be planned', () => {
  const instance: VrptwInstance<PlanarPoint> = {
    name: 'awkward',
    depot: { x: 0, y: 0 },
    stops: [
      { id: 'fine', location: { x: 10, y: 0 }, demand: 3, window: { ready: 0, due: 100 }, serviceTime: 0 },
      { id: 'too-big', location: { x: 10, y: 0 }, demand: 9, window: { ready: 0, due: 100 }, serviceTime: 0 },
      { id: 'closes-too-soon', location: { x: 50, y: 0 }, demand: 1, window: { ready: 0, due: 40 }, serviceTime: 0 },
      { id: 'also-fine', location: { x: 0, y: 10 }, demand: 3, window: { ready: 0, due: 100 }, serviceTime: 0 },
      { id: 'one-too-many', location: { x: -10, y: 0 }, demand: 3, window: { ready: 0, due: 100 }, serviceTime: 0 },
    ],
    vehicles: [{ id: 'v1', capacity: 8, profile: 'unit', shift: { ready: 0, due: 200 }, maxTrips: 1 }],
  };

  it('are reported with the reason, not dropped', () => {
    const plan = planRoutes(instance, plane, { seed: 1, maxIterations: 200 });
    expect(checkPlan(instance, plane, plan).violations).toEqual([]);
    const reasons = Object.fromEntries(plan.unassigned.map((u) => [u.stopId, u.reason]));
    expect(reasons['too-big']).toBe('demand-exceeds-every-capacity');
    expect(reasons['closes-too-soon']).toBe('window-unreachable');
    // Two of the three loads of 3 fit the one vehicle of 8.
    expect(Object.values(reasons).filter((r) => r === 'no-vehicle-left')).toHaveLength(1);
    expect(planned(plan)).toHaveLength(2);
  });
});

describe('on small instances', () => {
  it.each([21, 22, 23, 24])('finds the optimum an exhaustive search finds: fewest vehicles, then distance (seed %i)', (seed) => {
    const instance = randomInstance(seed, 7, 4, 10);
    const best = exhaustiveOptimum(instance);
    const plan = planRoutes(instance, plane, { seed: 1, maxIterations: 1500 });
    expect(plan.unassigned).toEqual([]);
    expect(plan.routes).toHaveLength(best.routes);
    expect(plan.distance).toBeCloseTo(best.distance, 6);
  });
});

/** Every sequence of every subset of stops, then the best split of all stops into routes. */
function exhaustiveOptimum(instance: VrptwInstance<PlanarPoint>): { routes: number; distance: number } {
  const problem = toNodeProblem(instance, plane);
  const n = problem.size - 1;
  const { size, distance: d, ready, due, service, demand } = problem;
  const vehicle = problem.vehicles[0];
  const routeBest = new Float64Array(1 << n).fill(Infinity);
  const extend = (mask: number, last: number, time: number, length: number, load: number) => {
    const back = time + service[last] + d[last * size];
    if (mask && back <= vehicle.shiftEnd) routeBest[mask] = Math.min(routeBest[mask], length + d[last * size]);
    for (let c = 1; c <= n; c++) {
      if (mask & (1 << (c - 1)) || load + demand[c] > vehicle.capacity) continue;
      const start = Math.max(time + service[last] + d[last * size + c], ready[c]);
      if (start <= due[c]) extend(mask | (1 << (c - 1)), c, start, length + d[last * size + c], load + demand[c]);
    }
  };
  extend(0, 0, vehicle.shiftStart, 0, 0);

  const all = (1 << n) - 1;
  const best: Array<{ routes: number; distance: number }> = new Array(1 << n);
  best[0] = { routes: 0, distance: 0 };
  for (let mask = 1; mask <= all; mask++) {
    let found = { routes: Infinity, distance: Infinity };
    const lowest = mask & -mask;
    for (let part = mask; part > 0; part = (part - 1) & mask) {
      if (!(part & lowest) || routeBest[part] === Infinity) continue;
      const rest = best[mask ^ part];
      const candidate = { routes: rest.routes + 1, distance: rest.distance + routeBest[part] };
      if (candidate.routes < found.routes || (candidate.routes === found.routes && candidate.distance < found.distance)) found = candidate;
    }
    best[mask] = found;
  }
  if (best[all].routes > instance.vehicles.length) throw new Error('instance needs more vehicles than it has');
  return best[all];
}
