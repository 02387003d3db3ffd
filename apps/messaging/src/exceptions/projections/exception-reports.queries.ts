import type { ExceptionOutcome, ExceptionStatus, ExceptionType } from '@petalpost/contracts';
import type { EntityManager } from 'typeorm';
import { toCsv } from '@petalpost/platform';

export interface ListFilter {
  shopId?: string;
  status?: ExceptionStatus;
  type?: ExceptionType;
  /** Reports made at or after this time. */
  from?: string;
  /** Only the reports this rider made or that name them (exception-access.ts). */
  riderId?: string;
  limit: number;
}

interface ListRow {
  exception_id: string;
  order_id: string;
  shop_id: string;
  status: ExceptionStatus;
  type: ExceptionType;
  rider_id: string | null;
  reported_by: string;
  area: string;
  reported_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  outcome: ExceptionOutcome | null;
  escalated_at: Date | null;
}

/** Newest first. */
export async function listExceptions(db: EntityManager, filter: ListFilter) {
  const rows: ListRow[] = await db.query(
    `SELECT * FROM exception_reports
     WHERE ($1::text IS NULL OR shop_id = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR type = $3)
       AND ($5::timestamptz IS NULL OR reported_at >= $5)
       AND ($6::text IS NULL OR rider_id = $6 OR (reported_by_role = 'rider' AND reported_by = $6))
     ORDER BY reported_at DESC, exception_id LIMIT $4`,
    [filter.shopId ?? null, filter.status ?? null, filter.type ?? null, filter.limit, filter.from ?? null, filter.riderId ?? null],
  );
  return rows.map((r) => ({
    exceptionId: r.exception_id,
    orderId: r.order_id,
    shopId: r.shop_id,
    status: r.status,
    type: r.type,
    ...(r.rider_id ? { riderId: r.rider_id } : {}),
    reportedBy: r.reported_by,
    area: r.area,
    reportedAt: r.reported_at.toISOString(),
    ...(r.acknowledged_at ? { acknowledgedAt: r.acknowledged_at.toISOString() } : {}),
    ...(r.resolved_at ? { resolvedAt: r.resolved_at.toISOString() } : {}),
    ...(r.outcome ? { outcome: r.outcome } : {}),
    ...(r.escalated_at ? { escalatedAt: r.escalated_at.toISOString() } : {}),
  }));
}

export interface AnalyticsFilter {
  shopId?: string;
  from: string;
  to: string;
  /** An IANA name, checked by the caller: the hours of the week are counted in it. */
  timeZone: string;
}

/** Every query below reads the same slice: one shop (or all), reports made in [from, to). */
const SLICE = `($1::text IS NULL OR shop_id = $1) AND reported_at >= $2 AND reported_at < $3`;

/**
 * 0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00, on the clock of the time zone in $4.
 * PostgreSQL's AT TIME ZONE applies the offset in force at each report, so daylight saving time is right.
 */
const HOUR_OF_WEEK = `((extract(isodow FROM reported_at AT TIME ZONE $4::text) - 1) * 24 + extract(hour FROM reported_at AT TIME ZONE $4::text))::int`;

/** Percentiles interpolate between neighbours (percentile_cont), in seconds. */
const percentilesOf = (end: string) => `
  SELECT count(*)::int AS count,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${end} - reported_at)) AS p50,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM ${end} - reported_at)) AS p90
  FROM exception_reports WHERE ${SLICE} AND ${end} IS NOT NULL`;

export async function exceptionAnalytics(db: EntityManager, filter: AnalyticsFilter) {
  const params = [filter.shopId ?? null, filter.from, filter.to];
  const withTimeZone = [...params, filter.timeZone];
  const [cube, addresses, delays, [ack], [resolution]] = await Promise.all([
    db.query(
      `SELECT type, area, ${HOUR_OF_WEEK} AS hour_in_zone, rider_id, count(*)::int AS count FROM exception_reports WHERE ${SLICE}
       GROUP BY type, area, hour_in_zone, rider_id ORDER BY count DESC, type, area, hour_in_zone, rider_id NULLS FIRST`,
      withTimeZone,
    ),
    db.query(
      `SELECT area, count(*)::int AS count,
              coalesce(array_agg(DISTINCT details->>'suggestedAddress') FILTER (WHERE details ? 'suggestedAddress'), '{}') AS suggested
       FROM exception_reports WHERE ${SLICE} AND type = 'address_not_found'
       GROUP BY area HAVING count(*) >= 2 ORDER BY count DESC, area`,
      params,
    ),
    db.query(
      `SELECT ${HOUR_OF_WEEK} AS hour_in_zone, count(*)::int AS count, sum(minutes_late)::int AS total
       FROM exception_reports WHERE ${SLICE} AND type = 'running_late'
       GROUP BY hour_in_zone ORDER BY count DESC, total DESC, hour_in_zone`,
      withTimeZone,
    ),
    db.query(percentilesOf('acknowledged_at'), params),
    db.query(percentilesOf('resolved_at'), params),
  ]);
  const seconds = (v: number | string | null) => (v === null ? null : Math.round(Number(v) * 1000) / 1000);
  const byTypeAreaHourRider = (cube as Array<{ type: ExceptionType; area: string; hour_in_zone: number; rider_id: string | null; count: number }>).map((r) => ({
    type: r.type,
    area: r.area,
    hourOfWeek: r.hour_in_zone,
    riderId: r.rider_id,
    count: r.count,
  }));
  return {
    from: filter.from,
    to: filter.to,
    ...(filter.shopId ? { shopId: filter.shopId } : {}),
    timeZone: filter.timeZone,
    total: byTypeAreaHourRider.reduce((sum, r) => sum + r.count, 0),
    byTypeAreaHourRider,
    repeatedAddressErrors: (addresses as Array<{ area: string; count: number; suggested: string[] }>).map((r) => ({
      area: r.area,
      count: r.count,
      suggestedAddresses: r.suggested,
    })),
    delaysByHourOfWeek: (delays as Array<{ hour_in_zone: number; count: number; total: number }>).map((r) => ({
      hourOfWeek: r.hour_in_zone,
      count: r.count,
      totalMinutesLate: r.total,
      averageMinutesLate: Math.round((r.total / r.count) * 100) / 100,
    })),
    timeToAcknowledge: { count: ack.count, p50Seconds: seconds(ack.p50), p90Seconds: seconds(ack.p90) },
    timeToResolve: { count: resolution.count, p50Seconds: seconds(resolution.p50), p90Seconds: seconds(resolution.p90) },
  };
}

export type ExceptionAnalyticsResult = Awaited<ReturnType<typeof exceptionAnalytics>>;

/** The type × area × hour-of-week × rider counts, one row each (their hours already in the zone asked for). */
export function analyticsCsv(result: Omit<ExceptionAnalyticsResult, 'timeZone'>): string {
  return toCsv(
    ['type', 'area', 'hour_of_week', 'rider_id', 'count'],
    result.byTypeAreaHourRider.map((r) => [r.type, r.area, r.hourOfWeek, r.riderId, r.count]),
  );
}
