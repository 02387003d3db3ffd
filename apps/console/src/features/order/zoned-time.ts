/**
 * Wall-clock times in the shop's zone, as a datetime-local field shows them ("2026-02-14T13:00"),
 * and back to instants. The device's own zone never enters: a laptop set to another zone still
 * books the window the shop means.
 */

function partsIn(instant: Date, timeZone: string): Record<string, number> {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return Object.fromEntries(formatter.formatToParts(instant).flatMap((p) => (p.type === 'literal' ? [] : [[p.type, Number(p.value)]])));
}

/** Milliseconds the zone is ahead of UTC at that instant. */
function offsetAt(instant: Date, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (instant.getTime() - instant.getMilliseconds());
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DDTHH:mm" in the zone, for a datetime-local field. */
export function toZonedInput(iso: string, timeZone: string): string {
  const p = partsIn(new Date(iso), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The instant (ISO, UTC) of a wall-clock time in the zone; undefined for an unreadable value. */
export function fromZonedInput(local: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  return instantOf(Date.UTC(year, month - 1, day, hour, minute), timeZone);
}

/** The instant at which the zone's clock shows `wall` (a wall time written as if it were UTC). */
function instantOf(wall: number, timeZone: string): string {
  // The offset depends on the instant; a second pass settles it across a daylight-saving switch.
  let instant = wall - offsetAt(new Date(wall), timeZone);
  instant = wall - offsetAt(new Date(instant), timeZone);
  return new Date(instant).toISOString();
}

/** A window typed in the shop's zone, if both ends are readable and it ends after it starts. */
export function zonedWindow(from: string, to: string, timeZone: string): { from: string; to: string } | undefined {
  const start = fromZonedInput(from, timeZone);
  const end = fromZonedInput(to, timeZone);
  return start && end && Date.parse(end) > Date.parse(start) ? { from: start, to: end } : undefined;
}

/** The start of the shop's day containing `now`, and of the next one, as instants. */
export function dayBounds(now: Date, timeZone: string): { from: string; to: string } {
  const p = partsIn(now, timeZone);
  return { from: instantOf(Date.UTC(p.year, p.month - 1, p.day), timeZone), to: instantOf(Date.UTC(p.year, p.month - 1, p.day + 1), timeZone) };
}
