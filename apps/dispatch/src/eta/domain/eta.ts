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
  const journey = startJourney(input);
  journey.deliver(
    input.stops.filter((s) => s.onBoard),
    false,
  );
  const waiting = input.stops.filter((s) => !s.onBoard);
  if (waiting.length === 0) return journey.etas;
  if (input.depot) journey.rideBackToLoad(input.depot);
  journey.deliver(waiting, true);
  return journey.etas;
}

/**
 * When a rider out on a trip is back at the shop, free to take a new trip: after delivering what
 * they carry, in route order, and riding back. Now, for a rider who carries nothing (or has never
 * said where they are).
 */
export function backAtShop(input: Omit<EtaInput, 'depot'> & { depot: GeoPoint }): number {
  const journey = startJourney(input);
  const carried = input.stops.filter((s) => s.onBoard);
  if (carried.length === 0) return input.now;
  journey.deliver(carried, false);
  return journey.rideTo(input.depot);
}

/** A rider's ride from their position, stop after stop, on the clock of the estimate. */
function startJourney(input: EtaInput) {
  const etas: StopEta[] = [];
  let at = input.position;
  let clock = input.now;
  const rideTo = (to: GeoPoint): number => {
    if (!at) return clock;
    const minute = input.minuteOfDay(clock);
    return clock + input.travel.duration(at, to, input.profile, { earliest: minute, latest: minute }) * MINUTE_MS;
  };
  return {
    etas,
    rideTo,
    deliver(stops: readonly EtaStop[], notBeforePlan: boolean): void {
      for (const stop of stops) {
        // Without coordinates (or a position) there is nothing to ride by: keep the plan's word, if any.
        if (!stop.location || !at) {
          if (stop.plannedArrival !== undefined) etas.push({ orderId: stop.orderId, eta: Math.max(stop.plannedArrival, input.now) });
          continue;
        }
        const arrival = Math.max(rideTo(stop.location), notBeforePlan ? (stop.plannedArrival ?? 0) : 0);
        const start = Math.max(arrival, stop.windowFrom);
        etas.push({ orderId: stop.orderId, eta: start });
        clock = start + input.serviceMinutes * MINUTE_MS;
        at = stop.location;
      }
    },
    rideBackToLoad(depot: GeoPoint): void {
      if (!at) return;
      clock = rideTo(depot) + input.serviceMinutes * MINUTE_MS;
      at = depot;
    },
  };
}
