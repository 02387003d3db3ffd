import type { DeliveryWindow } from '@petalpost/contracts';

/**
 * Reading the delivery date and time that florists' delivery-date apps write into an order. Each
 * app (and each shop's settings) spells them its own way — `2026-02-14`, `14/02/2026`,
 * `February 14, 2026`, a Unix timestamp, `13:00 - 14:00`, `1:00 PM - 2:00PM` — so parse leniently
 * and, when nothing reads, leave the date out: the order is then held for staff with the raw text.
 */

export type LocalDate = string; // YYYY-MM-DD
export type LocalTime = string; // HH:MM

export interface DayWindow {
  from: LocalTime;
  to: LocalTime;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A local date from what an app wrote. `dayFirst`: how to read 03/04/2026 when both parts could be
 * the month (most of the world writes the day first; US shops set false). A timestamp (seconds) or
 * an ISO date-time is read in the shop's time zone.
 */
export function parseLocalDate(text: string, timeZone: string, dayFirst = true): LocalDate | undefined {
  const value = text.trim();
  if (/^\d{9,11}$/.test(value)) return localDateOf(new Date(Number(value) * 1000), timeZone);
  const iso = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T ])/.exec(value);
  if (iso) {
    // A date-time with a zone (Zapiet's `_ZapietId` D=2021-05-13T12:00:00Z) is an instant: its local date.
    if (/[T ]\d{1,2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))) return localDateOf(new Date(value), timeZone);
    return ymd(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  }
  const numeric = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(value);
  if (numeric) {
    const [a, b, year] = [Number(numeric[1]), Number(numeric[2]), Number(numeric[3])];
    const dayFirstHere = a > 12 ? true : b > 12 ? false : dayFirst;
    return dayFirstHere ? ymd(year, b, a) : ymd(year, a, b);
  }
  const words = value
    .toLowerCase()
    .replace(/(\d)(st|nd|rd|th)\b/g, '$1')
    .replace(/,/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !/^(mon|tue|wed|thu|fri|sat|sun)[a-z]*$/.test(w));
  const month = words.findIndex((w) => MONTHS.includes(w.slice(0, 3)) && /^[a-z]+$/.test(w));
  if (month >= 0) {
    const numbers = words.filter((w) => /^\d+$/.test(w)).map(Number);
    const year = numbers.find((n) => n >= 1000);
    const day = numbers.find((n) => n >= 1 && n <= 31);
    if (year !== undefined && day !== undefined) return ymd(year, MONTHS.indexOf(words[month].slice(0, 3)) + 1, day);
  }
  return undefined;
}

/** `13:00 - 14:00`, `1:00 PM - 2:00PM`, `09:00–12:00`, or one time (a two-hour window from it). */
export function parseTimeRange(text: string): DayWindow | undefined {
  const parts = text
    .trim()
    .split(/\s*(?:-|–|—|to|until|tot|bis)\s*/i)
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 2) return undefined;
  const times = parts.map(parseTime);
  if (times.some((t) => t === undefined)) return undefined;
  const [from, to] = times as LocalTime[];
  if (to === undefined) return { from, to: addMinutes(from, 120) };
  return minutesOf(to) > minutesOf(from) ? { from, to } : undefined;
}

function parseTime(text: string): LocalTime | undefined {
  const match = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/i.exec(text.trim());
  if (!match) return undefined;
  let hours = Number(match[1]);
  const minutes = Number(match[2] ?? '0');
  const meridiem = match[3]?.toLowerCase().replace(/\./g, '');
  if (meridiem === undefined && match[2] === undefined) return undefined;
  if (meridiem) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59) return undefined;
  return `${pad(hours)}:${pad(minutes)}`;
}

/** The window on a local date in a time zone, with the offsets in force then. */
export function windowOn(date: LocalDate, window: DayWindow, timeZone: string): DeliveryWindow {
  return { from: zonedTime(date, window.from, timeZone), to: zonedTime(date, window.to, timeZone), timeZone };
}

/** `2026-02-14T13:00:00+01:00`: a local wall-clock time in a zone, with its offset. */
export function zonedTime(date: LocalDate, time: LocalTime, timeZone: string): string {
  const wall = Date.parse(`${date}T${time}:00Z`);
  // The offset at the instant this wall time is in the zone: found from a guess, then corrected once (DST edges).
  let offset = offsetMinutes(new Date(wall), timeZone);
  offset = offsetMinutes(new Date(wall - offset * 60_000), timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date}T${time}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function offsetMinutes(instant: Date, timeZone: string): number {
  const local = Date.parse(`${localDateOf(instant, timeZone)}T${localTimeOf(instant, timeZone)}Z`);
  return Math.round((local - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

function localDateOf(instant: Date, timeZone: string): LocalDate {
  const parts = partsOf(instant, timeZone);
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function localTimeOf(instant: Date, timeZone: string): LocalTime {
  const parts = partsOf(instant, timeZone);
  return `${parts.hour}:${parts.minute}`;
}

function partsOf(instant: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
}

function ymd(year: number, month: number, day: number): LocalDate | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function minutesOf(time: LocalTime): number {
  const [h, m] = time.split(':').map(Number);
  return h * 60 + m;
}

function addMinutes(time: LocalTime, minutes: number): LocalTime {
  const total = Math.min(minutesOf(time) + minutes, 23 * 60 + 59);
  return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
