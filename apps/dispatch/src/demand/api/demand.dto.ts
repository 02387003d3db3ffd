import { createZodDto, ianaTimeZone } from '@petalpost/platform';
import { z } from 'zod';
import { WEEKDAYS } from '../domain/demand-calendar';
import { PEAK_DAY_NAMES } from '../domain/demand-peak-days';
import { AREA_PRECISION } from '../projections/demand-order.evolve';
import { UNKNOWN_AREA } from '../demand.queries';

/** Queries and answers of the demand API. Unknown query fields are refused (strict objects). */

export const DEFAULT_RADIUS_METERS = 500;
export const MAX_RADIUS_METERS = 5_000;
export const DEFAULT_PAGE_SIZE = 1_000;
export const MAX_PAGE_SIZE = 5_000;

const shopId = z.string().min(1).max(64).optional().describe('Operators choose a shop; everyone else sees their own');

/** A calendar day; PostgreSQL and the forecast's calendar both count from 1970 on without surprises. */
const day = z.iso.date().refine((d) => d >= '1970-01-01', 'a day from 1970-01-01 on');

const near = z
  .string()
  .regex(/^-?\d{1,3}(\.\d+)?,-?\d{1,3}(\.\d+)?$/, 'lat,lng in degrees, e.g. 52.0374,5.0963')
  .transform((text) => {
    const [lat, lng] = text.split(',').map(Number);
    return { lat, lng };
  })
  .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180, 'lat within -90..90 and lng within -180..180');

const geohashPrefix = new RegExp(`^[0-9b-hjkmnp-z]{1,${AREA_PRECISION}}$`);

const whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export class DemandQuery extends createZodDto(
  z
    .strictObject({
      shopId,
      timeZone: ianaTimeZone
        .default('UTC')
        .describe('IANA time zone whose clock days, weekdays and hours are read on, e.g. Europe/Amsterdam (daylight saving time included)'),
      from: day.optional().describe('First day of delivery windows counted (included), on the clock of timeZone'),
      to: day.optional().describe('Last day counted (included)'),
      weekday: z.enum(WEEKDAYS).optional().describe('Only windows starting on this weekday'),
      fromHour: whole(0, 23).default(0).describe('Only windows starting at or after this hour (0–23)'),
      toHour: whole(1, 24).default(24).describe('Only windows starting before this hour (1–24): fromHour=14&toHour=16 is 14:00–15:59'),
      near: near.optional().describe('lat,lng: only orders whose address cell’s centre is within radiusMeters of this point'),
      radiusMeters: z.coerce.number().min(10).max(MAX_RADIUS_METERS).optional().describe(`With near: metres (default ${DEFAULT_RADIUS_METERS})`),
      area: z
        .string()
        .refine((a) => a === UNKNOWN_AREA || geohashPrefix.test(a), `a geohash of 1–${AREA_PRECISION} characters, or "${UNKNOWN_AREA}"`)
        .optional()
        .describe(`Only orders in this geohash cell (a prefix of their area), or "${UNKNOWN_AREA}": those without coordinates`),
      areaPrecision: whole(1, AREA_PRECISION)
        .default(6)
        .describe(`Geohash characters the counts are grouped by: 5 ≈ 4.9 × 4.9 km, 6 ≈ 1.2 × 0.6 km, 7 ≈ 153 × 153 m (at the equator)`),
      format: z.enum(['json', 'csv']).default('json').describe('csv: every row, with a header row (no paging)'),
      limit: whole(1, MAX_PAGE_SIZE).optional().describe(`json: rows per page (default ${DEFAULT_PAGE_SIZE})`),
      cursor: z.string().max(500).optional().describe('json: nextCursor of the previous page'),
    })
    .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'to must not be before from' })
    .refine((q) => q.fromHour < q.toHour, { path: ['toHour'], message: 'toHour must be after fromHour' })
    .refine((q) => q.radiusMeters === undefined || q.near !== undefined, { path: ['radiusMeters'], message: 'radiusMeters needs near' })
    .refine((q) => q.format === 'json' || (q.limit === undefined && q.cursor === undefined), {
      path: ['format'],
      message: 'csv exports every row: limit and cursor are for json pages',
    }),
) {}

const CountSchema = z.object({
  weekday: z.enum(WEEKDAYS),
  hour: z.number().int().describe('0–23, on the clock of timeZone'),
  hourOfWeek: z.number().int().describe('0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00'),
  area: z.string().describe(`Geohash of areaPrecision characters, or "${UNKNOWN_AREA}"`),
  orders: z.number().int().describe('Orders whose delivery window starts in that hour, there (cancelled and rejected ones not included)'),
  cancelled: z.number().int().describe('Orders cancelled or rejected: they never needed a rider'),
});

export class DemandCounts extends createZodDto(
  z.object({
    shopId: z.string(),
    timeZone: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    weekday: z.enum(WEEKDAYS).optional(),
    fromHour: z.number().int(),
    toHour: z.number().int(),
    near: z.object({ lat: z.number(), lng: z.number(), radiusMeters: z.number() }).optional(),
    area: z.string().optional(),
    areaPrecision: z.number().int(),
    totals: z.object({ orders: z.number().int(), cancelled: z.number().int() }).describe('Over every row of the filter, not only this page'),
    items: z.array(CountSchema).describe('By hourOfWeek, then area'),
    nextCursor: z.string().optional().describe('There are more rows: pass it as cursor'),
  }),
) {}

export class ForecastQuery extends createZodDto(
  z.strictObject({
    shopId,
    date: day.describe('The day to forecast, on the clock of timeZone'),
    timeZone: ianaTimeZone.default('UTC').describe('IANA time zone of the shop’s clock, e.g. Europe/Amsterdam'),
    weeks: whole(1, 52).default(8).describe('An ordinary day: how many earlier same weekdays to read'),
    years: whole(1, 10).default(3).describe('A peak day: how many earlier years of that day to read'),
    deliveriesPerRiderPerHour: z.coerce.number().min(0.1).max(60).default(3).describe('Deliveries one rider makes in an hour'),
  }),
) {}

export class DemandForecastView extends createZodDto(
  z.object({
    shopId: z.string(),
    timeZone: z.string(),
    date: z.string(),
    weekday: z.enum(WEEKDAYS),
    peakDay: z.enum(PEAK_DAY_NAMES).optional().describe('The peak day the date is, if any'),
    history: z.object({
      basis: z
        .enum(['same_weekday', 'peak_day'])
        .describe(
          'peak_day: the same peak day in earlier years; same_weekday: earlier weeks (a peak day without earlier years in the history falls back on it)',
        ),
      asked: z.number().int().describe('Weeks (same_weekday) or years (peak_day) asked for'),
      historyStartsOn: z.string().nullable().describe('First day with orders in the history; earlier days are not read'),
      days: z.array(z.object({ date: z.string(), orders: z.number().int() })).describe('The days read, newest first, with their orders'),
      skipped: z
        .array(z.object({ date: z.string(), peakDay: z.enum(PEAK_DAY_NAMES) }))
        .describe('Same weekdays left out as peak days (an older week was read instead)'),
    }),
    deliveriesPerRiderPerHour: z.number(),
    hours: z
      .array(z.object({ hour: z.number().int(), expectedOrders: z.number(), ridersNeeded: z.number().int() }))
      .describe('Hours 0–23 on the clock of timeZone; empty when there is no history to go on'),
    expectedOrders: z.number().describe('Over the day'),
    maxRidersNeeded: z.number().int().describe('The busiest hour’s riders'),
  }),
) {}
