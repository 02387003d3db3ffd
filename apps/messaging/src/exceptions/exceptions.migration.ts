import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exception reports: the read model behind the list, the escalation and the analytics, and what
 * messaging knows of each order's shop and rider. The reports themselves live in the service's
 * event log (EventStore1764000000000).
 */
export class ExceptionReports1764000000500 implements MigrationInterface {
  name = 'ExceptionReports1764000000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE exception_reports (
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
      )`);
    await db.query(`CREATE INDEX exception_reports_shop_reported ON exception_reports (shop_id, reported_at)`);
    await db.query(`CREATE INDEX exception_reports_unacknowledged ON exception_reports (reported_at) WHERE status = 'reported' AND escalated_at IS NULL`);
    await db.query(`
      CREATE TABLE exception_order_assignments (
        order_id   text PRIMARY KEY,
        shop_id    text NOT NULL,
        rider_id   text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE exception_order_assignments`);
    await db.query(`DROP TABLE exception_reports`);
  }
}
