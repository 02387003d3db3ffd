import type { DataSource, EntityManager } from 'typeorm';
import { type DeliveryStatus, OPEN_STATUSES } from './projections/delivery.entity';
import type { PlanningSituation } from '../planning/domain/plan-instance';
import type { Arrivals } from './domain/delivery-risk';
import { withTimeZone } from '../shared/time-zone-query';

/** An open delivery with a rider, as the board knows it. */
export interface OpenDelivery {
  orderId: string;
  shopId: string;
  riderId: string;
  status: DeliveryStatus;
  windowFrom: Date;
  windowTo: Date;
  deadline: Date | null;
  destination: { lat: number; lng: number } | null;
}

interface OpenRow {
  order_id: string;
  shop_id: string;
  rider_id: string;
  status: DeliveryStatus;
  window_from: Date;
  window_to: Date;
  deadline: Date | null;
  address_lat: number | null;
  address_lng: number | null;
}

/** Every rider with an open delivery on the board, by shop. */
export async function ridersWithOpenDeliveries(db: EntityManager | DataSource): Promise<Array<{ shopId: string; riderId: string }>> {
  const rows = await db.query<Array<{ shop_id: string; rider_id: string }>>(
    `SELECT DISTINCT shop_id, rider_id FROM deliveries WHERE rider_id IS NOT NULL AND status = ANY($1)`,
    [OPEN_STATUSES],
  );
  return rows.map((r) => ({ shopId: r.shop_id, riderId: r.rider_id }));
}

/** A rider's open deliveries in one shop, by window end and order id. */
export async function openDeliveriesOf(db: EntityManager | DataSource, rider: { shopId: string; riderId: string }): Promise<OpenDelivery[]> {
  const rows = await db.query<OpenRow[]>(
    `SELECT order_id, shop_id, rider_id, status, window_from, window_to, deadline, address_lat, address_lng
       FROM deliveries WHERE shop_id = $1 AND rider_id = $2 AND status = ANY($3) ORDER BY window_to, order_id`,
    [rider.shopId, rider.riderId, OPEN_STATUSES],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    shopId: r.shop_id,
    riderId: r.rider_id,
    status: r.status,
    windowFrom: r.window_from,
    windowTo: r.window_to,
    deadline: r.deadline,
    destination: r.address_lat !== null && r.address_lng !== null ? { lat: r.address_lat, lng: r.address_lng } : null,
  }));
}

/** Open deliveries whose window closed before `now`, with or without a rider. */
export async function lateDeliveries(
  db: EntityManager | DataSource,
  now: Date,
): Promise<Array<Pick<OpenDelivery, 'orderId' | 'shopId' | 'windowTo'> & { riderId: string | null }>> {
  const rows = await db.query<Array<{ order_id: string; shop_id: string; rider_id: string | null; window_to: Date }>>(
    `SELECT order_id, shop_id, rider_id, window_to FROM deliveries WHERE status = ANY($1) AND window_to < $2`,
    [OPEN_STATUSES, now],
  );
  return rows.map((r) => ({ orderId: r.order_id, shopId: r.shop_id, riderId: r.rider_id, windowTo: r.window_to }));
}

/** The shop's open deliveries, earliest window first, with or without a rider: what a plan is made of. */
export async function deliveriesToPlan(db: EntityManager | DataSource, shopId: string): Promise<PlanningSituation['deliveries']> {
  const rows = await db.query<
    Array<{
      order_id: string;
      status: string;
      window_from: Date;
      window_to: Date;
      address_lat: number | null;
      address_lng: number | null;
      rider_id: string | null;
      bouquets: number;
      deadline: Date | null;
    }>
  >(
    `SELECT order_id, status, window_from, window_to, address_lat, address_lng, rider_id, bouquets, deadline FROM deliveries
      WHERE shop_id = $1 AND status IN ('awaiting_assignment', 'ready_for_pickup', 'out_for_delivery')
      ORDER BY window_from, order_id`,
    [shopId],
  );
  return rows.map((r) => ({
    orderId: r.order_id,
    status: r.status,
    windowFrom: r.window_from.toISOString(),
    windowTo: r.window_to.toISOString(),
    lat: r.address_lat,
    lng: r.address_lng,
    riderId: r.rider_id,
    bouquets: r.bouquets,
    deadline: r.deadline?.toISOString() ?? null,
  }));
}

/** How the board stands for these orders (missing ones are not on the board): what an assignment decision is taken against. */
export async function boardRowsOf(
  db: EntityManager | DataSource,
  orderIds: readonly string[],
): Promise<Map<string, { status: string; riderId: string | null; windowTo: string }>> {
  const rows = await db.query<Array<{ order_id: string; status: string; rider_id: string | null; window_to: Date }>>(
    `SELECT order_id, status, rider_id, window_to FROM deliveries WHERE order_id = ANY($1)`,
    [orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, { status: r.status, riderId: r.rider_id, windowTo: r.window_to.toISOString() }]));
}

/** What dispatch last predicted and flagged for these orders (missing ones: nothing yet). */
export async function arrivalsOf(db: EntityManager | DataSource, orderIds: readonly string[]): Promise<Map<string, Arrivals>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db.query<
    Array<{
      order_id: string;
      eta: Date | null;
      eta_rider_id: string | null;
      at_risk_for: Date | null;
      at_risk_since: Date | null;
      late_for: Date | null;
      late_since: Date | null;
    }>
  >(`SELECT order_id, eta, eta_rider_id, at_risk_for, at_risk_since, late_for, late_since FROM delivery_arrivals WHERE order_id = ANY($1)`, [orderIds]);
  return new Map(
    rows.map((r) => [
      r.order_id,
      { eta: r.eta, etaRiderId: r.eta_rider_id, atRiskFor: r.at_risk_for, atRiskSince: r.at_risk_since, lateFor: r.late_for, lateSince: r.late_since },
    ]),
  );
}

export interface LatenessFilter {
  shopId: string;
  /** An IANA name: weekdays, hours and days are read on its clock. */
  timeZone: string;
  /** First and last day of window starts, both included, YYYY-MM-DD. */
  from?: string;
  to?: string;
}

/** One hour of the week: 0 = Monday 00:00–01:00 … 167 = Sunday 23:00–24:00. */
export interface HourLateness {
  hourOfWeek: number;
  delivered: number;
  late: number;
}

/**
 * A shop's delivered orders by the hour of the week their window started in, and how many of them
 * were late: delivered after the window's end, or — for rows delivered before the board kept the
 * time — flagged late by dispatch. Every one of the 168 hours is answered, in order.
 */
export async function latenessByHourOfWeek(db: EntityManager | DataSource, filter: LatenessFilter): Promise<HourLateness[]> {
  const params: unknown[] = [filter.shopId, filter.timeZone];
  const where = [`d.shop_id = $1`, `d.status = 'delivered'`];
  // Days are bounded by their midnights on the zone's clock, so the board's (shop, status, window_from) index serves.
  if (filter.from) where.push(`d.window_from >= $${params.push(filter.from)}::date::timestamp AT TIME ZONE $2::text`);
  if (filter.to) where.push(`d.window_from < ($${params.push(filter.to)}::date + 1)::timestamp AT TIME ZONE $2::text`);
  const local = `(d.window_from AT TIME ZONE $2::text)`;
  return withTimeZone(() =>
    db.query<HourLateness[]>(
      `WITH delivered AS (
         SELECT ((extract(isodow FROM ${local}) - 1) * 24 + extract(hour FROM ${local}))::int AS hour_of_week,
                CASE WHEN d.delivered_at IS NOT NULL THEN d.delivered_at > d.window_to ELSE coalesce(a.late_for = d.window_to, false) END AS late
         FROM deliveries d LEFT JOIN delivery_arrivals a ON a.order_id = d.order_id
         WHERE ${where.join(' AND ')}
       )
       SELECT h AS "hourOfWeek", count(delivered.hour_of_week)::int AS delivered, (count(*) FILTER (WHERE delivered.late))::int AS late
       FROM generate_series(0, 167) AS h LEFT JOIN delivered ON delivered.hour_of_week = h
       GROUP BY h ORDER BY h`,
      params,
    ),
  );
}
