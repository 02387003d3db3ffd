import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { orderStream } from '../../domain/order.events';
import { evolveSummary, type OrderSummary } from './order-summary.evolve';

export const ORDER_SUMMARIES = 'order_summaries';

interface SummaryRow {
  order_id: string;
  shop_id: string;
  status: OrderSummary['status'];
  reference: string | null;
  window_from: string;
  window_to: string;
  placed_at: string;
  updated_at: string;
  version: number;
  item_count: number;
}

const COLUMNS = 'order_id, shop_id, status, reference, window_from, window_to, placed_at, updated_at, version, item_count';
// Times are read back as PostgreSQL's own text, which round-trips to the microsecond (a JS Date
// would cut them to milliseconds, and a row written twice would differ from a rebuilt one).
const READ_COLUMNS =
  'order_id, shop_id, status, reference, window_from::text AS window_from, window_to::text AS window_to, placed_at::text AS placed_at, updated_at::text AS updated_at, version, item_count';

/**
 * The orders list. Per batch: one read of the rows its orders already have, the pure
 * `evolveSummary` over the batch in memory, one upsert of the rows that changed.
 */
export const orderSummariesProjection: Projection = {
  name: 'order-summaries',
  version: 1,
  tables: [ORDER_SUMMARIES],
  async handle(events: StoredEvent[], db: EntityManager, tables: Record<string, string>): Promise<void> {
    const table = tables[ORDER_SUMMARIES];
    const orderIds = [...new Set(events.map(orderIdOf).filter((id): id is string => id !== undefined))];
    if (orderIds.length === 0) return;
    const rows: SummaryRow[] = await db.query(`SELECT ${READ_COLUMNS} FROM "${table}" WHERE order_id = ANY($1::text[])`, [orderIds]);
    const summaries = new Map(rows.map((row) => [row.order_id, fromRow(row)]));
    const changed = new Map<string, OrderSummary>();
    for (const event of events) {
      const orderId = orderIdOf(event);
      if (orderId === undefined) continue;
      const before = summaries.get(orderId);
      const after = evolveSummary(before, event);
      if (after && after !== before) {
        summaries.set(orderId, after);
        changed.set(orderId, after);
      }
    }
    if (changed.size === 0) return;
    const upserts = [...changed.values()];
    await db.query(
      `INSERT INTO "${table}" AS s (${COLUMNS})
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::int[])
       ON CONFLICT (order_id) DO UPDATE SET
         status = EXCLUDED.status, reference = EXCLUDED.reference, window_from = EXCLUDED.window_from, window_to = EXCLUDED.window_to,
         updated_at = EXCLUDED.updated_at, version = EXCLUDED.version, item_count = EXCLUDED.item_count
       WHERE s.version < EXCLUDED.version`,
      [
        upserts.map((s) => s.orderId),
        upserts.map((s) => s.shopId),
        upserts.map((s) => s.status),
        upserts.map((s) => s.reference),
        upserts.map((s) => s.windowFrom),
        upserts.map((s) => s.windowTo),
        upserts.map((s) => s.placedAt),
        upserts.map((s) => s.updatedAt),
        upserts.map((s) => s.version),
        upserts.map((s) => s.itemCount),
      ],
    );
  },
};

/** Every stream of the orders log is an order's (`order-<id>`); anything else is not ours to show. */
function orderIdOf(event: StoredEvent): string | undefined {
  const orderId = event.streamId.slice(orderStream('').length);
  return orderStream(orderId) === event.streamId && orderId ? orderId : undefined;
}

function fromRow(row: SummaryRow): OrderSummary {
  return {
    orderId: row.order_id,
    shopId: row.shop_id,
    status: row.status,
    reference: row.reference,
    windowFrom: row.window_from,
    windowTo: row.window_to,
    placedAt: row.placed_at,
    updatedAt: row.updated_at,
    version: row.version,
    itemCount: row.item_count,
  };
}
