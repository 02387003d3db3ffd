/**
 * What changed in the run since the rider last looked: stops that are new, stops whose place
 * among the others moved, stops that left the run. Pure; the page keeps the last seen order.
 */
export interface RunChanges {
  added: ReadonlySet<string>;
  /** Each moved stop's place (from 1) before and now. */
  moved: ReadonlyMap<string, { from: number; to: number }>;
  removed: readonly string[];
}

export const NO_CHANGES: RunChanges = { added: new Set(), moved: new Map(), removed: [] };

export function runChanges(previous: readonly string[] | undefined, current: readonly string[]): RunChanges {
  if (!previous) return NO_CHANGES;
  const before = new Set(previous);
  const now = new Set(current);
  const added = new Set(current.filter((id) => !before.has(id)));
  const removed = previous.filter((id) => !now.has(id));
  // A stop moved when its place among the stops that are in both runs changed: one new stop
  // put in front does not make every later stop "moved".
  const keptBefore = previous.filter((id) => now.has(id));
  const keptNow = current.filter((id) => before.has(id));
  const moved = new Map<string, { from: number; to: number }>();
  keptNow.forEach((id, index) => {
    const was = keptBefore.indexOf(id);
    if (was !== index) moved.set(id, { from: previous.indexOf(id) + 1, to: current.indexOf(id) + 1 });
  });
  return { added, moved, removed };
}

export const hasChanges = (c: RunChanges): boolean => c.added.size > 0 || c.moved.size > 0 || c.removed.length > 0;

const storageKey = (riderId: string) => `petalpost.rider.seenRun:${riderId}`;

/** The run's order as the rider last saw it on this phone. */
export function lastSeenRun(riderId: string): string[] | undefined {
  try {
    const kept = localStorage.getItem(storageKey(riderId));
    const parsed = kept ? (JSON.parse(kept) as unknown) : undefined;
    return Array.isArray(parsed) && parsed.every((id) => typeof id === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function markRunSeen(riderId: string, orderIds: readonly string[]): void {
  localStorage.setItem(storageKey(riderId), JSON.stringify(orderIds));
}
