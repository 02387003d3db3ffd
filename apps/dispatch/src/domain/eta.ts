import type { GeoPoint, TravelTimes } from '@petalpost/route-planning';

/**
 * When each of a rider's open deliveries should reach its door, from where the rider is now.
 *
 * The rider first delivers what they carry, in route order; then, for what still waits at the
 * shop, rides back, loads, and goes out again. Nobody is served before their window opens (the
 * rider waits at the door), and no estimate is earlier than the plan's own promise for a stop not
 * yet picked up: the plan knows the shop's loading rhythm, the position only knows the road.
 */

export interface EtaStop {
  orderId: string;
  /** Null when the address has no coordinates (or its recipient was erased). */
  location: GeoPoint | null;
  windowFrom: number;
  windowTo: number;
  /** The rider has the flowers (out for delivery). */
  onBoard: boolean;
  /** The applied plan's arrival at this stop, if it was planned. */
  plannedArrival?: number;
}

export interface EtaInput {
  /** Epoch milliseconds. */
  now: number;
  /** The rider's latest position; null when they never reported one. */
  position: GeoPoint | null;
  /** The shop, where the rider loads; unknown shops skip the ride back. */
  depot?: GeoPoint;
  /** The vehicle's speed profile (libs/route-planning). */
  profile: string;
  serviceMinutes: number;
  /** In route order. */
  stops: readonly EtaStop[];
  travel: TravelTimes<GeoPoint>;
  /** Minutes since local midnight of an instant: rush hours are local. */
  minuteOfDay(epochMs: number): number;
}

export interface StopEta {
  orderId: string;
  eta: number;
}

const MINUTE_MS = 60_000;

export function estimateArrivals(input: EtaInput): StopEta[] {
  const { travel, profile } = input;
  const onBoard = input.stops.filter((s) => s.onBoard);
  const waiting = input.stops.filter((s) => !s.onBoard);
  const etas: StopEta[] = [];

  let at = input.position;
  let clock = input.now;
  const rideTo = (to: GeoPoint): number => {
    if (!at) return clock;
    const minute = input.minuteOfDay(clock);
    return clock + travel.duration(at, to, profile, { earliest: minute, latest: minute }) * MINUTE_MS;
  };
  const serve = (stop: EtaStop, arrival: number) => {
    const start = Math.max(arrival, stop.windowFrom);
    etas.push({ orderId: stop.orderId, eta: start });
    clock = start + input.serviceMinutes * MINUTE_MS;
    at = stop.location;
  };

  for (const stop of onBoard) {
    // Without coordinates (or a position) there is nothing to ride by: keep the plan's word, if any.
    if (!stop.location || !at) {
      if (stop.plannedArrival !== undefined) etas.push({ orderId: stop.orderId, eta: Math.max(stop.plannedArrival, input.now) });
      continue;
    }
    serve(stop, rideTo(stop.location));
  }
  if (waiting.length === 0) return etas;

  if (input.depot && at) {
    clock = rideTo(input.depot) + input.serviceMinutes * MINUTE_MS;
    at = input.depot;
  }
  for (const stop of waiting) {
    if (!stop.location || !at) {
      if (stop.plannedArrival !== undefined) etas.push({ orderId: stop.orderId, eta: Math.max(stop.plannedArrival, input.now) });
      continue;
    }
    const arrival = Math.max(rideTo(stop.location), stop.plannedArrival ?? 0);
    serve(stop, arrival);
  }
  return etas;
}
