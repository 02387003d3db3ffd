import type { ExceptionEvent } from '@petalpost/contracts';
import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { geohash, hourOfWeek } from '../domain/report-area';

export const EXCEPTION_REPORTS = 'exception_reports';

/** Exception streams share the service's log with conversations: this read model takes only theirs. */
export const isExceptionEvent = (event: StoredEvent): boolean => event.streamId.startsWith('exception-');

/**
 * One row per report: the list, the escalation's due reports and the analytics read it. The
 * area is a 5-character geohash of where the report was made; `hour_of_week` is in UTC (analytics
 * counts hours of the week from `reported_at` instead, in the time zone it is asked for).
 */
export const exceptionReportsProjection: Projection = {
  name: 'exception-reports',
  version: 1,
  tables: [EXCEPTION_REPORTS],
  async handle(events, db, tables) {
    const table = tables[EXCEPTION_REPORTS];
    for (const stored of events.filter(isExceptionEvent)) await apply(db, table, stored as StoredEvent & ExceptionEvent);
  },
};

async function apply(db: EntityManager, table: string, event: StoredEvent & ExceptionEvent): Promise<void> {
  const version = event.streamVersion;
  switch (event.type) {
    case 'ExceptionReported': {
      const d = event.data;
      await db.query(
        `INSERT INTO ${table} (exception_id, order_id, shop_id, type, status, rider_id, reported_by, reported_by_role, details, lat, lng, accuracy,
                               area, hour_of_week, minutes_late, reported_at, version)
         VALUES ($1, $2, $3, $4, 'reported', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (exception_id) DO NOTHING`,
        [
          d.exceptionId,
          d.orderId,
          d.shopId,
          d.details.type,
          d.riderId ?? null,
          d.reportedBy.subject,
          d.reportedBy.role,
          JSON.stringify(d.details),
          d.position.lat,
          d.position.lng,
          d.position.accuracy ?? null,
          geohash(d.position.lat, d.position.lng),
          hourOfWeek(d.reportedAt),
          d.details.type === 'running_late' ? d.details.minutesLate : null,
          d.reportedAt,
          version,
        ],
      );
      return;
    }
    case 'ExceptionAcknowledged':
      await db.query(`UPDATE ${table} SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3, version = $4 WHERE exception_id = $1`, [
        event.data.exceptionId,
        event.data.acknowledgedAt,
        event.data.acknowledgedBy.subject,
        version,
      ]);
      return;
    case 'ExceptionResolved':
      await db.query(`UPDATE ${table} SET status = 'resolved', resolved_at = $2, resolved_by = $3, outcome = $4, version = $5 WHERE exception_id = $1`, [
        event.data.exceptionId,
        event.data.resolvedAt,
        event.data.resolvedBy.subject,
        event.data.outcome,
        version,
      ]);
      return;
    case 'ExceptionEscalated':
      await db.query(`UPDATE ${table} SET escalated_at = $2, version = $3 WHERE exception_id = $1`, [event.data.exceptionId, event.data.escalatedAt, version]);
      return;
  }
}
