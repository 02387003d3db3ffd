import { exhaustive, type IntegrationEvent } from '@petalpost/contracts';
import type { DataSource } from 'typeorm';
import type { NextStep } from './domain/webhook-retry';

export interface ClaimedDelivery {
  deliveryId: string;
  subscriptionId: string;
  eventType: string;
  /** This attempt's number in the current round (a dead letter's retry starts a new round). */
  attempt: number;
  url: string;
  enabled: boolean;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  event: IntegrationEvent;
}

interface ClaimRow {
  delivery_id: string;
  subscription_id: string;
  event_type: string;
  attempts: number;
  url: string;
  enabled: boolean;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  envelope: IntegrationEvent;
}

/**
 * Takes up to `limit` due deliveries. SKIP LOCKED lets several workers (replicas) claim side by
 * side without waiting for or taking each other's rows. A claim is a lease: next_attempt_at moves
 * past the attempt's timeout, so if this worker dies mid-attempt the delivery becomes due again
 * (the receiver may then see it twice, with the same webhook id, and drops the second).
 */
export async function claimDueDeliveries(dataSource: DataSource, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  const rows = await dataSource.query<ClaimRow[]>(
    `WITH due AS (
       SELECT delivery_id FROM webhook_deliveries
       WHERE status = 'pending' AND next_attempt_at <= now()
       ORDER BY next_attempt_at, seq
       LIMIT $1
       FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
       FROM due WHERE d.delivery_id = due.delivery_id
       RETURNING d.delivery_id, d.subscription_id, d.event_id, d.event_type, d.attempts, d.seq
     )
     SELECT c.delivery_id, c.subscription_id, c.event_type, c.attempts,
            s.url, s.enabled, s.secret, s.previous_secret, s.previous_secret_expires_at, e.envelope
     FROM claimed c
     JOIN webhook_subscriptions s ON s.subscription_id = c.subscription_id
     JOIN webhook_events e ON e.event_id = c.event_id
     ORDER BY c.seq`,
    [limit, leaseMs],
  );
  return rows.map((r) => ({
    deliveryId: r.delivery_id,
    subscriptionId: r.subscription_id,
    eventType: r.event_type,
    attempt: r.attempts,
    url: r.url,
    enabled: r.enabled,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretExpiresAt: r.previous_secret_expires_at,
    event: r.envelope,
  }));
}

/** Claims abandoned because the service is stopping: due again at once, and the attempt not counted. */
export async function releaseClaims(dataSource: DataSource, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await dataSource.query(
    `UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = now() WHERE delivery_id = ANY($1::uuid[]) AND status = 'pending'`,
    [deliveryIds],
  );
}

export interface AttemptRecord {
  deliveryId: string;
  subscriptionId: string;
  attempt: number;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  step: NextStep;
}

// Milliseconds only: what JavaScript's Date holds, so a time read back compares equal (the dead letters' cursor).
const NOW_MS = `date_trunc('milliseconds', now())`;

/** The attempt's row and what follows from it, in one transaction. */
export async function recordAttempt(dataSource: DataSource, record: AttemptRecord): Promise<void> {
  const { deliveryId, subscriptionId, attempt, attemptedAt, durationMs, statusCode, error, step } = record;
  await dataSource.transaction(async (db) => {
    await db.query(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, status_code, error) VALUES ($1, $2, $3, $4, $5, $6)`,
      [deliveryId, attempt, attemptedAt, durationMs, statusCode, error],
    );
    // Only a pending delivery moves on: one cancelled meanwhile (its subscription disabled) stays cancelled.
    switch (step.kind) {
      case 'delivered':
        await db.query(
          `UPDATE webhook_deliveries SET status = 'delivered', finished_at = ${NOW_MS}, last_status_code = $2, last_error = NULL WHERE delivery_id = $1 AND status = 'pending'`,
          [deliveryId, statusCode],
        );
        return;
      case 'retry':
        await db.query(
          `UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $4::double precision / 1000), last_status_code = $2, last_error = $3
           WHERE delivery_id = $1 AND status = 'pending'`,
          [deliveryId, statusCode, error, step.delayMs],
        );
        return;
      case 'dead_letter':
        await db.query(
          `UPDATE webhook_deliveries SET status = 'dead_letter', finished_at = ${NOW_MS}, last_status_code = $2, last_error = $3 WHERE delivery_id = $1 AND status = 'pending'`,
          [deliveryId, statusCode, error],
        );
        return;
      case 'gone':
        await db.query(`UPDATE webhook_subscriptions SET enabled = false, disabled_reason = 'gone', updated_at = now() WHERE subscription_id = $1`, [
          subscriptionId,
        ]);
        await cancelPendingDeliveries(db, subscriptionId, 'the receiver answered 410 Gone: the subscription was disabled');
        return;
      default:
        exhaustive(step);
    }
  });
}

/** A disabled subscription receives nothing more: what was still waiting for it is cancelled (a replay can re-send it). */
export async function cancelPendingDeliveries(db: Pick<DataSource, 'query'>, subscriptionId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'cancelled', finished_at = ${NOW_MS}, last_error = $2 WHERE subscription_id = $1 AND status = 'pending'`,
    [subscriptionId, reason],
  );
}
