/**
 * The route-planning problem (a vehicle routing problem with time windows, capacities, service
 * times and the shop as depot) and the plan that answers it. Pure data: no clock, no I/O.
 *
 * One time unit per instance: minutes since midnight of the plan's day for a shop, Solomon's
 * units for the Solomon benchmark. Distances are in the unit of the TravelTimes port (metres
 * for the offline city default).
 */

/** `[ready, due]`: service may not start after `due`; a vehicle that comes early waits until `ready`. */
export interface TimeWindow {
  ready: number;
  due: number;
}

export interface Stop<L> {
  id: string;
  location: L;
  /** Load the stop takes off the vehicle (bouquets count by size). */
  demand: number;
  window: TimeWindow;
  serviceTime: number;
}

export interface Vehicle {
  id: string;
  capacity: number;
  /** The speed profile the TravelTimes port knows this vehicle by (bicycle, car, …). */
  profile: string;
  /** Leaves the depot at or after `ready`, is back by `due`. */
  shift: TimeWindow;
  /** Trips per shift: a rider may come back to the shop to load again (1 for classic VRPTW). */
  maxTrips: number;
}

export interface VrptwInstance<L> {
  name: string;
  depot: L;
  stops: Stop<L>[];
  vehicles: Vehicle[];
}

/** When a leg may start: travel can be slower at some hours, so a duration is asked for a span of departures. */
export interface DepartureSpan {
  earliest: number;
  latest: number;
}

/** The port every planner asks for distances and travel times; the default is offline (travel-times.ts). */
export interface TravelTimes<L> {
  distance(from: L, to: L): number;
  /** The longest travel time of a vehicle of this profile leaving at any moment of `departure`. */
  duration(from: L, to: L, profile: string, departure: DepartureSpan): number;
}

export interface ScheduledStop {
  stopId: string;
  arrival: number;
  /** Start of service: the arrival, or the window's ready time after waiting. */
  start: number;
  departure: number;
}

/** Depot → stops → depot with one load. */
export interface Trip {
  leaveDepot: number;
  backAtDepot: number;
  load: number;
  distance: number;
  stops: ScheduledStop[];
}

export interface Route {
  vehicleId: string;
  trips: Trip[];
  distance: number;
}

export type UnassignedReason =
  /** More load than the largest vehicle carries. */
  | 'demand-exceeds-every-capacity'
  /** No vehicle can leave the depot, reach the stop before its window closes and be back within its shift. */
  | 'window-unreachable'
  /** Feasible on its own, but the planner found no vehicle with room and time left for it. */
  | 'no-vehicle-left';

export interface UnassignedStop {
  stopId: string;
  reason: UnassignedReason;
}

export interface Plan {
  routes: Route[];
  unassigned: UnassignedStop[];
  distance: number;
}

export interface PlanningOptions {
  /** Same seed and iteration count → same plan. */
  seed: number;
  maxIterations?: number;
  /** Wall-clock budget, measured with `clock`; a plan under a time limit depends on the machine's speed. */
  timeLimitMs?: number;
  clock?: () => number;
}

/** An in-process planner: ours and the naive baseline. Dispatch plans through `RouteSolver` (route-solver.ts), which wraps it. */
export type PlanRoutes = <L>(instance: VrptwInstance<L>, travel: TravelTimes<L>, options: PlanningOptions) => Plan;

/**
 * The instance as the solvers see it: node 0 is the depot, node i the stop `stops[i - 1]`; all
 * matrices flat, row-major, `size × size`.
 */
export interface NodeProblem {
  size: number;
  demand: Float64Array;
  ready: Float64Array;
  due: Float64Array;
  service: Float64Array;
  distance: Float64Array;
  /** One travel-time matrix per speed profile, indexed like `profiles`. */
  durations: Float64Array[];
  profiles: string[];
  vehicles: NodeVehicle[];
}

export interface NodeVehicle {
  capacity: number;
  /** Index into `durations`. */
  profile: number;
  shiftStart: number;
  shiftEnd: number;
  maxTrips: number;
}

/**
 * Builds the matrices once. Time-of-day speeds are folded in by costing each leg at its slowest
 * over the span it could be driven in (from the earliest departure at its origin to the latest
 * start at its end), so a plan feasible here stays feasible at the real speed of its hour.
 */
export function toNodeProblem<L>(instance: VrptwInstance<L>, travel: TravelTimes<L>): NodeProblem {
  const size = instance.stops.length + 1;
  const locations = [instance.depot, ...instance.stops.map((s) => s.location)];
  const demand = new Float64Array(size);
  const ready = new Float64Array(size);
  const due = new Float64Array(size);
  const service = new Float64Array(size);
  const dayStart = Math.min(...instance.vehicles.map((v) => v.shift.ready));
  const dayEnd = Math.max(...instance.vehicles.map((v) => v.shift.due));
  ready[0] = dayStart;
  due[0] = dayEnd;
  instance.stops.forEach((s, i) => {
    demand[i + 1] = s.demand;
    ready[i + 1] = s.window.ready;
    due[i + 1] = s.window.due;
    service[i + 1] = s.serviceTime;
  });

  const distance = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) distance[i * size + j] = i === j ? 0 : travel.distance(locations[i], locations[j]);
  }

  const profiles = [...new Set(instance.vehicles.map((v) => v.profile))];
  const durations = profiles.map((profile) => {
    const matrix = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      const earliest = ready[i] + service[i];
      for (let j = 0; j < size; j++) {
        if (i === j) continue;
        const latest = i === 0 ? due[j] : j === 0 ? due[i] + service[i] : Math.min(due[i] + service[i], due[j]);
        matrix[i * size + j] = travel.duration(locations[i], locations[j], profile, { earliest, latest: Math.max(earliest, latest) });
      }
    }
    return matrix;
  });

  const vehicles = instance.vehicles.map((v) => ({
    capacity: v.capacity,
    profile: profiles.indexOf(v.profile),
    shiftStart: v.shift.ready,
    shiftEnd: v.shift.due,
    maxTrips: Math.max(1, Math.floor(v.maxTrips)),
  }));
  return { size, demand, ready, due, service, distance, durations, profiles, vehicles };
}
