import { cloneRoute, emptyRoute, improveInsertion, type InsertionChoice, reasonUnservable, refreshRoute, type RouteState } from './feasibility';
import {
  type NodeProblem,
  type Plan,
  type PlanningOptions,
  type PlanRoutes,
  type Route,
  toNodeProblem,
  type Trip,
  type UnassignedStop,
  type VrptwInstance,
  type TravelTimes,
} from './vrptw';

/**
 * The route planner: greedy insertion to start, then ruin-and-recreate in the manner of SISR
 * (Christiaens & Vanden Berghe, "Slack Induction by String Removals for Vehicle Routing
 * Problems", Transportation Science 2020): remove a few strings of neighbouring stops, put them
 * back one by one at their cheapest feasible place, skipping places at random ("blinks").
 *
 * The objective is hierarchical: fewest stops left out, then fewest vehicles, then distance.
 * So the search first tries to empty one vehicle after another (a route is removed and its stops
 * must find room elsewhere), then spends the rest of the budget on distance under simulated
 * annealing, never opening a vehicle again.
 */
export const planRoutes: PlanRoutes = <L>(instance: VrptwInstance<L>, travel: TravelTimes<L>, options: PlanningOptions): Plan => {
  const startedAt = options.clock?.() ?? 0;
  const problem = toNodeProblem(instance, travel);
  const search = newSearch(problem, options, startedAt);
  const best = solve(search);
  return toPlan(instance, problem, best, search.unservable);
};

/** Tuning; the string and blink values are the paper's. */
const AVERAGE_REMOVED = 10;
const MAX_STRING_LENGTH = 10;
const SPLIT_STRING_RATE = 0.5;
const SPLIT_DEPTH = 0.01;
const BLINK_RATE = 0.01;
/** Share of the budget for removing vehicles; the rest improves distance. */
const VEHICLE_PHASE_SHARE = 0.65;
/** Annealing temperatures as multiples of the mean depot-to-stop distance. */
const START_TEMPERATURE = 0.5;
const END_TEMPERATURE = 0.01;
const DEFAULT_ITERATIONS = 20_000;

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
}

/** mulberry32: small, fast and good enough for a search; the same seed gives the same sequence. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n) => Math.floor(next() * n) };
}

/** A candidate plan; routes are indexed by vehicle and shared with the solution it was forked from until edited. */
interface Solution {
  routes: (RouteState | undefined)[];
  /** Per node: the vehicle serving it, or -1. */
  vehicleOf: Int32Array;
  /** Plannable stops that have no place yet. */
  absent: number[];
  distance: number;
  /** Routes already copied for this solution (copy on write). */
  owned: Uint8Array;
}

interface Search {
  problem: NodeProblem;
  random: Random;
  budget: Budget;
  /** Every other stop, nearest first. */
  neighbours: Int32Array[];
  plannable: number[];
  unservable: Map<number, UnassignedStop['reason']>;
  /** Vehicles by capacity, largest first: the order in which a new route is opened. */
  openingOrder: number[];
  /** Per vehicle: the first vehicle alike (capacity, profile, shift, trips), so alike vehicles are tried once. */
  kind: Int32Array;
  meanDepotDistance: number;
  /** A lower bound on the routes of any plan: total load over the largest capacity, when every vehicle makes one trip. */
  fewestRoutesPossible: number;
  /** Scratch for the cheapest insertion, reused so the inner loop allocates nothing. */
  choice: InsertionChoice;
  blink: () => boolean;
}

interface Budget {
  clock?: () => number;
  startedAt: number;
  timeLimitMs: number;
  maxIterations: number;
  iterations: number;
}

function progress(budget: Budget): number {
  const byIterations = budget.iterations / budget.maxIterations;
  if (!budget.clock || !Number.isFinite(budget.timeLimitMs)) return byIterations;
  return Math.max(byIterations, (budget.clock() - budget.startedAt) / budget.timeLimitMs);
}

function newSearch(problem: NodeProblem, options: PlanningOptions, startedAt: number): Search {
  const { size, distance } = problem;
  const unservable = new Map<number, UnassignedStop['reason']>();
  const plannable: number[] = [];
  for (let c = 1; c < size; c++) {
    const reason = reasonUnservable(problem, c);
    if (reason) unservable.set(c, reason);
    else plannable.push(c);
  }
  const neighbours: Int32Array[] = new Array(size);
  for (const c of plannable) {
    const others = plannable.filter((o) => o !== c).sort((a, b) => distance[c * size + a] - distance[c * size + b]);
    neighbours[c] = Int32Array.from(others);
  }
  const vehicles = problem.vehicles;
  const openingOrder = vehicles.map((_, v) => v).sort((a, b) => vehicles[b].capacity - vehicles[a].capacity || a - b);
  const kind = Int32Array.from(
    vehicles.map((v) =>
      vehicles.findIndex(
        (w) => w.capacity === v.capacity && w.profile === v.profile && w.shiftStart === v.shiftStart && w.shiftEnd === v.shiftEnd && w.maxTrips === v.maxTrips,
      ),
    ),
  );
  const meanDepotDistance = plannable.length ? plannable.reduce((sum, c) => sum + distance[c], 0) / plannable.length : 1;
  const hasLimit = options.timeLimitMs !== undefined && options.clock !== undefined;
  const budget: Budget = {
    clock: options.clock,
    startedAt,
    timeLimitMs: hasLimit ? (options.timeLimitMs as number) : Infinity,
    maxIterations: options.maxIterations ?? (hasLimit ? Infinity : DEFAULT_ITERATIONS),
    iterations: 0,
  };
  const random = seededRandom(options.seed);
  const load = plannable.reduce((sum, c) => sum + problem.demand[c], 0);
  const singleTrips = vehicles.every((v) => v.maxTrips === 1);
  const fewestRoutesPossible = singleTrips ? Math.max(1, Math.ceil(load / Math.max(...vehicles.map((v) => v.capacity)) - 1e-9)) : 1;
  return {
    fewestRoutesPossible,
    problem,
    random,
    budget,
    neighbours,
    plannable,
    unservable,
    openingOrder,
    kind,
    meanDepotDistance,
    choice: { delta: Infinity, vehicle: -1, after: -1, newTrip: false },
    blink: () => random.next() < BLINK_RATE,
  };
}

function solve(search: Search): Solution {
  const { problem } = search;
  const empty: Solution = {
    routes: new Array(problem.vehicles.length).fill(undefined),
    vehicleOf: new Int32Array(problem.size).fill(-1),
    absent: [],
    distance: 0,
    owned: new Uint8Array(problem.vehicles.length),
  };
  const start = fork(empty);
  recreate(search, start, search.plannable.slice(), problem.vehicles.length);
  if (search.plannable.length === 0) return start;
  const fewerVehicles = minimiseVehicles(search, start);
  return minimiseDistance(search, fewerVehicles);
}

/**
 * Takes the smallest route away and searches until its stops fit elsewhere, accepting a
 * candidate when fewer stops are left out, or when those left out have been out less often
 * (so stops that are hard to place get placed first); repeats while the phase's share lasts.
 */
function minimiseVehicles(search: Search, initial: Solution): Solution {
  const { budget, problem } = search;
  let best = initial;
  const outCount = new Float64Array(problem.size);
  const outScore = (s: Solution) => s.absent.reduce((sum, c) => sum + outCount[c], 0);
  while (progress(budget) < VEHICLE_PHASE_SHARE) {
    let current: Solution;
    if (best.absent.length > 0) {
      current = best;
    } else {
      if (routesUsed(best) <= search.fewestRoutesPossible) return best;
      current = fork(best);
      removeRoute(current, smallestRoute(search, current));
    }
    // Stops the fleet could not take at first may use any vehicle; otherwise one fewer than before.
    const target = best.absent.length > 0 ? problem.vehicles.length : routesUsed(current);
    outCount.fill(0);
    while (current.absent.length > 0 && progress(budget) < VEHICLE_PHASE_SHARE) {
      budget.iterations++;
      const candidate = ruinAndRecreate(search, current, target, true);
      if (candidate.absent.length < current.absent.length || outScore(candidate) <= outScore(current)) current = candidate;
      for (const c of current.absent) outCount[c]++;
      if (current.absent.length < best.absent.length) best = current;
    }
    if (current.absent.length === 0) best = current;
    else return best;
  }
  return best;
}

/** Simulated annealing on distance; no vehicle is added, so the count reached above holds. */
function minimiseDistance(search: Search, initial: Solution): Solution {
  const { budget, random } = search;
  const from = progress(budget);
  const hot = START_TEMPERATURE * search.meanDepotDistance;
  const cold = END_TEMPERATURE * search.meanDepotDistance;
  const maxRoutes = initial.absent.length > 0 ? search.problem.vehicles.length : routesUsed(initial);
  let current = initial;
  let best = initial;
  for (;;) {
    const done = progress(budget);
    if (done >= 1) return best;
    budget.iterations++;
    const phase = from < 1 ? Math.min(1, (done - from) / (1 - from)) : 1;
    const temperature = hot * Math.pow(cold / hot, phase);
    const candidate = ruinAndRecreate(search, current, maxRoutes, false);
    if (
      candidate.absent.length < current.absent.length ||
      (candidate.absent.length === current.absent.length && candidate.distance < current.distance - temperature * Math.log(random.next()))
    ) {
      current = candidate;
      if (isBetter(current, best)) best = current;
    }
  }
}

function isBetter(a: Solution, b: Solution): boolean {
  if (a.absent.length !== b.absent.length) return a.absent.length < b.absent.length;
  const ra = routesUsed(a);
  const rb = routesUsed(b);
  if (ra !== rb) return ra < rb;
  return a.distance < b.distance - 1e-9;
}

function routesUsed(s: Solution): number {
  let used = 0;
  for (const r of s.routes) if (r) used++;
  return used;
}

function fork(s: Solution): Solution {
  return { routes: s.routes.slice(), vehicleOf: s.vehicleOf.slice(), absent: s.absent.slice(), distance: s.distance, owned: new Uint8Array(s.routes.length) };
}

/** The route of vehicle `v`, copied first if it is still shared with the solution this one came from. */
function editable(s: Solution, v: number): RouteState {
  const route = s.routes[v] as RouteState;
  if (s.owned[v]) return route;
  const copy = cloneRoute(route);
  s.routes[v] = copy;
  s.owned[v] = 1;
  return copy;
}

function smallestRoute(search: Search, s: Solution): number {
  let chosen = -1;
  let fewest = Infinity;
  let ties = 0;
  s.routes.forEach((r, v) => {
    if (!r) return;
    if (r.customers < fewest) {
      fewest = r.customers;
      chosen = v;
      ties = 1;
    } else if (r.customers === fewest && search.random.below(++ties) === 0) {
      chosen = v;
    }
  });
  return chosen;
}

function removeRoute(s: Solution, v: number): void {
  const route = s.routes[v] as RouteState;
  for (const c of route.nodes) {
    if (c === 0) continue;
    s.vehicleOf[c] = -1;
    s.absent.push(c);
  }
  s.distance -= route.distance;
  s.routes[v] = undefined;
}

function ruinAndRecreate(search: Search, current: Solution, maxRoutes: number, aroundAbsent: boolean): Solution {
  const candidate = fork(current);
  const removed = ruin(search, candidate, aroundAbsent);
  const pending = candidate.absent.concat(removed);
  candidate.absent = [];
  recreate(search, candidate, pending, maxRoutes);
  return candidate;
}

/**
 * Removes a few strings (runs of consecutive stops) from routes near a random seed stop; the
 * gaps they leave are the slack the stops put back can use.
 */
function ruin(search: Search, s: Solution, aroundAbsent: boolean): number[] {
  const { random, plannable, neighbours } = search;
  let planned = 0;
  let used = 0;
  for (const r of s.routes) {
    if (!r) continue;
    planned += r.customers;
    used++;
  }
  if (used === 0) return [];
  const maxString = Math.min(MAX_STRING_LENGTH, planned / used);
  const maxStrings = (4 * AVERAGE_REMOVED) / (1 + maxString) - 1;
  const strings = Math.floor(random.next() * maxStrings) + 1;
  const seed = aroundAbsent && s.absent.length > 0 && random.next() < 0.5 ? s.absent[random.below(s.absent.length)] : plannable[random.below(plannable.length)];

  const removed: number[] = [];
  const ruined = new Set<number>();
  const visit = (c: number): boolean => {
    const v = s.vehicleOf[c];
    if (v < 0 || ruined.has(v)) return false;
    ruined.add(v);
    const route = editable(s, v);
    const length = Math.floor(random.next() * Math.min(route.customers, maxString)) + 1;
    removeString(search, s, route, c, length, removed);
    return ruined.size >= strings;
  };
  if (visit(seed)) return removed;
  for (const c of neighbours[seed]) if (visit(c)) break;
  return removed;
}

function removeString(search: Search, s: Solution, route: RouteState, c: number, length: number, removed: number[]): void {
  const { random } = search;
  const positions: number[] = [];
  for (let p = 1; p < route.nodes.length - 1; p++) if (route.nodes[p] !== 0) positions.push(p);
  const total = positions.length;
  const at = positions.indexOf(route.nodes.indexOf(c));
  const take = new Set<number>();
  if (length >= total || random.next() >= SPLIT_STRING_RATE) {
    const first = Math.max(0, at - length + 1) + random.below(Math.min(at, total - length) - Math.max(0, at - length + 1) + 1);
    for (let k = first; k < first + length; k++) take.add(positions[k]);
  } else {
    // Split string: a longer run with a block of `kept` stops left in place inside it.
    let kept = 1;
    while (length + kept < total && random.next() >= SPLIT_DEPTH) kept++;
    const span = length + kept;
    const lo = Math.max(0, at - span + 1);
    const first = lo + random.below(Math.min(at, total - span) - lo + 1);
    const keepFrom = first + random.below(length);
    for (let k = first; k < first + span; k++) if (k < keepFrom || k >= keepFrom + kept) take.add(positions[k]);
  }
  s.distance -= route.distance;
  const nodes: number[] = [];
  for (let p = 0; p < route.nodes.length; p++) {
    if (take.has(p)) {
      const node = route.nodes[p];
      s.vehicleOf[node] = -1;
      removed.push(node);
    } else {
      nodes.push(route.nodes[p]);
    }
  }
  route.nodes = nodes;
  refreshRoute(search.problem, route);
  if (route.customers === 0) s.routes[route.vehicle] = undefined;
  else s.distance += route.distance;
}

type Order = (a: number, b: number) => number;

/** Puts stops back one by one at their cheapest feasible place; what fits nowhere stays absent. */
function recreate(search: Search, s: Solution, pending: number[], maxRoutes: number): void {
  shuffle(search.random, pending);
  const order = pickOrder(search);
  if (order) pending.sort(order);
  let used = routesUsed(s);
  for (const c of pending) {
    if (!insertCheapest(search, s, c, used < maxRoutes)) s.absent.push(c);
    else if (s.routes[s.vehicleOf[c]]?.customers === 1) used++;
  }
}

/** The order stops are put back in: as they come, largest first, farthest first, nearest first, or tightest window first (weights 4:4:2:1:2). */
function pickOrder(search: Search): Order | undefined {
  const { problem, random } = search;
  const { demand, distance, ready, due } = problem;
  const pick = random.below(13);
  if (pick < 4) return undefined;
  if (pick < 8) return (a, b) => demand[b] - demand[a];
  if (pick < 10) return (a, b) => distance[b] - distance[a];
  if (pick < 11) return (a, b) => distance[a] - distance[b];
  return (a, b) => due[a] - ready[a] - (due[b] - ready[b]);
}

function insertCheapest(search: Search, s: Solution, c: number, mayOpenRoute: boolean): boolean {
  const { problem, choice, blink } = search;
  choice.delta = Infinity;
  choice.vehicle = -1;
  for (const route of s.routes) if (route) improveInsertion(problem, route, c, choice, blink);
  if (choice.vehicle < 0 && mayOpenRoute) {
    const tried = new Uint8Array(s.routes.length);
    for (const v of search.openingOrder) {
      if (s.routes[v] || tried[search.kind[v]]) continue;
      tried[search.kind[v]] = 1;
      improveInsertion(problem, emptyRoute(problem, v), c, choice, never);
    }
    if (choice.vehicle >= 0) {
      s.routes[choice.vehicle] = emptyRoute(problem, choice.vehicle);
      s.owned[choice.vehicle] = 1;
    }
  }
  if (choice.vehicle < 0) return false;
  const route = editable(s, choice.vehicle);
  s.distance -= route.distance;
  if (choice.newTrip) route.nodes.splice(choice.after + 1, 0, c, 0);
  else route.nodes.splice(choice.after + 1, 0, c);
  refreshRoute(problem, route);
  s.distance += route.distance;
  s.vehicleOf[c] = choice.vehicle;
  return true;
}

const never = () => false;

function shuffle(random: Random, items: number[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

/** The solution as riders read it: trips with times, the departure from the shop put off so no one waits at the first door. */
function toPlan<L>(instance: VrptwInstance<L>, problem: NodeProblem, s: Solution, unservable: Map<number, UnassignedStop['reason']>): Plan {
  const { size, service } = problem;
  const stopId = (node: number) => instance.stops[node - 1].id;
  const routes: Route[] = [];
  s.routes.forEach((route, v) => {
    if (!route) return;
    const travel = problem.durations[problem.vehicles[v].profile];
    const trips: Trip[] = [];
    const { nodes, start } = route;
    let p = 0;
    while (p < nodes.length - 1) {
      let q = p + 1;
      while (nodes[q] !== 0) q++;
      if (q > p + 1) {
        const first = nodes[p + 1];
        const leaveDepot = Math.max(start[p], start[p + 1] - travel[first]);
        const trip: Trip = { leaveDepot, backAtDepot: start[q], load: route.tripLoad[p], distance: 0, stops: [] };
        let previous = 0;
        for (let k = p + 1; k <= q; k++) {
          const node = nodes[k];
          trip.distance += problem.distance[previous * size + node];
          if (node !== 0) {
            const arrival = k === p + 1 ? leaveDepot + travel[node] : start[k - 1] + service[previous] + travel[previous * size + node];
            trip.stops.push({ stopId: stopId(node), arrival, start: start[k], departure: start[k] + service[node] });
          }
          previous = node;
        }
        trips.push(trip);
      }
      p = q;
    }
    routes.push({ vehicleId: instance.vehicles[v].id, trips, distance: route.distance });
  });
  const unassigned: UnassignedStop[] = [
    ...[...unservable].map(([node, reason]) => ({ stopId: stopId(node), reason })),
    ...s.absent.map((node) => ({ stopId: stopId(node), reason: 'no-vehicle-left' as const })),
  ];
  return { routes, unassigned, distance: routes.reduce((sum, r) => sum + r.distance, 0) };
}
