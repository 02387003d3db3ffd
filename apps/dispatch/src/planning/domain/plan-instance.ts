import type { GeoPoint, PlannedRoute, UnplannedOrder } from '@petalpost/contracts';
import type { Plan, Stop, TravelTimes, Vehicle, VrptwInstance } from '@petalpost/route-planning';
import { ASSIGNABLE_STATUSES } from '../../deliveries/domain/delivery.decider';
import { backAtShop } from '../../eta/domain/eta';
import { clockMinute } from '../../shared/domain/shop-clock';

/**
 * Between the board and the solver: a shop's open deliveries and riders on shift become a VRPTW
 * instance (time in minutes since the plan's epoch, when the shop's wall clock read 00:00 at the
 * offset it has now, so the travel-time port's rush hours fall on the shop's clock — on a
 * clock-change day too), and the solver's plan becomes PlanProposed's routes.
 */

/** A row of the dispatch board, as planning needs it. */
export interface OpenDelivery {
  orderId: string;
  status: string;
  windowFrom: string;
  windowTo: string;
  lat: number | null;
  lng: number | null;
  riderId: string | null;
  /** What it takes of a rider's capacity; one when unknown. */
  bouquets?: number;
  /** A hard deadline (a funeral service): the flowers are handed over by then or not at all. */
  deadline?: string | null;
}

export interface RiderOnShift {
  riderId: string;
  vehicleKind: string;
  capacity: number;
}

export interface PlanningSituation {
  shopId: string;
  depot: GeoPoint;
  /** IANA zone of the shop; UTC when unknown. */
  timeZone?: string;
  now: string;
  serviceMinutes: number;
  deliveries: OpenDelivery[];
  riders: RiderOnShift[];
  /** Riders whose vehicle broke down: planned for no one, their loaded orders need a hand-over. */
  brokenRiders?: readonly string[];
  /**
   * Where riders last said they were, and the travel times to ride by: a rider out on a trip is
   * planned from when they are back at the shop, not from now. Without them, from now.
   */
  positions?: ReadonlyMap<string, GeoPoint>;
  travel?: TravelTimes<GeoPoint>;
}

export interface PreparedPlanning {
  instance: VrptwInstance<GeoPoint>;
  /** Epoch of the instance's minutes, in ms since 1970. */
  epochMs: number;
  /** Each planned order's real window, for the answer (a clipped window is only the solver's). */
  windows: Map<string, { from: string; to: string }>;
  /** Orders that could not be given to the solver, with why. */
  unplanned: UnplannedOrder[];
  /** The rider each open order has now, by order id: a new plan keeps them where it can. */
  currentRiders: Map<string, string>;
}

/** A rider may come back to the shop to load again this many times in a shift. */
const MAX_TRIPS = 10;
/** How long after now an order whose window already closed may still be planned. */
const LATE_HORIZON_MINUTES = 180;
/** Time to ride back to the shop after the last window closes. */
const RETURN_MINUTES = 120;
const MINUTE_MS = 60_000;

export type UnplannedReason = 'no-coordinates' | 'no-rider-on-shift' | 'rider-vehicle-broken' | 'deadline-passed';

export function preparePlanning(situation: PlanningSituation): PreparedPlanning {
  const nowMs = Date.parse(situation.now);
  // Not the day's true start: after a clock change that is an hour off the wall clock the rush hours are on.
  const epochMs = nowMs - clockMinute(nowMs, situation.timeZone ?? 'UTC') * MINUTE_MS;
  const minutes = (ms: number) => (ms - epochMs) / MINUTE_MS;
  const nowMinutes = minutes(nowMs);
  const broken = new Set(situation.brokenRiders ?? []);
  const unplanned: UnplannedOrder[] = [];
  const windows = new Map<string, { from: string; to: string }>();
  const stops: Stop<GeoPoint>[] = [];

  for (const delivery of situation.deliveries) {
    // The flowers are on a broken vehicle: someone must fetch them from the rider, not from the shop.
    if (delivery.status === 'out_for_delivery' && delivery.riderId !== null && broken.has(delivery.riderId)) {
      unplanned.push({ orderId: delivery.orderId, reason: 'rider-vehicle-broken' });
      continue;
    }
    if (!ASSIGNABLE_STATUSES.includes(delivery.status)) continue;
    if (delivery.lat === null || delivery.lng === null) {
      unplanned.push({ orderId: delivery.orderId, reason: 'no-coordinates' });
      continue;
    }
    const from = Date.parse(delivery.windowFrom);
    const to = Date.parse(delivery.windowTo);
    const deadline = delivery.deadline ? Date.parse(delivery.deadline) : Number.POSITIVE_INFINITY;
    // Flowers for a funeral after the service are no use: a person decides what happens to them.
    if (deadline <= nowMs) {
      unplanned.push({ orderId: delivery.orderId, reason: 'deadline-passed' });
      continue;
    }
    windows.set(delivery.orderId, { from: isoAt(from), to: isoAt(to) });
    stops.push({
      id: delivery.orderId,
      location: { lat: delivery.lat, lng: delivery.lng },
      demand: delivery.bouquets ?? 1,
      // Nobody can arrive before now. A window already closed is planned as soon as it fits,
      // late: the flowers must still go, and the answer keeps the real window, so it shows late.
      // A hard deadline is never planned past, closed window or not.
      window: to > nowMs ? { ready: Math.max(minutes(from), nowMinutes), due: minutes(Math.min(to, deadline)) } : { ready: nowMinutes, due: minutes(deadline) },
      serviceTime: situation.serviceMinutes,
    });
  }

  const lastDue = Math.max(nowMinutes + LATE_HORIZON_MINUTES, ...stops.map((s) => s.window.due).filter(Number.isFinite));
  const shiftEnd = lastDue + situation.serviceMinutes + RETURN_MINUTES;
  for (const stop of stops) if (!Number.isFinite(stop.window.due)) stop.window.due = lastDue;

  const backAt = (rider: RiderOnShift) => Math.min(minutes(freeAt(situation, rider, nowMs, epochMs)), shiftEnd);
  const vehicles: Vehicle[] = situation.riders
    .filter((r) => !broken.has(r.riderId))
    .map((r) => ({ id: r.riderId, capacity: r.capacity, profile: r.vehicleKind, shift: { ready: backAt(r), due: shiftEnd }, maxTrips: MAX_TRIPS }));
  if (vehicles.length === 0) {
    unplanned.push(...stops.map((s) => ({ orderId: s.id, reason: 'no-rider-on-shift' })));
    stops.length = 0;
  }

  const currentRiders = new Map(situation.deliveries.flatMap((d) => (d.riderId !== null ? [[d.orderId, d.riderId] as const] : [])));
  return { instance: { name: `${situation.shopId}@${situation.now}`, depot: situation.depot, stops, vehicles }, epochMs, windows, unplanned, currentRiders };
}

/**
 * The plan with its routes handed to the riders who already have most of their orders, among
 * riders of the same vehicle and capacity (for the solver they are the same, so the plan's times
 * and distance stay exactly as solved). A replan then moves only the orders it must: a route the
 * solver happened to label with another rider does not swap two riders' whole rounds.
 */
export function keepingCurrentRiders(plan: Plan, prepared: Pick<PreparedPlanning, 'instance' | 'currentRiders'>): Plan {
  const vehicles = new Map(prepared.instance.vehicles.map((v) => [v.id, v]));
  const kindOf = (vehicleId: string) => {
    const vehicle = vehicles.get(vehicleId);
    return vehicle ? `${vehicle.profile}/${vehicle.capacity}/${vehicle.shift.ready}/${vehicle.shift.due}/${vehicle.maxTrips}` : vehicleId;
  };
  const kept = (route: Plan['routes'][number], riderId: string) =>
    route.trips.reduce((n, trip) => n + trip.stops.filter((stop) => prepared.currentRiders.get(stop.stopId) === riderId).length, 0);

  const relabelled = new Map<string, string>();
  const ridersOfKind = groupBy(
    prepared.instance.vehicles.map((v) => v.id),
    kindOf,
  );
  const routesOfKind = groupBy(plan.routes, (route) => kindOf(route.vehicleId));
  for (const [kind, routes] of routesOfKind) {
    const riders = ridersOfKind.get(kind) ?? routes.map((r) => r.vehicleId);
    // Greedy on the most orders kept: a shop has few routes, and ties keep the solver's order.
    const pairs = routes
      .flatMap((route) => riders.map((riderId) => ({ route: route.vehicleId, riderId, kept: kept(route, riderId) })))
      .filter((p) => p.kept > 0);
    pairs.sort((a, b) => b.kept - a.kept);
    const taken = new Set<string>();
    for (const pair of pairs) {
      if (relabelled.has(pair.route) || taken.has(pair.riderId)) continue;
      relabelled.set(pair.route, pair.riderId);
      taken.add(pair.riderId);
    }
    // The rest keep the solver's rider when still free, else take a free one of the same kind.
    const rest = routes.filter((route) => !relabelled.has(route.vehicleId));
    for (const route of rest) {
      if (taken.has(route.vehicleId)) continue;
      relabelled.set(route.vehicleId, route.vehicleId);
      taken.add(route.vehicleId);
    }
    // As many riders of a kind as routes of it: a free one is always there.
    const free = riders.filter((riderId) => !taken.has(riderId));
    for (const route of rest) if (!relabelled.has(route.vehicleId)) relabelled.set(route.vehicleId, free.shift() ?? route.vehicleId);
  }
  return { ...plan, routes: plan.routes.map((route) => ({ ...route, vehicleId: relabelled.get(route.vehicleId) ?? route.vehicleId })) };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** The solver's plan in PlanProposed's terms: ISO times, riders and orders by id, every order planned or reported. */
export function toProposal(prepared: PreparedPlanning, plan: Plan): { routes: PlannedRoute[]; unplanned: UnplannedOrder[]; distanceMeters: number } {
  const at = (minutes: number) => isoAt(Math.round(prepared.epochMs + minutes * MINUTE_MS));
  const routes: PlannedRoute[] = plan.routes
    .map((route) => ({
      riderId: route.vehicleId,
      distanceMeters: round(route.distance),
      trips: route.trips
        .filter((trip) => trip.stops.length > 0)
        .map((trip) => ({
          leaveShopAt: at(trip.leaveDepot),
          backAtShopAt: at(trip.backAtDepot),
          load: trip.load,
          stops: trip.stops.map((stop) => {
            const window = prepared.windows.get(stop.stopId);
            if (!window) throw new Error(`the solver planned ${stop.stopId}, which was not asked for`);
            return { orderId: stop.stopId, arriveAt: at(stop.start), departAt: at(stop.departure), windowFrom: window.from, windowTo: window.to };
          }),
        })),
    }))
    .filter((route) => route.trips.length > 0);
  return {
    routes,
    unplanned: [...prepared.unplanned, ...plan.unassigned.map((u) => ({ orderId: u.stopId, reason: u.reason }))],
    distanceMeters: round(plan.distance),
  };
}

/** When the rider is back at the shop after delivering what they carry (now, if they carry nothing). */
function freeAt(situation: PlanningSituation, rider: RiderOnShift, nowMs: number, epochMs: number): number {
  const position = situation.positions?.get(rider.riderId);
  if (!position || !situation.travel) return nowMs;
  const carried = situation.deliveries.filter((d) => d.status === 'out_for_delivery' && d.riderId === rider.riderId);
  return backAtShop({
    now: nowMs,
    position,
    depot: situation.depot,
    profile: rider.vehicleKind,
    serviceMinutes: situation.serviceMinutes,
    // In the board's order (window start): the carried stops' own route order is the ETA's business.
    stops: carried.map((d) => ({
      orderId: d.orderId,
      location: d.lat !== null && d.lng !== null ? { lat: d.lat, lng: d.lng } : null,
      windowFrom: Date.parse(d.windowFrom),
      windowTo: Date.parse(d.windowTo),
      onBoard: true,
    })),
    travel: situation.travel,
    minuteOfDay: (ms) => (ms - epochMs) / MINUTE_MS,
  });
}

function round(metres: number): number {
  return Math.round(metres);
}

/** ms since 1970 as ISO 8601 in UTC. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
