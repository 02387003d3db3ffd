import { checkPlan } from './feasibility';
import { type JspritSolveAnswer, parseSolveAnswer, planFromAnswer, toSolveRequest } from './jsprit-solver';
import { line } from './line-instance.fixture';
import { euclideanTravelTimes } from './travel-times';
import { toNodeProblem } from './vrptw';

const travel = euclideanTravelTimes();

const answer = (routes: JspritSolveAnswer['routes'], unassigned: string[] = []): JspritSolveAnswer => ({
  routes,
  unassigned,
  stats: { model: 'services', iterations: 1, solveMs: 1, cost: 0 },
});

describe('the request to the sidecar', () => {
  it('numbers the depot 0 and the stops from 1, with the matrices our planner uses', () => {
    const instance = line([{ x: 10, demand: 2, window: { ready: 5, due: 50 }, serviceTime: 3 }, { x: 30 }], { maxTrips: 2 });
    const request = toSolveRequest(instance, toNodeProblem(instance, travel), { seed: 7.9, timeLimitMs: 900 });
    expect(request.depot).toBe(0);
    expect(request.distance).toEqual([
      [0, 10, 30],
      [10, 0, 20],
      [30, 20, 0],
    ]);
    expect(request.durations).toEqual({ unit: request.distance });
    expect(request.stops[0]).toEqual({ id: 's1', location: 1, demand: 2, window: { ready: 5, due: 50 }, serviceTime: 3 });
    expect(request.vehicles).toEqual([{ id: 'v1', capacity: 10, profile: 'unit', shift: { ready: 0, due: 1000 }, maxTrips: 2 }]);
    expect(request).toMatchObject({ timeLimitMs: 900, seed: 7 });
  });
});

describe("the sidecar's answer", () => {
  it('is timed on our matrices, each trip leaving as late as still meets its first window', () => {
    const instance = line([{ x: 10, window: { ready: 50, due: 60 }, serviceTime: 5 }, { x: 20 }, { x: 30, window: { ready: 200, due: 300 } }], { maxTrips: 2 });
    const plan = planFromAnswer(instance, toNodeProblem(instance, travel), answer([{ vehicleId: 'v1', trips: [['s1', 's2'], ['s3']] }]));
    const [first, second] = plan.routes[0].trips;
    expect(first).toMatchObject({ leaveDepot: 40, backAtDepot: 85, load: 2, distance: 40 });
    expect(first.stops).toEqual([
      { stopId: 's1', arrival: 50, start: 50, departure: 55 },
      { stopId: 's2', arrival: 65, start: 65, departure: 65 },
    ]);
    expect(second).toMatchObject({ leaveDepot: 170, backAtDepot: 230, distance: 60 });
    expect(plan.distance).toBe(100);
    expect(checkPlan(instance, travel, plan).violations).toEqual([]);
  });

  it('keeps what the sidecar left out, with the reason we find for it', () => {
    const instance = line([{ x: 10 }, { x: 20, demand: 11 }]);
    const plan = planFromAnswer(instance, toNodeProblem(instance, travel), answer([{ vehicleId: 'v1', trips: [['s1']] }], ['s2']));
    expect(plan.unassigned).toEqual([{ stopId: 's2', reason: 'demand-exceeds-every-capacity' }]);
  });

  it('shows the check a missed window, an overload, a lost stop and a stop served twice', () => {
    const instance = line([{ x: 10, window: { ready: 0, due: 5 } }, { x: 20, demand: 9 }, { x: 30, demand: 2 }, { x: 40 }]);
    const plan = planFromAnswer(instance, toNodeProblem(instance, travel), answer([{ vehicleId: 'v1', trips: [['s1', 's2', 's3', 's3']] }]));
    const violations = checkPlan(instance, travel, plan).violations.join('\n');
    expect(violations).toMatch(/stop s1 served at 10\.00, after its window closed at 5/);
    expect(violations).toMatch(/carries 14 on one trip, capacity 10/);
    expect(violations).toMatch(/stop s4 is neither planned nor reported unassigned/);
    expect(violations).toMatch(/stop s3 appears 2 times/);
  });

  it('is garbage when it names a stop or a vehicle the instance does not have', () => {
    const instance = line([{ x: 10 }]);
    const problem = toNodeProblem(instance, travel);
    expect(() => planFromAnswer(instance, problem, answer([{ vehicleId: 'v1', trips: [['s9']] }]))).toThrow(
      'answered garbage: a stop s9 that is not in the instance',
    );
    expect(() => planFromAnswer(instance, problem, answer([{ vehicleId: 'v9', trips: [['s1']] }]))).toThrow(
      'answered garbage: a vehicle v9 that is not in the instance',
    );
  });

  it.each([
    ['not an object', []],
    ['no routes list', { unassigned: [] }],
    ['no unassigned list of stop ids', { routes: [], unassigned: [1] }],
    ['route 0 has no vehicleId', { routes: [{ trips: [] }], unassigned: [] }],
    ['route 0 has no trips of stop ids', { routes: [{ vehicleId: 'v1', trips: [[1, 2]] }], unassigned: [] }],
  ])('is garbage when it has %s', (what, body) => {
    expect(() => parseSolveAnswer(body)).toThrow(`jsprit sidecar answered garbage: ${what}`);
  });
});
