import geohash from 'ngeohash';
import type { EntityManager } from 'typeorm';
import { type DemandEvent, type DemandOrder, evolveDemandOrder, recipientPersonIn } from './demand-order.evolve';

interface DemandOrderRow {
  order_id: string;
  shop_id: string;
  window_from: Date;
  area: string | null;
  recipient_person_id: string | null;
  cancelled: boolean;
  order_version: number;
}

/**
 * Applies an order event to the demand history, in the consumer's transaction. The locks are the
 * dispatch board's (deliveries.projection.ts): the order's row is read FOR UPDATE, and whoever
 * writes or erases a person's area first takes that person's lock, so an erasure running on
 * another partition cannot slip between reading "not erased" and writing the area.
 */
export async function applyToDemand(event: DemandEvent, db: EntityManager): Promise<void> {
  if (event.type === 'PersonalDataErased') return forgetAreasOf(event.data, db);
  const { orderId, shopId } = event.data;
  const personId = recipientPersonIn(event);
  const erased = personId !== null && (await lockPersonAndAskErased(db, shopId, personId));
  const [row]: DemandOrderRow[] = await db.query(`SELECT * FROM demand_orders WHERE order_id = $1 FOR UPDATE`, [orderId]);
  const before = row ? demandOrderOf(row) : undefined;
  const after = evolveDemandOrder(before, event, () => erased);
  if (!after || after === before) return;
  const centre = after.area === null ? null : geohash.decode(after.area);
  // The version guard also settles two first deliveries of one order racing to insert it.
  await db.query(
    `INSERT INTO demand_orders (order_id, shop_id, window_from, area, area_lat, area_lng, recipient_person_id, cancelled, order_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (order_id) DO UPDATE SET
       window_from = EXCLUDED.window_from, area = EXCLUDED.area, area_lat = EXCLUDED.area_lat, area_lng = EXCLUDED.area_lng,
       recipient_person_id = EXCLUDED.recipient_person_id, cancelled = EXCLUDED.cancelled, order_version = EXCLUDED.order_version
     WHERE demand_orders.order_version < EXCLUDED.order_version`,
    [
      after.orderId,
      after.shopId,
      after.windowFrom,
      after.area,
      centre?.latitude ?? null,
      centre?.longitude ?? null,
      after.recipientPersonId,
      after.cancelled,
      after.orderVersion,
    ],
  );
}

/** The orders stay demand; where their recipient lives is forgotten (they count under 'unknown'). */
async function forgetAreasOf({ personId, shopId, erasedAt }: { personId: string; shopId: string; erasedAt: string }, db: EntityManager): Promise<void> {
  await lockPerson(db, shopId, personId);
  await db.query(`INSERT INTO demand_erased_people (shop_id, person_id, erased_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [shopId, personId, erasedAt]);
  await db.query(`UPDATE demand_orders SET area = NULL, area_lat = NULL, area_lng = NULL WHERE shop_id = $1 AND recipient_person_id = $2`, [shopId, personId]);
}

async function lockPersonAndAskErased(db: EntityManager, shopId: string, personId: string): Promise<boolean> {
  await lockPerson(db, shopId, personId);
  const rows: unknown[] = await db.query(`SELECT 1 FROM demand_erased_people WHERE shop_id = $1 AND person_id = $2`, [shopId, personId]);
  return rows.length > 0;
}

/** Held to the end of the transaction; a hash collision only makes two people take turns. */
async function lockPerson(db: EntityManager, shopId: string, personId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`dispatch.demand.person:${shopId}:${personId}`]);
}

function demandOrderOf(row: DemandOrderRow): DemandOrder {
  return {
    orderId: row.order_id,
    shopId: row.shop_id,
    windowFrom: row.window_from.toISOString(),
    area: row.area,
    recipientPersonId: row.recipient_person_id,
    cancelled: row.cancelled,
    orderVersion: row.order_version,
  };
}
