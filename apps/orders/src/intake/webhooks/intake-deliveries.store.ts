import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '../secret-box';

/** What became of a delivery: IntakePlacer's outcomes, and what happens before it is reached. */
export const DELIVERY_OUTCOMES = [
  'placed',
  'updated',
  'duplicate',
  'stale',
  'needs_attention',
  'cancelled',
  /** Not an order to take (a WooCommerce checkout draft, a topic we do not take). */
  'skipped',
  /** Not the platform's order: nothing could be read from it. */
  'rejected',
  /** Processing failed on every attempt; kept for operators. */
  'failed',
  /** A signed sample sent by POST /intake/connections/{id}/test: mapped, never placed. */
  'tested',
  /** A platform's push alerted staff on the order (a partial refund, the buyer chasing it). */
  'flagged',
  /** A platform's push corrected the order (the recipient's privacy number). */
  'corrected',
  /** The platform closed the order: recorded, nothing changed. */
  'completed',
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** The topic of a signed sample sent by POST /intake/connections/{id}/test: mapped, never placed. */
export const TEST_TOPIC = 'petalpost/test';

export interface DeliveryView {
  deliveryId: string;
  eventId: string;
  topic: string;
  receivedAt: string;
  state: 'received' | 'processed' | 'failed';
  outcome?: DeliveryOutcome;
  reason?: string;
  intakeId?: string;
  orderId?: string;
  externalRef?: string;
}

export interface ClaimedDelivery {
  deliveryId: string;
  connectionId: string;
  shopId: string;
  eventId: string;
  topic: string;
  receivedAt: string;
  attempts: number;
  sealedBody: Buffer;
}

interface Row {
  delivery_id: string;
  event_id: string;
  topic: string;
  received_at: Date;
  state: DeliveryView['state'];
  outcome: DeliveryOutcome | null;
  reason: string | null;
  intake_id: string | null;
  order_id: string | null;
  external_ref: string | null;
}

const bodyAad = (deliveryId: string) => `intake-delivery:${deliveryId}`;

/**
 * The only code that reads or writes intake_deliveries: the inbox of webhook deliveries. A body is
 * sealed from the moment it is stored until it has been processed, then dropped (the order it
 * became is in the log); what became of it stays for the shop's "last deliveries".
 */
@Injectable()
export class IntakeDeliveries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  /** Stores a delivery unless this connection has it already (a replay): then nothing new is stored. */
  async store(input: {
    connectionId: string;
    shopId: string;
    eventId: string;
    topic: string;
    triggeredAt?: string;
    body: Buffer;
  }): Promise<{ deliveryId: string; duplicate: boolean }> {
    const deliveryId = randomUUID();
    const inserted = await this.dataSource.query<Array<{ delivery_id: string }>>(
      `INSERT INTO intake_deliveries (delivery_id, connection_id, shop_id, event_id, topic, triggered_at, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (connection_id, event_id) DO NOTHING RETURNING delivery_id`,
      [deliveryId, input.connectionId, input.shopId, input.eventId, input.topic, input.triggeredAt ?? null, this.box.seal(input.body, bodyAad(deliveryId))],
    );
    if (inserted.length > 0) return { deliveryId, duplicate: false };
    const [first] = await this.dataSource.query<Array<{ delivery_id: string }>>(
      `SELECT delivery_id FROM intake_deliveries WHERE connection_id = $1 AND event_id = $2`,
      [input.connectionId, input.eventId],
    );
    return { deliveryId: first.delivery_id, duplicate: true };
  }

  /**
   * Claims received deliveries that are due, oldest first, for `leaseMs`: SKIP LOCKED, so replicas
   * claim different ones; a claim whose worker died runs out and is claimed again, so a crash
   * between storing and processing loses nothing.
   */
  async claim(limit: number, leaseMs: number, deliveryId?: string): Promise<ClaimedDelivery[]> {
    // Selected from the UPDATE's rows: RETURNING keeps no order, and a batch is placed in the order received.
    const rows = await this.dataSource.query<
      Array<{ delivery_id: string; connection_id: string; shop_id: string; event_id: string; topic: string; received_at: Date; attempts: number; body: Buffer }>
    >(
      `WITH claimed AS (
         UPDATE intake_deliveries d
            SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
          WHERE d.delivery_id IN (
            SELECT delivery_id FROM intake_deliveries
             WHERE state = 'received' AND next_attempt_at <= now() AND ($3::uuid IS NULL OR delivery_id = $3::uuid)
             ORDER BY received_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING d.delivery_id, d.connection_id, d.shop_id, d.event_id, d.topic, d.attempts, d.body, d.received_at)
       SELECT delivery_id, connection_id, shop_id, event_id, topic, received_at, attempts, body FROM claimed ORDER BY received_at, delivery_id`,
      [limit, leaseMs, deliveryId ?? null],
    );
    return rows.map((row) => ({
      deliveryId: row.delivery_id,
      connectionId: row.connection_id,
      shopId: row.shop_id,
      eventId: row.event_id,
      topic: row.topic,
      receivedAt: row.received_at.toISOString(),
      attempts: row.attempts,
      sealedBody: row.body,
    }));
  }

  /** The delivery's body as it was received (throws when the box was altered or sealed under another key). */
  body(claim: ClaimedDelivery): Buffer {
    return this.box.open(claim.sealedBody, bodyAad(claim.deliveryId));
  }

  /** What became of it; the body goes. */
  async record(
    deliveryId: string,
    result: { outcome: DeliveryOutcome; reason?: string; intakeId?: string; orderId?: string; externalRef?: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE intake_deliveries
          SET state = 'processed', body = NULL, outcome = $2, reason = $3, intake_id = $4, order_id = $5, external_ref = $6, processed_at = now(), last_error = NULL
        WHERE delivery_id = $1`,
      [deliveryId, result.outcome, result.reason?.slice(0, 500) ?? null, result.intakeId ?? null, result.orderId ?? null, result.externalRef ?? null],
    );
  }

  /** A failed attempt: tried again after `retryInMs`, or, after the last, parked as failed (its body kept for operators). */
  async failed(deliveryId: string, error: string, retryInMs: number | undefined): Promise<void> {
    await this.dataSource.query(
      retryInMs === undefined
        ? `UPDATE intake_deliveries SET state = 'failed', outcome = 'failed', last_error = $2, reason = $2, processed_at = now() WHERE delivery_id = $1`
        : `UPDATE intake_deliveries SET last_error = $2, next_attempt_at = now() + make_interval(secs => $3::double precision / 1000) WHERE delivery_id = $1`,
      retryInMs === undefined ? [deliveryId, error.slice(0, 500)] : [deliveryId, error.slice(0, 500), retryInMs],
    );
  }

  async recent(connectionId: string, limit: number): Promise<DeliveryView[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT delivery_id, event_id, topic, received_at, state, outcome, reason, intake_id, order_id, external_ref
         FROM intake_deliveries WHERE connection_id = $1 ORDER BY received_at DESC, delivery_id LIMIT $2`,
      [connectionId, limit],
    );
    return rows.map(viewOf);
  }

  async get(deliveryId: string): Promise<DeliveryView | undefined> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT delivery_id, event_id, topic, received_at, state, outcome, reason, intake_id, order_id, external_ref FROM intake_deliveries WHERE delivery_id = $1`,
      [deliveryId],
    );
    return rows[0] && viewOf(rows[0]);
  }
}

function viewOf(row: Row): DeliveryView {
  return {
    deliveryId: row.delivery_id,
    eventId: row.event_id,
    topic: row.topic,
    receivedAt: row.received_at.toISOString(),
    state: row.state,
    ...(row.outcome ? { outcome: row.outcome } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.intake_id ? { intakeId: row.intake_id } : {}),
    ...(row.order_id ? { orderId: row.order_id } : {}),
    ...(row.external_ref ? { externalRef: row.external_ref } : {}),
  };
}
