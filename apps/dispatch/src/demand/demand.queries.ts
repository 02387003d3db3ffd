import { toCsv } from '@petalpost/platform';
import type { EntityManager } from 'typeorm';
import { WEEKDAYS, type Weekday } from './domain/demand-calendar';
import type { HourCount } from './domain/demand-forecast';
import { withTimeZone } from '../shared/time-zone-query';

/** Mean radius of the earth (IUGG), metres: a sphere is within 0.5 % of the real distance. */
const EARTH_RADIUS_METERS = 6_371_008.8;

export interface NearPoint {
  lat: number;
  lng: number;
  radiusMeters: number;
}

export interface DemandFilter {
  shopId: string;
  /** An IANA name: days, weekdays and hours are read on its clock. */
  timeZone: string;
  /** First and last day, both included, YYYY-MM-DD. */
  from?: string;
  to?: string;
  weekday?: Weekday;
  /** Window starts from fromHour:00 up to (not including) toHour:00. */
  fromHour: number;
  toHour: number;
  near?: NearPoint;
  /** A geohash prefix, or 'unknown' for orders without a known area. */
  area?: string;
  /** The length of geohash the counts are grouped by. */
  areaPrecision: number;
}

export interface DemandCount {
  weekday: Weekday;
  hour: number;
  /** 0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00. */
  hourOfWeek: number;
  area: string;
  orders: number;
  cancelled: number;
}

export interface DemandPage {
  totals: { orders: number; cancelled: number };
  items: DemandCount[];
  /** The sort key of the page's last row, when more follow. */
  after?: [number, string];
}

export const UNKNOWN_AREA = 'unknown';

/**
 * Orders of one shop by hour of the week × area, ordered by (hourOfWeek, area), `limit` at a time
 * after `after`; the totals count every row of the filter, not only the page's.
 */
export async function demandCounts(db: EntityManager, filter: DemandFilter, page: { limit?: number; after?: [number, string] } = {}): Promise<DemandPage> {
  const { where, params } = sliceOf(filter);
  const local = `(window_from AT TIME ZONE $2::text)`;
  const precision = param(params, filter.areaPrecision);
  const conditions: string[] = [];
  if (page.after) {
    const [hourOfWeek, area] = [param(params, page.after[0]), param(params, page.after[1])];
    conditions.push(`(hour_of_week > ${hourOfWeek}::int OR (hour_of_week = ${hourOfWeek}::int AND area > ${area}::text COLLATE "C"))`);
  }
  const limit = page.limit === undefined ? '' : `LIMIT ${param(params, page.limit + 1)}`;
  // One row per group of the page, each carrying the totals; one row of totals and nulls when the page is empty.
  const rows: Array<
    { total_orders: number; total_cancelled: number } & ({ hour_of_week: number; area: string; orders: number; cancelled: number } | { hour_of_week: null })
  > = await withTimeZone(() =>
    db.query(
      `WITH grouped AS (
           SELECT ((extract(isodow FROM ${local}) - 1) * 24 + extract(hour FROM ${local}))::int AS hour_of_week,
                  coalesce(left(area, ${precision}), '${UNKNOWN_AREA}') COLLATE "C" AS area,
                  (count(*) FILTER (WHERE NOT cancelled))::int AS orders,
                  (count(*) FILTER (WHERE cancelled))::int AS cancelled
           FROM demand_orders WHERE ${where.join(' AND ')}
           GROUP BY 1, 2
         )
         SELECT t.total_orders, t.total_cancelled, page.*
         FROM (SELECT coalesce(sum(orders), 0)::int AS total_orders, coalesce(sum(cancelled), 0)::int AS total_cancelled FROM grouped) t
         LEFT JOIN LATERAL (
           SELECT * FROM grouped ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY hour_of_week, area ${limit}
         ) page ON true`,
      params,
    ),
  );
  const items = rows.flatMap((r) =>
    r.hour_of_week === null
      ? []
      : [
          {
            weekday: WEEKDAYS[Math.floor(r.hour_of_week / 24)],
            hour: r.hour_of_week % 24,
            hourOfWeek: r.hour_of_week,
            area: r.area,
            orders: r.orders,
            cancelled: r.cancelled,
          },
        ],
  );
  const more = page.limit !== undefined && items.length > page.limit;
  const shown = more ? items.slice(0, page.limit) : items;
  const last = shown.at(-1);
  return {
    totals: { orders: rows[0]?.total_orders ?? 0, cancelled: rows[0]?.total_cancelled ?? 0 },
    items: shown,
    ...(more && last ? { after: [last.hourOfWeek, last.area] as [number, string] } : {}),
  };
}

/** The counts as CSV, one row per hour of the week × area, with a header row. */
export function demandCsv(items: readonly DemandCount[]): string {
  return toCsv(
    ['weekday', 'hour', 'hour_of_week', 'area', 'orders', 'cancelled'],
    items.map((r) => [r.weekday, r.hour, r.hourOfWeek, r.area, r.orders, r.cancelled]),
  );
}

/** The first day (on the clock of `timeZone`) the shop has orders for, cancelled ones included: history starts there. */
export async function historyStartsOn(db: EntityManager, shopId: string, timeZone: string): Promise<string | null> {
  const [row]: Array<{ first_day: string | null }> = await withTimeZone(() =>
    db.query(`SELECT to_char(min(window_from) AT TIME ZONE $2::text, 'YYYY-MM-DD') AS first_day FROM demand_orders WHERE shop_id = $1`, [shopId, timeZone]),
  );
  return row?.first_day ?? null;
}

/** Orders that needed a rider (not cancelled or rejected), by day and hour of their window's start, on those days only. */
export async function hourlyCounts(db: EntityManager, shopId: string, timeZone: string, days: readonly string[]): Promise<HourCount[]> {
  if (days.length === 0) return [];
  const rows: HourCount[] = await withTimeZone(() =>
    db.query(
      `SELECT to_char(d.day, 'YYYY-MM-DD') AS date, extract(hour FROM o.window_from AT TIME ZONE $2::text)::int AS hour, count(*)::int AS orders
       FROM unnest($3::date[]) AS d(day)
       JOIN demand_orders o ON o.shop_id = $1 AND NOT o.cancelled
        AND o.window_from >= d.day::timestamp AT TIME ZONE $2::text AND o.window_from < (d.day + 1)::timestamp AT TIME ZONE $2::text
       GROUP BY d.day, hour`,
      [shopId, timeZone, days],
    ),
  );
  return rows;
}

/** The filter's WHERE, as conditions on demand_orders with their parameters ($1 the shop, $2 the time zone). */
function sliceOf(filter: DemandFilter): { where: string[]; params: unknown[] } {
  const params: unknown[] = [filter.shopId, filter.timeZone];
  const local = `(window_from AT TIME ZONE $2::text)`;
  const where = ['shop_id = $1'];
  // Days are bounded by their midnights on the zone's clock, so the index on window_from serves.
  if (filter.from) where.push(`window_from >= ${param(params, filter.from)}::date::timestamp AT TIME ZONE $2::text`);
  if (filter.to) where.push(`window_from < (${param(params, filter.to)}::date + 1)::timestamp AT TIME ZONE $2::text`);
  if (filter.weekday) where.push(`extract(isodow FROM ${local}) = ${param(params, WEEKDAYS.indexOf(filter.weekday) + 1)}`);
  if (filter.fromHour > 0) where.push(`extract(hour FROM ${local}) >= ${param(params, filter.fromHour)}`);
  if (filter.toHour < 24) where.push(`extract(hour FROM ${local}) < ${param(params, filter.toHour)}`);
  if (filter.area === UNKNOWN_AREA) where.push(`area IS NULL`);
  else if (filter.area) where.push(`starts_with(area, ${param(params, filter.area)})`);
  if (filter.near) {
    // Haversine from the point to the centre of the order's cell; least() keeps rounding out of asin's domain error.
    const [lat, lng, radius] = [param(params, filter.near.lat), param(params, filter.near.lng), param(params, filter.near.radiusMeters)];
    where.push(
      `2 * ${EARTH_RADIUS_METERS} * asin(least(1, sqrt(power(sin(radians(area_lat - ${lat}::float8) / 2), 2) + cos(radians(${lat}::float8)) * cos(radians(area_lat)) * power(sin(radians(area_lng - ${lng}::float8) / 2), 2)))) <= ${radius}::float8`,
    );
  }
  return { where, params };
}

/** Adds a parameter and answers its placeholder. */
function param(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}
