import { sqlMigration } from '@petalpost/platform';

/**
 * Auto-dispatch. Kept from the plans log (the `plans` projection): `planned_stops` (the applied
 * plan's stops, which ETAs read), `shop_plans` (each shop's latest proposal) and
 * `dispatch_settings`. Kept by the replanner itself: which shops need a new plan, and which riders'
 * vehicles broke down.
 */
export const Planning1764000000700 = sqlMigration('Planning1764000000700', {
  up: [
    `CREATE TABLE planned_stops (
      order_id    text PRIMARY KEY,
      shop_id     text NOT NULL,
      plan_id     text NOT NULL,
      rider_id    text NOT NULL,
      trip        int NOT NULL,
      seq         int NOT NULL,
      arrive_at   timestamptz NOT NULL,
      window_from timestamptz NOT NULL,
      window_to   timestamptz NOT NULL
    )`,
    `CREATE INDEX planned_stops_shop ON planned_stops (shop_id, rider_id, trip, seq)`,
    `CREATE TABLE shop_plans (
      shop_id     text PRIMARY KEY,
      plan_id     text NOT NULL,
      plan        jsonb NOT NULL,
      proposed_at timestamptz NOT NULL,
      applied_at  timestamptz,
      applied_automatically boolean
    )`,
    `CREATE TABLE dispatch_settings (
      shop_id                text PRIMARY KEY,
      auto_apply             boolean NOT NULL,
      at_risk_margin_minutes int NOT NULL,
      service_minutes        int NOT NULL,
      depot_lat              double precision,
      depot_lng              double precision,
      time_zone              text,
      changed_at             timestamptz NOT NULL
    )`,
    // One row per shop that needs a plan; the claim takes it away (FOR UPDATE SKIP LOCKED), so two
    // replicas never plan the same request.
    `CREATE TABLE replan_requests (
      shop_id         text PRIMARY KEY,
      requested_at    timestamptz,
      trigger         text,
      urgent          boolean NOT NULL DEFAULT false,
      last_planned_at timestamptz
    )`,
    // The order events a request waits for the board to have applied (another consumer group).
    `CREATE TABLE replan_orders (
      order_id       text PRIMARY KEY,
      shop_id        text NOT NULL,
      stream_version int NOT NULL
    )`,
    `CREATE INDEX replan_orders_shop ON replan_orders (shop_id)`,
    `CREATE TABLE broken_vehicles (
      rider_id     text PRIMARY KEY,
      shop_id      text NOT NULL,
      exception_id text NOT NULL,
      reported_at  timestamptz NOT NULL,
      until        timestamptz NOT NULL
    )`,
  ],
  down: ['broken_vehicles', 'replan_orders', 'replan_requests', 'dispatch_settings', 'shop_plans', 'planned_stops'].map((table) => `DROP TABLE ${table}`),
});
