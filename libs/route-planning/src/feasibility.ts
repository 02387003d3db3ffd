import type { NodeProblem, Plan, TravelTimes, UnassignedReason, VrptwInstance } from './vrptw';

/** Slack for floating-point sums of travel times when judging a plan. */
const EPSILON = 1e-7;

/**
 * One vehicle's day as node indices: the depot (0) at both ends and once between trips, where
 * the rider comes back to load again. An unused vehicle is `[0, 0]`.
 */
export interface RouteState {
  vehicle: number;
  nodes: number[];
  /** Earliest start of service at each position (at the depot: leaving, or coming back). */
  start: number[];
  /** Latest start of service at each position that keeps the rest of the route feasible. */
  latest: number[];
  /** Load of the trip each position belongs to; a depot position counts for the trip it starts. */
  tripLoad: number[];
  distance: number;
  customers: number;
  trips: number;
}

export function emptyRoute(problem: NodeProblem, vehicle: number): RouteState {
  const route: RouteState = { vehicle, nodes: [0, 0], start: [], latest: [], tripLoad: [], distance: 0, customers: 0, trips: 0 };
  refreshRoute(problem, route);
  return route;
}

export function cloneRoute(route: RouteState): RouteState {
  return {
    vehicle: route.vehicle,
    nodes: route.nodes.slice(),
    start: route.start.slice(),
    latest: route.latest.slice(),
    tripLoad: route.tripLoad.slice(),
    distance: route.distance,
    customers: route.customers,
    trips: route.trips,
  };
}

/**
 * Recomputes times, slack, loads and distance after the node sequence changed, dropping trips
 * left empty: O(length).
 */
export function refreshRoute(problem: NodeProblem, route: RouteState): void {
  const { size, ready, due, service, demand, distance } = problem;
  const vehicle = problem.vehicles[route.vehicle];
  const travel = problem.durations[vehicle.profile];
  const nodes = dropEmptyTrips(route.nodes);
  route.nodes = nodes;
  const last = nodes.length - 1;
  const { start, latest, tripLoad } = route;
  if (start.length !== nodes.length) start.length = latest.length = tripLoad.length = nodes.length;

  start[0] = vehicle.shiftStart;
  let length = 0;
  let customers = 0;
  let trips = 0;
  for (let p = 1; p <= last; p++) {
    const u = nodes[p - 1];
    const v = nodes[p];
    const arrival = start[p - 1] + service[u] + travel[u * size + v];
    start[p] = Math.max(arrival, v === 0 ? vehicle.shiftStart : ready[v]);
    length += distance[u * size + v];
    if (v !== 0) customers++;
    else trips++;
  }

  latest[last] = vehicle.shiftEnd;
  for (let p = last - 1; p >= 0; p--) {
    const u = nodes[p];
    const v = nodes[p + 1];
    const closes = u === 0 ? vehicle.shiftEnd : due[u];
    latest[p] = Math.min(closes, latest[p + 1] - travel[u * size + v] - service[u]);
  }

  let p = 0;
  while (p < last) {
    let load = 0;
    let q = p + 1;
    for (; q < last && nodes[q] !== 0; q++) load += demand[nodes[q]];
    for (let k = p; k < q; k++) tripLoad[k] = load;
    p = q;
  }
  tripLoad[last] = 0;
  route.distance = length;
  route.customers = customers;
  route.trips = customers === 0 ? 0 : trips;
}

function dropEmptyTrips(nodes: number[]): number[] {
  let empty = false;
  for (let p = 1; p < nodes.length && !empty; p++) empty = nodes[p] === 0 && nodes[p - 1] === 0;
  if (!empty || nodes.length <= 2) return nodes;
  const kept = nodes.filter((v, p) => v !== 0 || p === 0 || nodes[p - 1] !== 0);
  return kept.length >= 2 ? kept : [0, 0];
}

/** Every window met, every trip within capacity, back by the end of the shift, no more trips than allowed. */
export function isRouteFeasible(problem: NodeProblem, route: RouteState): boolean {
  const vehicle = problem.vehicles[route.vehicle];
  if (route.trips > vehicle.maxTrips) return false;
  for (let p = 0; p < route.nodes.length; p++) {
    const v = route.nodes[p];
    const closes = v === 0 ? vehicle.shiftEnd : problem.due[v];
    if (route.start[p] > closes + EPSILON || route.tripLoad[p] > vehicle.capacity + EPSILON) return false;
  }
  return true;
}

const never = () => false;

/**
 * Extra distance of serving `customer` between positions `after` and `after + 1` (on the trip
 * under way there), or Infinity when that breaks a window, the trip's capacity or the shift.
 * O(1): the forward start times and the backward latest starts already say how much later the
 * rest of the route may begin.
 */
export function insertionDelta(problem: NodeProblem, route: RouteState, customer: number, after: number): number {
  const choice = { delta: Infinity, vehicle: -1, after: -1, newTrip: false };
  improveAt(problem, route, customer, after, choice, never);
  return choice.delta;
}

/**
 * Extra distance of serving `customer` on a trip of its own that leaves from the depot at
 * position `depotAt` (the rider comes back, then goes on as before), or Infinity.
 */
export function newTripDelta(problem: NodeProblem, route: RouteState, customer: number, depotAt: number): number {
  const choice = { delta: Infinity, vehicle: -1, after: -1, newTrip: false };
  improveNewTrip(problem, route, customer, depotAt, choice, never);
  return choice.delta;
}

/** The cheapest place found so far for a stop: a vehicle, the position it goes after, and whether it starts a trip of its own there. */
export interface InsertionChoice {
  delta: number;
  vehicle: number;
  after: number;
  newTrip: boolean;
}

/**
 * Improves `choice` with the cheapest feasible place for `customer` in this route; a place that
 * would improve it is skipped when `skip()` says so (the planner's random "blinks"). This is the
 * search's inner loop.
 */
export function improveInsertion(problem: NodeProblem, route: RouteState, customer: number, choice: InsertionChoice, skip: () => boolean): void {
  const vehicle = problem.vehicles[route.vehicle];
  const { nodes, latest, start, tripLoad } = route;
  const last = nodes.length - 1;
  if (problem.demand[customer] > vehicle.capacity) return;
  if (vehicle.maxTrips === 1 && tripLoad[0] + problem.demand[customer] > vehicle.capacity) return;
  const mayAddTrip = route.customers > 0 && route.trips < vehicle.maxTrips;
  const due = problem.due[customer];
  // Start times and latest starts both grow along a route: skip the places that are too early.
  const earliestFinish = problem.ready[customer] + problem.service[customer];
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (latest[mid + 1] < earliestFinish) lo = mid + 1;
    else hi = mid;
  }
  for (let p = lo; p < last && start[p] <= due; p++) {
    improveAt(problem, route, customer, p, choice, skip);
    if (mayAddTrip && nodes[p] === 0) improveNewTrip(problem, route, customer, p, choice, skip);
  }
  if (mayAddTrip && start[last] <= due) improveNewTrip(problem, route, customer, last, choice, skip);
}

function improveAt(problem: NodeProblem, route: RouteState, customer: number, p: number, choice: InsertionChoice, skip: () => boolean): void {
  const vehicle = problem.vehicles[route.vehicle];
  if (route.tripLoad[p] + problem.demand[customer] > vehicle.capacity) return;
  const { size, service } = problem;
  const travel = problem.durations[vehicle.profile];
  const u = route.nodes[p];
  const v = route.nodes[p + 1];
  const arrival = route.start[p] + service[u] + travel[u * size + customer];
  const begin = arrival > problem.ready[customer] ? arrival : problem.ready[customer];
  if (begin > problem.due[customer] || begin + service[customer] + travel[customer * size + v] > route.latest[p + 1]) return;
  const d = problem.distance;
  const delta = d[u * size + customer] + d[customer * size + v] - d[u * size + v];
  if (delta < choice.delta && !skip()) {
    choice.delta = delta;
    choice.vehicle = route.vehicle;
    choice.after = p;
    choice.newTrip = false;
  }
}

function improveNewTrip(problem: NodeProblem, route: RouteState, customer: number, p: number, choice: InsertionChoice, skip: () => boolean): void {
  const { size, service } = problem;
  const last = route.nodes.length - 1;
  const travel = problem.durations[problem.vehicles[route.vehicle].profile];
  const arrival = route.start[p] + travel[customer];
  const begin = arrival > problem.ready[customer] ? arrival : problem.ready[customer];
  if (begin > problem.due[customer]) return;
  const back = begin + service[customer] + travel[customer * size];
  // Back at the depot, then on to the next trip's first stop as before (or the end of the shift).
  const onward = p < last ? back + travel[route.nodes[p + 1]] : back;
  if (onward > route.latest[p < last ? p + 1 : last]) return;
  const delta = problem.distance[customer] + problem.distance[customer * size];
  if (delta < choice.delta && !skip()) {
    choice.delta = delta;
    choice.vehicle = route.vehicle;
    choice.after = p;
    choice.newTrip = true;
  }
}

/** Why a stop cannot be planned even alone, or undefined when some vehicle can serve it on a trip of its own. */
export function reasonUnservable(problem: NodeProblem, customer: number): UnassignedReason | undefined {
  const { size, demand, ready, due, service } = problem;
  const carriers = problem.vehicles.filter((v) => v.capacity >= demand[customer]);
  if (carriers.length === 0) return 'demand-exceeds-every-capacity';
  const reachable = carriers.some((v) => {
    const travel = problem.durations[v.profile];
    const begin = Math.max(v.shiftStart + travel[customer], ready[customer]);
    return begin <= due[customer] && begin + service[customer] + travel[customer * size] <= v.shiftEnd;
  });
  return reachable ? undefined : 'window-unreachable';
}

export interface PlanCheck {
  distance: number;
  stops: number;
  served: number;
  /** Served with service starting inside the window. */
  onTime: number;
  routesUsed: number;
  /** Everything wrong, one line each: late service, overload, a stop lost or served twice, a shift overrun. */
  violations: string[];
}

/**
 * Re-drives a plan against the instance, independently of any planner: travel times are asked
 * of the port at each leg's actual departure, and every stop must be in exactly one place.
 */
export function checkPlan<L>(instance: VrptwInstance<L>, travel: TravelTimes<L>, plan: Plan): PlanCheck {
  const violations: string[] = [];
  const stopsById = new Map(instance.stops.map((s) => [s.id, s]));
  const vehiclesById = new Map(instance.vehicles.map((v) => [v.id, v]));
  const seen = new Map<string, number>();
  const note = (id: string) => seen.set(id, (seen.get(id) ?? 0) + 1);
  let distance = 0;
  let served = 0;
  let onTime = 0;
  const usedVehicles = new Set<string>();

  for (const route of plan.routes) {
    const vehicle = vehiclesById.get(route.vehicleId);
    if (!vehicle) {
      violations.push(`route on unknown vehicle ${route.vehicleId}`);
      continue;
    }
    if (usedVehicles.has(vehicle.id)) violations.push(`vehicle ${vehicle.id} has two routes`);
    usedVehicles.add(vehicle.id);
    if (route.trips.length > vehicle.maxTrips) violations.push(`vehicle ${vehicle.id} makes ${route.trips.length} trips, at most ${vehicle.maxTrips}`);
    let free = vehicle.shift.ready;
    for (const trip of route.trips) {
      if (trip.leaveDepot < free - EPSILON) violations.push(`vehicle ${vehicle.id} leaves the depot at ${trip.leaveDepot}, before ${free}`);
      let time = trip.leaveDepot;
      let at = instance.depot;
      let load = 0;
      for (const planned of trip.stops) {
        note(planned.stopId);
        const stop = stopsById.get(planned.stopId);
        if (!stop) {
          violations.push(`unknown stop ${planned.stopId}`);
          continue;
        }
        distance += travel.distance(at, stop.location);
        const arrival = time + travel.duration(at, stop.location, vehicle.profile, { earliest: time, latest: time });
        const start = Math.max(arrival, stop.window.ready);
        served++;
        if (start <= stop.window.due + EPSILON) onTime++;
        else violations.push(`stop ${stop.id} served at ${start.toFixed(2)}, after its window closed at ${stop.window.due}`);
        load += stop.demand;
        time = start + stop.serviceTime;
        at = stop.location;
      }
      distance += travel.distance(at, instance.depot);
      time += travel.duration(at, instance.depot, vehicle.profile, { earliest: time, latest: time });
      if (load > vehicle.capacity + EPSILON) violations.push(`vehicle ${vehicle.id} carries ${load} on one trip, capacity ${vehicle.capacity}`);
      free = time;
    }
    if (free > vehicle.shift.due + EPSILON)
      violations.push(`vehicle ${vehicle.id} is back at ${free.toFixed(2)}, after its shift ends at ${vehicle.shift.due}`);
  }
  for (const u of plan.unassigned) note(u.stopId);
  for (const stop of instance.stops) {
    const times = seen.get(stop.id) ?? 0;
    if (times === 0) violations.push(`stop ${stop.id} is neither planned nor reported unassigned`);
    if (times > 1) violations.push(`stop ${stop.id} appears ${times} times`);
  }
  const routesUsed = plan.routes.filter((r) => r.trips.some((t) => t.stops.length > 0)).length;
  return { distance, stops: instance.stops.length, served, onTime, routesUsed, violations };
}
