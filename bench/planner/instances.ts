// The planner is pure code with no framework or I/O; the bench runs it in-process, as the dispatch service will.
import { type GeoPoint, type Random, seededRandom, type Stop, type Vehicle, type VehicleProfile, type VrptwInstance } from '@petalpost/route-planning';

/** A shop in the centre of Utrecht. */
export const SHOP: GeoPoint = { lat: 52.0907, lng: 5.1214 };

const METRES_PER_DEGREE_LAT = 111_320;
const DAY_OPENS = 9 * 60;
const LAST_WINDOW_OPENS = 17 * 60;
const SHIFT = { ready: 8 * 60 + 30, due: 19 * 60 + 30 };
/** Enough trips that the one-order-per-trip baseline is never short of them. */
const MAX_TRIPS = 24;

/** Capacity in bouquet units (a large bouquet counts 3). */
const FLEET: ReadonlyArray<{ profile: VehicleProfile; capacity: number }> = [
  { profile: 'bicycle', capacity: 6 },
  { profile: 'e-bike', capacity: 8 },
  { profile: 'bicycle', capacity: 6 },
  { profile: 'scooter', capacity: 6 },
  { profile: 'e-bike', capacity: 8 },
  { profile: 'car', capacity: 20 },
  { profile: 'bicycle', capacity: 6 },
  { profile: 'e-bike', capacity: 8 },
  { profile: 'scooter', capacity: 6 },
  { profile: 'car', capacity: 20 },
];

/**
 * A day of one shop: `stops` deliveries around it (two thirds in six neighbourhoods, the rest
 * anywhere within 6 km), windows of 1, 1½ or 2 hours opening between 9:00 and 17:00, bouquets
 * of 1–3 units, listed in the order the orders came in; a rider per ten orders (at least three),
 * bicycles, e-bikes, scooters and cars, 8:30–19:30. The same seed gives the same day.
 */
export function cityInstance(stops: number, seed: number): VrptwInstance<GeoPoint> {
  const random = seededRandom(seed);
  const neighbourhoods = Array.from({ length: 6 }, () => polar(random, 1500 + random.next() * 3500));
  const orders = Array.from({ length: stops }, () => {
    const place =
      random.next() < 2 / 3 ? jitter(random, neighbourhoods[random.below(neighbourhoods.length)], 600) : polar(random, 6000 * Math.sqrt(random.next()));
    const opens = DAY_OPENS + 30 * random.below((LAST_WINDOW_OPENS - DAY_OPENS) / 30 + 1);
    const length = [60, 90, 120][random.below(3)];
    const size = random.next();
    return {
      placedAt: opens - 30 - random.next() * 20 * 60,
      location: offset(SHOP, place),
      demand: size < 0.5 ? 1 : size < 0.85 ? 2 : 3,
      window: { ready: opens, due: opens + length },
      serviceTime: 3 + random.below(4),
    };
  });
  orders.sort((a, b) => a.placedAt - b.placedAt);
  const pad = String(stops).length;
  const deliveries: Stop<GeoPoint>[] = orders.map(({ placedAt: _placedAt, ...order }, i) => ({ id: `o${String(i + 1).padStart(pad, '0')}`, ...order }));
  const riders = Math.max(3, Math.ceil(stops / 6));
  const vehicles: Vehicle[] = Array.from({ length: riders }, (_, i) => {
    const { profile, capacity } = FLEET[i % FLEET.length];
    return { id: `r${i + 1}-${profile}`, capacity, profile, shift: SHIFT, maxTrips: MAX_TRIPS };
  });
  return { name: `city-${stops}`, depot: SHOP, stops: deliveries, vehicles };
}

interface Offset {
  east: number;
  north: number;
}

function polar(random: Random, metres: number): Offset {
  const angle = random.next() * 2 * Math.PI;
  return { east: metres * Math.cos(angle), north: metres * Math.sin(angle) };
}

/** Roughly normal (sum of uniforms), standard deviation `metres`. */
function jitter(random: Random, centre: Offset, metres: number): Offset {
  const normal = () => (random.next() + random.next() + random.next() + random.next() - 2) * Math.sqrt(3);
  return { east: centre.east + normal() * metres, north: centre.north + normal() * metres };
}

function offset(origin: GeoPoint, by: Offset): GeoPoint {
  return {
    lat: origin.lat + by.north / METRES_PER_DEGREE_LAT,
    lng: origin.lng + by.east / (METRES_PER_DEGREE_LAT * Math.cos((origin.lat * Math.PI) / 180)),
  };
}
