import type { DataSource, EntityManager } from 'typeorm';

/**
 * exception_order_assignments: each order's shop and rider now, as messaging learnt them from
 * `orders.events` (order-assignments.consumer.ts). The only code that reads or writes the table;
 * it keeps the name it was created with, among the exception reports' tables (exceptions.migration.ts).
 */

export interface OrderAssignment {
  shopId: string;
  riderId: string | null;
}

/** The order's shop and rider now; undefined for an order messaging has not heard placed. */
export async function assignmentOf(db: EntityManager | DataSource, orderId: string): Promise<OrderAssignment | undefined> {
  const [row] = await db.query<Array<{ shop_id: string; rider_id: string | null }>>(
    `SELECT shop_id, rider_id FROM exception_order_assignments WHERE order_id = $1`,
    [orderId],
  );
  return row ? { shopId: row.shop_id, riderId: row.rider_id } : undefined;
}

/** A placed order, without a rider yet (a redelivery changes nothing). */
export async function recordPlaced(db: EntityManager, orderId: string, shopId: string): Promise<void> {
  await db.query(`INSERT INTO exception_order_assignments (order_id, shop_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`, [orderId, shopId]);
}

/** The order's rider from now on (null: none). */
export async function recordRider(db: EntityManager, orderId: string, shopId: string, riderId: string | null): Promise<void> {
  await db.query(
    `INSERT INTO exception_order_assignments (order_id, shop_id, rider_id) VALUES ($1, $2, $3)
     ON CONFLICT (order_id) DO UPDATE SET rider_id = EXCLUDED.rider_id, updated_at = now()`,
    [orderId, shopId, riderId],
  );
}
