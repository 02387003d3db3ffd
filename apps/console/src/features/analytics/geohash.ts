const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/** The centre of a geohash cell, or undefined for "unknown" and anything that is not a geohash. */
export function geohashCentre(hash: string): { lat: number; lng: number } | undefined {
  let lat: [number, number] = [-90, 90];
  let lng: [number, number] = [-180, 180];
  let evenBit = true; // bits alternate, longitude first
  if (!hash) return undefined;
  for (const char of hash.toLowerCase()) {
    const value = BASE32.indexOf(char);
    if (value < 0) return undefined;
    for (let bit = 4; bit >= 0; bit--) {
      const range = evenBit ? lng : lat;
      const mid = (range[0] + range[1]) / 2;
      const next: [number, number] = (value >> bit) & 1 ? [mid, range[1]] : [range[0], mid];
      if (evenBit) lng = next;
      else lat = next;
      evenBit = !evenBit;
    }
  }
  return { lat: (lat[0] + lat[1]) / 2, lng: (lng[0] + lng[1]) / 2 };
}
