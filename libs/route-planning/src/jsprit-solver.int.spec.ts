import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type RouteSolverProcess, startRouteSolver } from '@petalpost/testing';
import { checkPlan } from './feasibility';
import { jspritSolver } from './jsprit-solver';
import { seededRandom } from './planner';
import { sisrSolver, withFallback } from './route-solver';
import { parseSolomon, solomonToVrptw } from './solomon';
import { euclideanTravelTimes, type GeoPoint, offlineTravelTimes, type PlanarPoint } from './travel-times';
import type { VrptwInstance } from './vrptw';

const repoRoot = join(__dirname, '..', '..', '..');
const plane = euclideanTravelTimes();
const streets = offlineTravelTimes();
const budget = (timeLimitMs: number) => ({ seed: 1, timeLimitMs, clock: () => performance.now() });
/**
 * A budget of iterations rather than time: with its seed and one thread jsprit then finds the same
 * plan on a busy machine as on a quiet one, so what a test asserts of the plan cannot depend on
 * how much CPU the other tests left it.
 */
const iterations = (maxIterations: number) => ({ seed: 1, maxIterations, clock: () => performance.now() });

/** Stops over a 100 × 100 square around a central depot, one trip per vehicle. */
function squareDay(seed: number, stops: number): VrptwInstance<PlanarPoint> {
  const random = seededRandom(seed);
  return {
    name: `square-${seed}`,
    depot: { x: 50, y: 50 },
    stops: Array.from({ length: stops }, (_, i) => {
      const ready = random.below(300);
      return {
        id: `s${i + 1}`,
        location: { x: random.below(101), y: random.below(101) },
        demand: 1 + random.below(5),
        window: { ready, due: ready + 30 + random.below(60) },
        serviceTime: 5,
      };
    }),
    vehicles: Array.from({ length: 10 }, (_, i) => ({ id: `v${i + 1}`, capacity: 30, profile: 'unit', shift: { ready: 0, due: 450 }, maxTrips: 1 })),
  };
}

/** A shop's morning: riders on bicycles and in a car, coming back to load again, slower in the rush hour. */
function shopMorning(seed: number, stops: number): VrptwInstance<GeoPoint> {
  const random = seededRandom(seed);
  const shop: GeoPoint = { lat: 52.09, lng: 5.12 };
  return {
    name: `shop-${seed}`,
    depot: shop,
    stops: Array.from({ length: stops }, (_, i) => {
      const ready = 8 * 60 + 30 * random.below(8);
      return {
        id: `o${i + 1}`,
        location: { lat: shop.lat + (random.next() - 0.5) * 0.05, lng: shop.lng + (random.next() - 0.5) * 0.08 },
        demand: 1 + random.below(3),
        window: { ready, due: ready + 90 },
        serviceTime: 4,
      };
    }),
    vehicles: [
      { id: 'bike', capacity: 6, profile: 'bicycle', shift: { ready: 7 * 60 + 30, due: 14 * 60 }, maxTrips: 6 },
      { id: 'car', capacity: 12, profile: 'car', shift: { ready: 7 * 60 + 30, due: 14 * 60 }, maxTrips: 6 },
    ],
  };
}

const solomon = (name: string) => solomonToVrptw(parseSolomon(readFileSync(join(__dirname, 'solomon', `${name}.txt`), 'utf8')));

/** A stand-in sidecar on 127.0.0.1 that answers every request with `body`. */
async function fakeSidecar(status: number, body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('jsprit in its sidecar', () => {
  let sidecar: RouteSolverProcess;

  // The first run builds the sidecar with Maven (about 10 s with a warm ~/.m2, longer from an empty one).
  beforeAll(async () => {
    sidecar = await startRouteSolver({ cacheDir: join(repoRoot, '.cache'), log: (m) => process.stderr.write(`[route-solver] ${m}\n`) });
  }, 300_000);

  afterAll(async () => {
    await sidecar?.stop();
  });

  it('plans a generated day that passes the check, every stop in its window', async () => {
    const instance = squareDay(3, 40);
    const result = await jspritSolver({ url: sidecar.url }).solve(instance, plane, iterations(500));
    const check = checkPlan(instance, plane, result.plan);
    expect(result.solvedBy).toBe('jsprit');
    expect(check.violations).toEqual([]);
    expect(check.onTime).toBe(check.served);
    expect(result.plan.unassigned).toEqual([]);
  });

  it('plans riders who come back to the shop for more, at the speed of each hour', async () => {
    const instance = shopMorning(5, 16);
    const result = await jspritSolver({ url: sidecar.url }).solve(instance, streets, iterations(500));
    expect(checkPlan(instance, streets, result.plan).violations).toEqual([]);
    expect(result.plan.unassigned).toEqual([]);
    expect(result.plan.routes.some((r) => r.trips.length > 1)).toBe(true);
  });

  it("plans Solomon's C101 near its best-known solution", async () => {
    const instance = solomon('C101');
    const result = await jspritSolver({ url: sidecar.url }).solve(instance, plane, iterations(1000));
    const check = checkPlan(instance, plane, result.plan);
    expect(check.violations).toEqual([]);
    expect(check.served).toBe(100);
    // Best known: 10 vehicles, 828.94.
    expect(check.routesUsed).toBeGreaterThanOrEqual(10);
    expect(check.distance).toBeLessThan(828.94 * 1.1);
  });

  it('refuses a problem it cannot solve as asked, and the planner in process plans it instead', async () => {
    const instance = squareDay(4, 10);
    instance.stops[0].demand = 1.5;
    const result = await withFallback(jspritSolver({ url: sidecar.url }), sisrSolver).solve(instance, plane, budget(300));
    expect(result.solvedBy).toBe('sisr');
    expect(result.fallback?.reason).toMatch(/jsprit sidecar answered 400: .*1\.5/);
    expect(checkPlan(instance, plane, result.plan).violations).toEqual([]);
  });

  it.each([
    ['an answer that is not JSON', 200, 'Internal error', /not JSON/],
    ['an answer of the wrong shape', 200, '{"routes":"all of them"}', /answered garbage: no routes list/],
    [
      'a plan that loses a stop',
      200,
      '{"routes":[{"vehicleId":"v1","trips":[["s1","s2","s3","s4","s5","s6","s7","s8","s9"]]}],"unassigned":[]}',
      /fails the check: .*/,
    ],
    ['an error', 503, '{"error":"busy"}', /answered 503/],
  ])('falls back to the planner in process on %s', async (_, status, body, reason) => {
    const fake = await fakeSidecar(status, body);
    try {
      const instance = squareDay(6, 10);
      const result = await withFallback(jspritSolver({ url: fake.url }), sisrSolver).solve(instance, plane, budget(300));
      expect(result.solvedBy).toBe('sisr');
      expect(result.fallback?.from).toBe('jsprit');
      expect(result.fallback?.reason).toMatch(reason);
      expect(checkPlan(instance, plane, result.plan).violations).toEqual([]);
    } finally {
      await fake.close();
    }
  });

  it('falls back to the planner in process when the sidecar is gone, and says so', async () => {
    const solver = withFallback(jspritSolver({ url: sidecar.url }), sisrSolver);
    const instance = squareDay(7, 30);
    expect((await solver.solve(instance, plane, iterations(200))).solvedBy).toBe('jsprit');

    process.kill(sidecar.pid, 'SIGKILL');
    await expect(waitUntilDown(sidecar.url)).resolves.toBe(true);

    const result = await solver.solve(instance, plane, budget(500));
    expect(result.solvedBy).toBe('sisr');
    expect(result.fallback).toEqual({ from: 'jsprit', reason: expect.stringMatching(/^jsprit sidecar at http:\/\/127\.0\.0\.1:\d+\/solve is unreachable/) });
    expect(checkPlan(instance, plane, result.plan).violations).toEqual([]);
  });
});

async function waitUntilDown(url: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
