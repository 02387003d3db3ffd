/** A position as the rider's phone reports it. */
export interface ReportedPosition {
  /** The phone's own id for this report (a UUID): a report sent again is recognised by it. Older callers send none. */
  id?: string;
  lat: number;
  lng: number;
  /** metres */
  accuracy: number;
  /** metres per second */
  speed?: number;
  /** degrees from north */
  heading?: number;
  /** when the device took the fix, ISO 8601 */
  recordedAt: string;
}

export interface PositionLimits {
  /** A fix less precise than this (metres) would put the rider on the wrong street. */
  maxAccuracyMeters: number;
  /** How far ahead of the server clock a device clock may run. */
  maxFutureSkewMs: number;
  /** How old a fix may be when it arrives: older is history, not a position. */
  maxAgeMs: number;
}

export const DROP_REASONS = ['duplicate', 'out_of_bounds', 'inaccurate', 'from_the_future', 'too_old', 'out_of_order'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface ScreenedPositions {
  /** Oldest first, each with its index in the request. */
  accepted: Array<ReportedPosition & { index: number }>;
  /** In request order. */
  dropped: Array<{ index: number; reason: DropReason }>;
}

/**
 * Which of a rider's reported positions to keep. `lastAcceptedAt` is the rider's newest position
 * already kept, `keptIds` the ids of this request's reports that were kept before (a phone that lost
 * the answer sends its batch again), `now` the server's clock. A report kept before, or sent twice in
 * one request (the first counts), is a duplicate whatever else is true of it. A phone sends what it
 * buffered while offline, not always in order, so a request is taken oldest first; anything not newer
 * than the last kept is out of order. Times are ISO 8601 and compared to the millisecond.
 */
export function screenPositions(
  reported: readonly ReportedPosition[],
  lastAcceptedAt: string | undefined,
  now: string,
  limits: PositionLimits,
  keptIds: ReadonlySet<string> = new Set(),
): ScreenedPositions {
  const dropped: ScreenedPositions['dropped'] = [];
  const plausible: ScreenedPositions['accepted'] = [];
  const seen = new Set<string>();
  reported.forEach((position, index) => {
    if (position.id !== undefined) {
      const id = position.id.toLowerCase();
      if (keptIds.has(id) || seen.has(id)) {
        dropped.push({ index, reason: 'duplicate' });
        return;
      }
      seen.add(id);
    }
    const reason = implausibility(position, now, limits);
    if (reason) dropped.push({ index, reason });
    else plausible.push({ ...position, index });
  });

  const accepted: ScreenedPositions['accepted'] = [];
  let newest = lastAcceptedAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(lastAcceptedAt);
  for (const position of [...plausible].sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt) || a.index - b.index)) {
    const recordedAt = Date.parse(position.recordedAt);
    if (recordedAt <= newest) {
      dropped.push({ index: position.index, reason: 'out_of_order' });
      continue;
    }
    accepted.push(position);
    newest = recordedAt;
  }
  dropped.sort((a, b) => a.index - b.index);
  return { accepted, dropped };
}

function implausibility(position: ReportedPosition, now: string, limits: PositionLimits): DropReason | undefined {
  if (Math.abs(position.lat) > 90 || Math.abs(position.lng) > 180) return 'out_of_bounds';
  if (position.accuracy > limits.maxAccuracyMeters) return 'inaccurate';
  const recordedAt = Date.parse(position.recordedAt);
  const serverTime = Date.parse(now);
  if (recordedAt > serverTime + limits.maxFutureSkewMs) return 'from_the_future';
  if (recordedAt < serverTime - limits.maxAgeMs) return 'too_old';
  return undefined;
}
