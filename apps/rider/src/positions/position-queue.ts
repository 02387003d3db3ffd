/**
 * The shift's position reports, without IndexedDB, the network or the GPS: what one report holds,
 * which go in the next batch, and what an answer does to the queue. Pure, tested as a table
 * (position-queue.unit.spec.ts).
 */
import type { DispatchPaths } from '@petalpost/api-clients';

type ReportedPosition = DispatchPaths['/riders/me/positions']['post']['requestBody']['content']['application/json']['positions'][number];

/** A report as the API takes it (the generated schema), its id required, and whose it is on this phone. */
export type PositionReport = ReportedPosition & {
  /** Its own id: a batch sent again (its answer lost) is stored once. */
  id: string;
  /** Whose report (person and shop): another rider signing in on this phone sends none of them. */
  owner: string;
};

/** At most this many in one request (the API's limit). */
export const BATCH_SIZE = 50;

/** The next batch: the oldest reports first, up to the API's limit. */
export function nextBatch(reports: readonly PositionReport[], size = BATCH_SIZE): PositionReport[] {
  return [...reports].sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.id.localeCompare(b.id)).slice(0, size);
}

/**
 * What an attempt means for the batch. Answered (202, every report either kept or dropped with the
 * server's reason — too old, inaccurate, a duplicate): the batch leaves the queue, since the
 * phone cannot improve a fix it took. No answer or a server fault: the batch stays, to go when the
 * network returns. Refused as a whole (a 4xx: a malformed report, no longer a rider): left too —
 * sending it again would be refused again, and it would block every later report.
 */
export function settles(answer: { status: number } | 'unreachable'): boolean {
  if (answer === 'unreachable') return false;
  if (answer.status >= 500 || answer.status === 401 || answer.status === 408 || answer.status === 429) return false;
  return true;
}

/** A fix from the Geolocation API as the report the API takes (speed and heading only when known). */
export function reportOf(
  fix: { coords: { latitude: number; longitude: number; accuracy: number; speed: number | null; heading: number | null }; timestamp: number },
  id: string,
  owner: string,
): PositionReport {
  const { latitude, longitude, accuracy, speed, heading } = fix.coords;
  return {
    id,
    owner,
    lat: latitude,
    lng: longitude,
    accuracy: Math.max(0, accuracy),
    ...(speed !== null && Number.isFinite(speed) && speed >= 0 ? { speed } : {}),
    ...(heading !== null && Number.isFinite(heading) && heading >= 0 && heading <= 360 ? { heading } : {}),
    recordedAt: new Date(fix.timestamp).toISOString(),
  };
}

/** Whether the shift's state means the phone reports where it is. */
export const reportsPositions = (availability: string | undefined): boolean => availability === 'on_shift';
