import type { DepartureSpan, TravelTimes } from './vrptw';

export interface GeoPoint {
  lat: number;
  lng: number;
}

export interface PlanarPoint {
  x: number;
  y: number;
}

export type VehicleProfile = 'bicycle' | 'e-bike' | 'scooter' | 'car';

export interface SpeedProfile {
  /** Average door-to-door speed off-peak, stops at lights included. */
  kmh: number;
  /** Travel time multiplier in the rush hours. */
  rushHourFactor: number;
}

/** City averages: a car is fast on paper and slow in rush hour; a bicycle hardly notices. */
export const SPEED_PROFILES: Record<VehicleProfile, SpeedProfile> = {
  bicycle: { kmh: 15, rushHourFactor: 1.05 },
  'e-bike': { kmh: 20, rushHourFactor: 1.05 },
  scooter: { kmh: 25, rushHourFactor: 1.2 },
  car: { kmh: 28, rushHourFactor: 1.5 },
};

/** Minutes since midnight. */
export const RUSH_HOURS: ReadonlyArray<{ from: number; to: number }> = [
  { from: 7 * 60 + 30, to: 9 * 60 + 30 },
  { from: 16 * 60 + 30, to: 18 * 60 + 30 },
];

const MINUTES_PER_DAY = 24 * 60;
const EARTH_RADIUS_METRES = 6_371_008.8;

export function greatCircleMetres(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Whether any moment of the span (minutes, possibly past midnight) falls in a rush hour. */
export function touchesRushHour(span: DepartureSpan): boolean {
  if (span.latest - span.earliest >= MINUTES_PER_DAY) return true;
  const firstDay = Math.floor(span.earliest / MINUTES_PER_DAY);
  const lastDay = Math.floor(span.latest / MINUTES_PER_DAY);
  for (let day = firstDay; day <= lastDay; day++) {
    const offset = day * MINUTES_PER_DAY;
    if (RUSH_HOURS.some((r) => span.earliest < r.to + offset && span.latest >= r.from + offset)) return true;
  }
  return false;
}

export interface OfflineTravelOptions {
  /** Road distance over great-circle distance; about 1.3 in European cities. */
  detourFactor?: number;
  profiles?: Record<string, SpeedProfile>;
}

/**
 * The default port, offline: great-circle distance × detour factor, in metres; travel time in
 * minutes at the vehicle's speed, slowed in the rush hours.
 */
export function offlineTravelTimes(options: OfflineTravelOptions = {}): TravelTimes<GeoPoint> {
  const detour = options.detourFactor ?? 1.3;
  const profiles: Record<string, SpeedProfile> = options.profiles ?? SPEED_PROFILES;
  const distance = (from: GeoPoint, to: GeoPoint) => greatCircleMetres(from, to) * detour;
  return {
    distance,
    duration(from, to, profile, departure) {
      const speed = profiles[profile];
      if (!speed) throw new Error(`no speed profile "${profile}"`);
      const minutes = distance(from, to) / ((speed.kmh * 1000) / 60);
      return touchesRushHour(departure) ? minutes * speed.rushHourFactor : minutes;
    },
  };
}

/** Solomon's convention: straight-line distance at full precision, travel time equal to distance. */
export function euclideanTravelTimes(speed = 1): TravelTimes<PlanarPoint> {
  const distance = (from: PlanarPoint, to: PlanarPoint) => Math.hypot(from.x - to.x, from.y - to.y);
  return { distance, duration: (from, to) => distance(from, to) / speed };
}
