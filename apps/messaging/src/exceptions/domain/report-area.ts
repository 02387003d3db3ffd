import ngeohash from 'ngeohash';

/** The standard geohash of a position (5 characters ≈ 4.9 × 4.9 km: a neighbourhood). */
export function geohash(lat: number, lng: number, length = 5): string {
  return ngeohash.encode(lat, lng, length);
}

const HOUR_MS = 3_600_000;

/** 0 = Monday 00:00–01:00 UTC … 167 = Sunday 23:00–24:00 UTC. 1970-01-01 was a Thursday (day 3). */
export function hourOfWeek(iso: string): number {
  const hours = Math.floor(Date.parse(iso) / HOUR_MS);
  const day = (Math.floor(hours / 24) + 3) % 7;
  return day * 24 + (hours % 24);
}
