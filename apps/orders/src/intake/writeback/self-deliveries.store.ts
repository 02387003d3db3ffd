import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SelfDeliveryChange, SelfDeliveryWindow } from './domain/self-delivery';
import type { WritebackPlatform } from './domain/writeback-plan';

/** An order on the road with the shop's own rider, as the position consumer needs it. */
export interface ActiveSelfDelivery extends SelfDeliveryWindow {
  orderId: string;
  shopId: string;
  connectionId: string;
  platform: WritebackPlatform;
  externalRef: string;
  riderId: string;
}

interface Row {
  order_id: string;
  shop_id: string;
  connection_id: string;
  platform: WritebackPlatform;
  external_ref: string;
  rider_id: string;
  started_at: Date;
  ended_at: Date | null;
  last_position_at: Date | null;
}

/**
 * The only code that reads and writes intake_self_deliveries, always in the caller's consumer
 * transaction. Both consumers lock an order's row before they queue its write-back, so the order's
 * statuses and positions are queued (and numbered) in the order they are decided: a position
 * never lands after the "delivered" that ended the delivery.
 */
@Injectable()
export class SelfDeliveriesStore {
  /** Holds the order's row (when there is one) until the transaction ends. */
  async lock(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`SELECT 1 FROM intake_self_deliveries WHERE order_id = $1 FOR UPDATE`, [orderId]);
  }

  /**
   * Out for delivery (again): active from `at` with its rider. An event older than what the row
   * holds (one delivered again past the inbox) changes nothing.
   */
  async apply(
    manager: EntityManager,
    order: { orderId: string; shopId: string; connectionId: string; platform: WritebackPlatform; externalRef: string },
    change: SelfDeliveryChange,
  ): Promise<void> {
    if (change.kind === 'ended') {
      await manager.query(
        `UPDATE intake_self_deliveries SET ended_at = $2, ended_why = $3
         WHERE order_id = $1 AND ended_at IS NULL AND started_at <= $2`,
        [order.orderId, change.at, change.why],
      );
      return;
    }
    await manager.query(
      `INSERT INTO intake_self_deliveries (order_id, shop_id, connection_id, platform, external_ref, rider_id, started_at)
       SELECT $1, $2, $3, $4, $5, $6, $7 WHERE $6::text IS NOT NULL
       ON CONFLICT (order_id) DO UPDATE SET
         rider_id = EXCLUDED.rider_id, started_at = EXCLUDED.started_at, ended_at = NULL, ended_why = NULL
       WHERE intake_self_deliveries.started_at < EXCLUDED.started_at
         AND (intake_self_deliveries.ended_at IS NULL OR intake_self_deliveries.ended_at <= EXCLUDED.started_at)`,
      [order.orderId, order.shopId, order.connectionId, order.platform, order.externalRef, change.riderId ?? null, change.at],
    );
    // Out again without a rider named: the same rider as before.
    if (change.riderId === undefined) {
      await manager.query(
        `UPDATE intake_self_deliveries SET started_at = $2, ended_at = NULL, ended_why = NULL
         WHERE order_id = $1 AND started_at < $2 AND (ended_at IS NULL OR ended_at <= $2)`,
        [order.orderId, change.at],
      );
    }
  }

  /** The rider's orders on the road, locked for this transaction, oldest first. */
  async activeOfRider(manager: EntityManager, riderId: string): Promise<ActiveSelfDelivery[]> {
    const rows = await manager.query<Row[]>(
      `SELECT order_id, shop_id, connection_id, platform, external_ref, rider_id, started_at, ended_at, last_position_at
       FROM intake_self_deliveries WHERE rider_id = $1 AND ended_at IS NULL
       ORDER BY order_id FOR UPDATE`,
      [riderId],
    );
    return rows.map((r) => ({
      orderId: r.order_id,
      shopId: r.shop_id,
      connectionId: r.connection_id,
      platform: r.platform,
      externalRef: r.external_ref,
      riderId: r.rider_id,
      startedAt: r.started_at.toISOString(),
      endedAt: r.ended_at?.toISOString(),
      lastPositionAt: r.last_position_at?.toISOString(),
    }));
  }

  /** A position of this order was queued: the next is measured from it. */
  async positionTold(manager: EntityManager, orderId: string, recordedAt: string): Promise<void> {
    await manager.query(`UPDATE intake_self_deliveries SET last_position_at = $2 WHERE order_id = $1`, [orderId, recordedAt]);
  }
}
