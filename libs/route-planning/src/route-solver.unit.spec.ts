import { checkPlan } from './feasibility';
import { planRoutes, seededRandom } from './planner';
import { inProcessSolver, type RouteSolver, sisrSolver, withFallback } from './route-solver';
import { euclideanTravelTimes, type PlanarPoint } from './travel-times';
import type { VrptwInstance } from './vrptw';

const plane = euclideanTravelTimes();

function instance(seed: number): VrptwInstance<PlanarPoint> {
  const random = seededRandom(seed);
  return {
    name: `small-${seed}`,
    depot: { x: 50, y: 50 },
    stops: Array.from({ length: 12 }, (_, i) => {
      const ready = random.below(200);
      return {
        id: `s${i + 1}`,
        location: { x: random.below(101), y: random.below(101) },
        demand: 1 + random.below(3),
        window: { ready, due: ready + 80 },
        serviceTime: 5,
      };
    }),
    vehicles: Array.from({ length: 4 }, (_, i) => ({ id: `v${i + 1}`, capacity: 12, profile: 'unit', shift: { ready: 0, due: 500 }, maxTrips: 1 })),
  };
}

const failing = (reason: string): RouteSolver => ({
  name: 'sidecar',
  solve: async () => {
    throw new Error(reason);
  },
});

const options = { seed: 1, maxIterations: 200 };

describe('an in-process planner behind the port', () => {
  it('gives the plan the planner gives, and names itself', async () => {
    const result = await inProcessSolver('ours', planRoutes).solve(instance(1), plane, options);
    expect(result).toEqual({ plan: planRoutes(instance(1), plane, options), solvedBy: 'ours' });
  });
});

describe('a solver with a fallback', () => {
  it('plans with the primary while it answers', async () => {
    const primary = inProcessSolver('primary', planRoutes);
    const result = await withFallback(primary, sisrSolver).solve(instance(2), plane, options);
    expect(result.solvedBy).toBe('primary');
    expect(result.fallback).toBeUndefined();
  });

  it('plans in process when the primary fails, and says which planned and why', async () => {
    const reasons: string[] = [];
    const solver = withFallback(failing('jsprit sidecar at http://127.0.0.1:1/solve is unreachable: ECONNREFUSED'), sisrSolver, (r) => reasons.push(r));
    const result = await solver.solve(instance(3), plane, options);
    expect(result.solvedBy).toBe('sisr');
    expect(result.fallback).toEqual({ from: 'sidecar', reason: 'jsprit sidecar at http://127.0.0.1:1/solve is unreachable: ECONNREFUSED' });
    expect(reasons).toEqual([result.fallback?.reason]);
    expect(checkPlan(instance(3), plane, result.plan).violations).toEqual([]);
    expect(result.plan.unassigned).toEqual([]);
  });
});
