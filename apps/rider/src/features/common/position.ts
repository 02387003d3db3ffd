export interface Position {
  lat: number;
  lng: number;
  accuracy?: number;
}

/**
 * Where the phone is, if it says so within a few seconds (a fix up to a minute old will do):
 * a report or a proof carries it when known, and is never held up for want of it.
 */
export async function currentPosition(timeoutMs = 5_000): Promise<Position | undefined> {
  if (!('geolocation' in navigator)) return undefined;
  // A fresh fix; failing that (under a roof, a slow GPS), the last one the phone had.
  const fix = (await ask(timeoutMs, 60_000)) ?? (await ask(2_000, Infinity));
  if (fix) last = fix;
  return fix ?? last;
}

let last: Position | undefined;

function ask(timeout: number, maximumAge: number): Promise<Position | undefined> {
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: Math.round(p.coords.accuracy) }),
      () => resolve(undefined),
      { enableHighAccuracy: true, maximumAge, timeout },
    );
  });
}
