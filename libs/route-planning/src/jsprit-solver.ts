import { checkPlan, reasonUnservable } from './feasibility';
import type { RouteSolver } from './route-solver';
import {
  type NodeProblem,
  type Plan,
  type PlanningOptions,
  type Route,
  type TimeWindow,
  toNodeProblem,
  type TravelTimes,
  type Trip,
  type UnassignedStop,
  type VrptwInstance,
} from './vrptw';

/**
 * The request body of the route-solver sidecar (tools/route-solver, jsprit): node 0 is the
 * depot, node i the stop `stops[i - 1]`, exactly as `toNodeProblem` numbers them, so jsprit
 * plans on the very matrices our planner uses.
 */
export interface JspritSolveRequest {
  depot: number;
  /** Row-major, `distance[from][to]`. */
  distance: number[][];
  /** One travel-time matrix per vehicle profile. */
  durations: Record<string, number[][]>;
  vehicles: Array<{ id: string; capacity: number; profile: string; shift: TimeWindow; maxTrips: number }>;
  stops: Array<{ id: string; location: number; demand: number; window: TimeWindow; serviceTime: number }>;
  /** Whole milliseconds, counted by the sidecar from the moment the request arrives. */
  timeLimitMs?: number;
  maxIterations?: number;
  seed?: number;
}

/** The sidecar's answer: stop sequences only; the times are ours to work out and check. */
export interface JspritSolveAnswer {
  routes: Array<{ vehicleId: string; trips: string[][] }>;
  unassigned: string[];
  stats: { model: string; iterations: number; solveMs: number; cost: number };
}

export interface JspritSolverOptions {
  /** Where the sidecar listens, e.g. `http://127.0.0.1:43123`. */
  url: string;
  /** How much longer than the planning time limit the sidecar may take (JSON both ways, the JVM). Default 2000 ms. */
  graceMs?: number;
  /** The request timeout when the options give no time limit. Default 30 000 ms. */
  timeoutMs?: number;
}

const DEFAULT_GRACE_MS = 2000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * jsprit in the sidecar, behind the port. Its plan is trusted only after `checkPlan` re-drives
 * it and finds nothing wrong: a window missed, a trip overloaded, a stop lost or served twice
 * makes `solve` throw, as does a sidecar that is down, too slow or makes no sense.
 */
export function jspritSolver(options: JspritSolverOptions): RouteSolver {
  return {
    name: 'jsprit',
    async solve(instance, travel, planning) {
      const { plan } = await solveWithJsprit(options, instance, travel, planning);
      const check = checkPlan(instance, travel, plan);
      if (check.violations.length > 0) {
        const more = check.violations.length > 3 ? ` (and ${check.violations.length - 3} more)` : '';
        throw new Error(`jsprit's plan fails the check: ${check.violations.slice(0, 3).join('; ')}${more}`);
      }
      return { plan, solvedBy: 'jsprit' };
    },
  };
}

/** The sidecar's plan as it is, unchecked: for the benchmark, which counts what is wrong with it. */
export async function solveWithJsprit<L>(
  options: JspritSolverOptions,
  instance: VrptwInstance<L>,
  travel: TravelTimes<L>,
  planning: PlanningOptions,
): Promise<{ plan: Plan; answer: JspritSolveAnswer }> {
  const startedAt = planning.clock?.();
  const problem = toNodeProblem(instance, travel);
  // The matrices were built on the budget, as in our planner; the sidecar gets what is left.
  const spent = startedAt !== undefined && planning.clock ? planning.clock() - startedAt : 0;
  const timeLimitMs = planning.timeLimitMs !== undefined ? Math.max(1, Math.floor(planning.timeLimitMs - spent)) : undefined;
  const request = toSolveRequest(instance, problem, { ...planning, timeLimitMs });
  const timeoutMs = timeLimitMs !== undefined ? timeLimitMs + (options.graceMs ?? DEFAULT_GRACE_MS) : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const answer = parseSolveAnswer(await post(`${options.url.replace(/\/$/, '')}/solve`, request, timeoutMs));
  return { plan: planFromAnswer(instance, problem, answer), answer };
}

export function toSolveRequest<L>(instance: VrptwInstance<L>, problem: NodeProblem, planning: PlanningOptions): JspritSolveRequest {
  const { size } = problem;
  const rows = (matrix: Float64Array) => Array.from({ length: size }, (_, i) => Array.from(matrix.subarray(i * size, (i + 1) * size)));
  return {
    depot: 0,
    distance: rows(problem.distance),
    durations: Object.fromEntries(problem.profiles.map((profile, p) => [profile, rows(problem.durations[p])])),
    vehicles: instance.vehicles.map((v, i) => ({ id: v.id, capacity: v.capacity, profile: v.profile, shift: v.shift, maxTrips: problem.vehicles[i].maxTrips })),
    stops: instance.stops.map((s, i) => ({ id: s.id, location: i + 1, demand: s.demand, window: s.window, serviceTime: s.serviceTime })),
    timeLimitMs: planning.timeLimitMs,
    maxIterations: planning.maxIterations,
    seed: Math.trunc(planning.seed),
  };
}

async function post(url: string, body: JspritSolveRequest, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const error = err as Error & { cause?: { code?: string; message?: string } };
    if (error.name === 'TimeoutError') throw new Error(`jsprit sidecar at ${url} did not answer within ${timeoutMs} ms`);
    const detail = error.cause?.message ?? error.message;
    const code = error.cause?.code && !detail.includes(error.cause.code) ? ` (${error.cause.code})` : '';
    throw new Error(`jsprit sidecar at ${url} is unreachable: ${detail}${code}`);
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`jsprit sidecar answered ${response.status}: ${text.slice(0, 300)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`jsprit sidecar answered something that is not JSON: ${text.slice(0, 100)}`);
  }
}

/** Checks the answer's shape; anything else is garbage, and garbage is an error, not a plan. */
export function parseSolveAnswer(body: unknown): JspritSolveAnswer {
  const fail = (what: string): never => {
    throw new Error(`jsprit sidecar answered garbage: ${what}`);
  };
  const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (!isRecord(body)) return fail('not an object');
  if (!Array.isArray(body.routes)) return fail('no routes list');
  if (!isStrings(body.unassigned)) return fail('no unassigned list of stop ids');
  const routes = body.routes.map((r: unknown, i) => {
    if (!isRecord(r) || typeof r.vehicleId !== 'string') return fail(`route ${i} has no vehicleId`);
    if (!Array.isArray(r.trips) || !r.trips.every(isStrings)) return fail(`route ${i} has no trips of stop ids`);
    return { vehicleId: r.vehicleId, trips: r.trips as string[][] };
  });
  const stats = isRecord(body.stats) ? body.stats : {};
  const number = (x: unknown) => (typeof x === 'number' ? x : NaN);
  return {
    routes,
    unassigned: body.unassigned,
    stats: { model: String(stats.model ?? ''), iterations: number(stats.iterations), solveMs: number(stats.solveMs), cost: number(stats.cost) },
  };
}

/**
 * Times the sidecar's sequences on our matrices: each trip leaves when the vehicle is back
 * and as late as still reaches its first door as it opens, as our planner's trips do.
 */
export function planFromAnswer<L>(instance: VrptwInstance<L>, problem: NodeProblem, answer: JspritSolveAnswer): Plan {
  const { size, ready, service, demand, distance } = problem;
  const nodeOf = new Map(instance.stops.map((s, i) => [s.id, i + 1]));
  const vehicleOf = new Map(instance.vehicles.map((v, i) => [v.id, i]));
  const fail = (what: string): never => {
    throw new Error(`jsprit sidecar answered garbage: ${what}`);
  };
  const node = (id: string) => nodeOf.get(id) ?? fail(`a stop ${id} that is not in the instance`);

  const routes: Route[] = answer.routes.map((r) => {
    const v = vehicleOf.get(r.vehicleId) ?? fail(`a vehicle ${r.vehicleId} that is not in the instance`);
    const vehicle = problem.vehicles[v];
    const travel = problem.durations[vehicle.profile];
    let free = vehicle.shiftStart;
    const trips: Trip[] = r.trips
      .filter((t) => t.length > 0)
      .map((ids) => {
        const nodes = ids.map(node);
        let time = free;
        let previous = 0;
        let length = 0;
        const starts = nodes.map((n) => {
          const arrival = time + service[previous] + travel[previous * size + n];
          const start = Math.max(arrival, ready[n]);
          length += distance[previous * size + n];
          time = start;
          previous = n;
          return { arrival, start };
        });
        const backAtDepot = time + service[previous] + travel[previous * size];
        length += distance[previous * size];
        const leaveDepot = Math.max(free, starts[0].start - travel[nodes[0]]);
        starts[0].arrival = leaveDepot + travel[nodes[0]];
        free = backAtDepot;
        return {
          leaveDepot,
          backAtDepot,
          load: nodes.reduce((sum, n) => sum + demand[n], 0),
          distance: length,
          stops: nodes.map((n, k) => ({ stopId: ids[k], arrival: starts[k].arrival, start: starts[k].start, departure: starts[k].start + service[n] })),
        };
      });
    return { vehicleId: r.vehicleId, trips, distance: trips.reduce((sum, t) => sum + t.distance, 0) };
  });
  const unassigned: UnassignedStop[] = answer.unassigned.map((stopId) => ({ stopId, reason: reasonUnservable(problem, node(stopId)) ?? 'no-vehicle-left' }));
  const used = routes.filter((r) => r.trips.length > 0);
  return { routes: used, unassigned, distance: used.reduce((sum, r) => sum + r.distance, 0) };
}
