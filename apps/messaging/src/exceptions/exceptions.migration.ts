import { sqlMigration } from '@petalpost/platform';

/**
 * Exception reports: the read model behind the list, the escalation and the analytics, and what
 * messaging knows of each order's shop and rider. The reports themselves live in the service's
 * event log (EventStore1764000000000).
 */
export const ExceptionReports1764000000500 = sqlMigration('ExceptionReports1764000000500', {
  up: [
    `CREATE TABLE exception_reports (
      exception_id       text PRIMARY KEY,
      order_id           text NOT NULL,
      shop_id            text NOT NULL,
      type               text NOT NULL,
      status             text NOT NULL,
      rider_id           text,
      reported_by        text NOT NULL,
      reported_by_role   text NOT NULL,
      details            jsonb NOT NULL,
      lat                double precision NOT NULL,
      lng                double precision NOT NULL,
      accuracy           double precision,
      area               text NOT NULL,
      hour_of_week       smallint NOT NULL,
      minutes_late       integer,
      reported_at        timestamptz NOT NULL,
      acknowledged_at    timestamptz,
      acknowledged_by    text,
      resolved_at        timestamptz,
      resolved_by        text,
      outcome            text,
      escalated_at       timestamptz,
      version            integer NOT NULL
    )`,
    `CREATE INDEX exception_reports_shop_reported ON exception_reports (shop_id, reported_at)`,
    `CREATE INDEX exception_reports_unacknowledged ON exception_reports (reported_at) WHERE status = 'reported' AND escalated_at IS NULL`,
    `CREATE TABLE exception_order_assignments (
      order_id   text PRIMARY KEY,
      shop_id    text NOT NULL,
      rider_id   text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE exception_order_assignments`, `DROP TABLE exception_reports`],
});
