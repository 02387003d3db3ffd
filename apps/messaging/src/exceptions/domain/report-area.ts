const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * The standard geohash of a position (5 characters ≈ 4.9 × 4.9 km: a neighbourhood). Small
 * enough to keep here rather than take a dependency for.
 */
export function geohash(lat: number, lng: number, length = 5): string {
  const range = { lat: [-90, 90], lng: [-180, 180] };
  let hash = '';
  let bits = 0;
  let value = 0;
  let evenBit = true;
  while (hash.length < length) {
    const [axis, coordinate] = evenBit ? (['lng', lng] as const) : (['lat', lat] as const);
    const mid = (range[axis][0] + range[axis][1]) / 2;
    value = value * 2 + (coordinate >= mid ? 1 : 0);
    range[axis][coordinate >= mid ? 0 : 1] = mid;
    evenBit = !evenBit;
    if (++bits === 5) {
      hash += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return hash;
}

const HOUR_MS = 3_600_000;

/** 0 = Monday 00:00–01:00 UTC … 167 = Sunday 23:00–24:00 UTC. 1970-01-01 was a Thursday (day 3). */
export function hourOfWeek(iso: string): number {
  const hours = Math.floor(Date.parse(iso) / HOUR_MS);
  const day = (Math.floor(hours / 24) + 3) % 7;
  return day * 24 + (hours % 24);
}
