import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { orderStream } from '../../domain/order.events';
import type { Sealed } from '../../../personal-data/domain/personal-data';
import type { PersonalDataVault } from '../../../personal-data/personal-data-vault';
import { evolveSummary, type OrderSummary } from './order-summary.evolve';

export const ORDER_SUMMARIES = 'order_summaries';
/** The projection's name, also its checkpoint's. */
export const ORDER_SUMMARIES_PROJECTION = 'order-summaries';

interface SummaryRow {
  order_id: string;
  shop_id: string;
  status: OrderSummary['status'];
  reference: string | null;
  order_type: OrderSummary['orderType'];
  window_from: string;
  window_to: string;
  deadline: string | null;
  placed_at: string;
  updated_at: string;
  version: number;
  item_count: number;
  rider_id: string | null;
  delivered_at: string | null;
  recipient_name: string | null;
  recipient_erased: boolean;
  recipient_person_id: string | null;
  open_exceptions: number;
  paid: boolean;
}

/** Column, SQL type and field, in the order of the upsert's arrays. */
const FIELDS: Array<[keyof SummaryRow, string, keyof OrderSummary]> = [
  ['order_id', 'text', 'orderId'],
  ['shop_id', 'text', 'shopId'],
  ['status', 'text', 'status'],
  ['reference', 'text', 'reference'],
  ['order_type', 'text', 'orderType'],
  ['window_from', 'timestamptz', 'windowFrom'],
  ['window_to', 'timestamptz', 'windowTo'],
  ['deadline', 'timestamptz', 'deadline'],
  ['placed_at', 'timestamptz', 'placedAt'],
  ['updated_at', 'timestamptz', 'updatedAt'],
  ['version', 'int', 'version'],
  ['item_count', 'int', 'itemCount'],
  ['rider_id', 'text', 'riderId'],
  ['recipient_name', 'text', 'recipientName'],
  ['recipient_erased', 'boolean', 'recipientErased'],
  ['recipient_person_id', 'text', 'recipientPersonId'],
  ['open_exceptions', 'int', 'openExceptions'],
  ['paid', 'boolean', 'paid'],
  ['delivered_at', 'timestamptz', 'deliveredAt'],
];

const COLUMNS = FIELDS.map(([column]) => column).join(', ');
// Times are read back as PostgreSQL's own text, which round-trips to the microsecond (a JS Date
// would cut them to milliseconds, and a row written twice would differ from a rebuilt one).
const READ_COLUMNS = FIELDS.map(([column, type]) => (type === 'timestamptz' ? `${column}::text AS ${column}` : column)).join(', ');
const UNNEST = FIELDS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
const UPDATES = FIELDS.filter(([column]) => column !== 'order_id' && column !== 'shop_id' && column !== 'placed_at')
  .map(([column]) => `${column} = EXCLUDED.${column}`)
  .join(', ');

/**
 * The orders list. Per batch: one read of the rows its orders already have, one opening of the
 * recipients' names it needs, the pure `evolveSummary` over the batch in memory, one upsert of
 * the rows that changed; then erasures blank the names of the people forgotten.
 */
export function orderSummariesProjection(vault: PersonalDataVault): Projection {
  return {
    name: ORDER_SUMMARIES_PROJECTION,
    version: 2,
    tables: [ORDER_SUMMARIES],
    async handle(events: StoredEvent[], db: EntityManager, tables: Record<string, string>): Promise<void> {
      const table = tables[ORDER_SUMMARIES];
      const orderIds = [...new Set(events.map(orderIdOf).filter((id): id is string => id !== undefined))];
      if (orderIds.length > 0) await upsertSummaries(table, events, orderIds, vault, db);
      const erased = events.filter((e) => e.type === 'PersonalDataErased').map((e) => (e.data as { personId: string }).personId);
      if (erased.length > 0) {
        await db.query(`UPDATE "${table}" SET recipient_name = NULL, recipient_erased = true WHERE recipient_person_id = ANY($1::text[])`, [erased]);
      }
    },
  };
}

async function upsertSummaries(table: string, events: StoredEvent[], orderIds: string[], vault: PersonalDataVault, db: EntityManager): Promise<void> {
  const rows: SummaryRow[] = await db.query(`SELECT ${READ_COLUMNS} FROM "${table}" WHERE order_id = ANY($1::text[])`, [orderIds]);
  const summaries = new Map(rows.map((row) => [row.order_id, fromRow(row)]));
  const nameOf = await recipientNames(events, vault, db);
  const changed = new Map<string, OrderSummary>();
  for (const event of events) {
    const orderId = orderIdOf(event);
    if (orderId === undefined) continue;
    const before = summaries.get(orderId);
    const after = evolveSummary(before, event, nameOf);
    if (after && after !== before) {
      summaries.set(orderId, after);
      changed.set(orderId, after);
    }
  }
  if (changed.size === 0) return;
  const upserts = [...changed.values()];
  await db.query(
    `INSERT INTO "${table}" AS s (${COLUMNS}) SELECT * FROM unnest(${UNNEST})
     ON CONFLICT (order_id) DO UPDATE SET ${UPDATES}
     WHERE s.version < EXCLUDED.version`,
    FIELDS.map(([, , field]) => upserts.map((s) => s[field])),
  );
}

/** Opens the recipients the batch names, all at once; a forgotten one reads "erased". */
async function recipientNames(events: StoredEvent[], vault: PersonalDataVault, db: EntityManager) {
  const sealed = events
    .filter((e) => e.type === 'OrderPlaced' || e.type === 'DeliveryAddressCorrected')
    .map((e) => (e.data as { recipient?: Sealed }).recipient)
    .filter((s): s is Sealed => s !== undefined);
  const opened = await vault.openAll<{ name: string }>(sealed, db);
  const names = new Map(sealed.map((s, i) => [s.sealed, opened[i]?.name ?? 'erased']));
  return (recipient: Sealed) => names.get(recipient.sealed) ?? 'erased';
}

/** Order streams are `order-<id>`; anything else (slots, people) has no row here. */
function orderIdOf(event: StoredEvent): string | undefined {
  const orderId = event.streamId.slice(orderStream('').length);
  return orderStream(orderId) === event.streamId && orderId ? orderId : undefined;
}

function fromRow(row: SummaryRow): OrderSummary {
  return Object.fromEntries(FIELDS.map(([column, , field]) => [field, row[column]])) as unknown as OrderSummary;
}
