import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A WooCommerce connection due for its check, and how far the last one read. */
export interface DuePoll {
  connectionId: string;
  modifiedAfter: Date;
}

/** The only code that reads and writes intake_poll_marks. */
@Injectable()
export class PollMarksStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes one enabled WooCommerce connection with write-back credentials whose check is due, and
   * leases it (next_poll_at moves on), so two replicas never poll one site at once. A connection's
   * first check reads from when it was made: what came before is not the intake's to take.
   */
  async claimDue(leaseMs: number): Promise<DuePoll | undefined> {
    const rows = await this.dataSource.query<Array<{ connection_id: string; modified_after: Date }>>(
      `INSERT INTO intake_poll_marks AS m (connection_id, modified_after, next_poll_at)
       SELECT c.connection_id, c.created_at, now() + make_interval(secs => $1::double precision / 1000)
       FROM intake_connections c
       LEFT JOIN intake_poll_marks p ON p.connection_id = c.connection_id
       WHERE c.platform = 'woocommerce' AND c.enabled AND c.credentials IS NOT NULL AND (p.next_poll_at IS NULL OR p.next_poll_at <= now())
       ORDER BY p.next_poll_at NULLS FIRST
       LIMIT 1
       ON CONFLICT (connection_id) DO UPDATE SET next_poll_at = EXCLUDED.next_poll_at WHERE m.next_poll_at <= now()
       RETURNING m.connection_id, m.modified_after`,
      [leaseMs],
    );
    return rows[0] && { connectionId: rows[0].connection_id, modifiedAfter: rows[0].modified_after };
  }

  /** A check read every page: the mark moves to the newest modification seen (never back). */
  async advance(connectionId: string, newestSeen: Date | undefined, ordersSeen: number, nextInMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE intake_poll_marks
          SET modified_after = GREATEST(modified_after, COALESCE($2, modified_after)), orders_seen = orders_seen + $3,
              last_polled_at = now(), last_error = NULL, next_poll_at = now() + make_interval(secs => $4::double precision / 1000)
        WHERE connection_id = $1`,
      [connectionId, newestSeen ?? null, ordersSeen, nextInMs],
    );
  }

  /** A check that failed: the mark stays, the next check reads the same again. */
  async failed(connectionId: string, error: string, nextInMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE intake_poll_marks SET last_error = $2, last_polled_at = now(), next_poll_at = now() + make_interval(secs => $3::double precision / 1000) WHERE connection_id = $1`,
      [connectionId, error.slice(0, 500), nextInMs],
    );
  }

  /** Staff or a test asking for a check now. */
  async dueNow(connectionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE intake_poll_marks SET next_poll_at = now() WHERE connection_id = $1`, [connectionId]);
  }
}
