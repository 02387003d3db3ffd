import type { RiderGrace } from '@petalpost/auth';
import { DomainError, type OrderStatus } from '@petalpost/contracts';
import { decodePageCursor, encodePageCursor, isCursorId, isCursorTime } from '@petalpost/platform';
import type { EntityManager } from 'typeorm';
import { ORDER_SUMMARIES } from './projections/order-summaries/order-summaries.projection';

/** By delivery window (the day's work) or by when orders came in; `-` for newest first. */
export const ORDER_LIST_SORTS = ['window', '-window', 'placed', '-placed'] as const;
export type OrderListSort = (typeof ORDER_LIST_SORTS)[number];

const SORT_COLUMN: Record<OrderListSort, 'window_from' | 'placed_at'> = {
  window: 'window_from',
  '-window': 'window_from',
  placed: 'placed_at',
  '-placed': 'placed_at',
};

/** Where the previous page ended: its last row's sort key (a time, to the microsecond) and order id, under one sort. */
export interface OrderListCursor {
  sort: OrderListSort;
  key: string;
  orderId: string;
}

export interface OrderListQuery {
  /** Undefined: every shop (the caller has checked who may ask that). */
  shopId?: string;
  /** Any of these statuses. */
  statuses?: readonly OrderStatus[];
  riderId?: string;
  /**
   * A rider's own list: delivered orders only for the grace period after delivery (the list's
   * form of riderSeesOrder in libs/auth; orders ended otherwise have no rider here).
   */
  riderGrace?: RiderGrace;
  /** Orders whose window starts at or after this time. */
  windowFrom?: string;
  /** Orders whose window starts before this time. */
  windowTo?: string;
  /** Part of the shop's reference or of the recipient's name, case-insensitive. */
  q?: string;
  sort: OrderListSort;
  after?: OrderListCursor;
  limit: number;
}

export interface OrderListItem {
  orderId: string;
  shopId: string;
  status: OrderStatus;
  reference?: string;
  orderType: string;
  deliveryWindow: { from: string; to: string };
  deadline?: string;
  placedAt: string;
  updatedAt: string;
  version: number;
  itemCount: number;
  riderId?: string;
  recipientName?: string;
  openExceptions: number;
  paid: boolean;
}

interface ListedRow {
  order_id: string;
  shop_id: string;
  status: OrderStatus;
  reference: string | null;
  order_type: string;
  window_from: Date;
  window_to: Date;
  deadline: Date | null;
  placed_at: Date;
  updated_at: Date;
  version: number;
  item_count: number;
  rider_id: string | null;
  recipient_name: string | null;
  recipient_erased: boolean;
  open_exceptions: number;
  paid: boolean;
  cursor_key: string;
}

/**
 * One page of the orders list, in window order (then order id, so the order is total and a
 * cursor never skips or repeats a row). The reference search is a filter on an already narrow
 * list (a shop, a window); give it a trigram index if operators come to search every shop.
 */
export async function listOrderSummaries(db: EntityManager, query: OrderListQuery): Promise<{ items: OrderListItem[]; next?: OrderListCursor }> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (query.shopId !== undefined) where.push(`shop_id = ${param(query.shopId)}`);
  if (query.statuses !== undefined) where.push(`status = ANY(${param(query.statuses)}::text[])`);
  if (query.riderId !== undefined) where.push(`rider_id = ${param(query.riderId)}`);
  if (query.riderGrace !== undefined) {
    const { now, riderGraceMinutes } = query.riderGrace;
    where.push(`(delivered_at IS NULL OR delivered_at > ${param(now)}::timestamptz - make_interval(mins => ${param(riderGraceMinutes)}))`);
  }
  if (query.windowFrom !== undefined) where.push(`window_from >= ${param(query.windowFrom)}::timestamptz`);
  if (query.windowTo !== undefined) where.push(`window_from < ${param(query.windowTo)}::timestamptz`);
  if (query.q !== undefined) {
    const pattern = param(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(reference ILIKE ${pattern} OR recipient_name ILIKE ${pattern})`);
  }
  const column = SORT_COLUMN[query.sort];
  const descending = query.sort.startsWith('-');
  if (query.after) {
    if (query.after.sort !== query.sort) throw new DomainError('invalid', 'INVALID_CURSOR', `this cursor belongs to sort=${query.after.sort}`);
    where.push(`(${column}, order_id) ${descending ? '<' : '>'} (${param(query.after.key)}::timestamptz, ${param(query.after.orderId)})`);
  }
  const rows: ListedRow[] = await db.query(
    `SELECT order_id, shop_id, status, reference, order_type, window_from, window_to, deadline, placed_at, updated_at, version, item_count,
            rider_id, recipient_name, recipient_erased, open_exceptions, paid,
            to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_key
     FROM ${ORDER_SUMMARIES}
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${column} ${descending ? 'DESC' : 'ASC'}, order_id ${descending ? 'DESC' : 'ASC'}
     LIMIT ${param(query.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    next: rows.length > query.limit ? { sort: query.sort, key: last.cursor_key, orderId: last.order_id } : undefined,
  };
}

function toItem(row: ListedRow): OrderListItem {
  return {
    orderId: row.order_id,
    shopId: row.shop_id,
    status: row.status,
    ...(row.reference !== null ? { reference: row.reference } : {}),
    orderType: row.order_type,
    deliveryWindow: { from: row.window_from.toISOString(), to: row.window_to.toISOString() },
    ...(row.deadline !== null ? { deadline: row.deadline.toISOString() } : {}),
    placedAt: row.placed_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
    itemCount: row.item_count,
    ...(row.rider_id !== null ? { riderId: row.rider_id } : {}),
    ...(row.recipient_erased ? { recipientName: 'erased' } : row.recipient_name !== null ? { recipientName: row.recipient_name } : {}),
    openExceptions: row.open_exceptions,
    paid: row.paid,
  };
}

export function encodeCursor(cursor: OrderListCursor): string {
  return encodePageCursor([cursor.key, cursor.orderId, cursor.sort]);
}

export function decodeCursor(text: string): OrderListCursor {
  const [key, orderId, sort] = decodePageCursor(
    text,
    (k): k is [string, string, OrderListSort] => k.length === 3 && isCursorTime(k[0]) && isCursorId(k[1]) && ORDER_LIST_SORTS.includes(k[2] as OrderListSort),
  );
  return { key, orderId, sort };
}
