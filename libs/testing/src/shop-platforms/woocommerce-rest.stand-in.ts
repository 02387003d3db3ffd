import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { header, mediaType, Refusal, startStandInServer, type StandInAnswer, type StandInRequest, type StandInServer } from './stand-in-server';

/**
 * A stand-in for one WooCommerce site's REST API v3 (woocommerce.github.io/woocommerce-rest-api-docs),
 * which our machines cannot reach. It holds orders and serves what write-back and the
 * reconciliation poll use, refusing what does not match the documented request shape:
 * - the consumer key and secret, as HTTP Basic auth or as `consumer_key`/`consumer_secret` query
 *   parameters (the docs' HTTPS forms; the stand-in listens on loopback HTTP), else 401;
 * - `GET /wp-json/wc/v3/orders` with only documented list parameters (`modified_after`,
 *   `dates_are_gmt`, `per_page` 1–100, `page`, `orderby`, `order`, …), answering `X-WP-Total`,
 *   `X-WP-TotalPages` and a `Link` header, ordered as asked;
 * - `GET|PUT /wp-json/wc/v3/orders/<id>`: a PUT takes a JSON body of the order's writable fields
 *   only, its `status` one of the site's statuses;
 * - `POST /wp-json/wc/v3/orders/<id>/notes` with a JSON `{ note, customer_note?, added_by_user? }` → 201.
 * Errors come back in WordPress's REST error shape `{ code, message, data: { status } }`.
 */
export interface WooCommerceStandIn extends StandInServer {
  /** The site's home URL with its trailing slash: what `X-WC-Webhook-Source` carries. */
  siteUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** Adds or replaces an order the site holds (a REST v3 order: `id`, `status`, `date_modified_gmt`, …). */
  putOrder(order: WooOrder): void;
  order(id: number): WooOrder | undefined;
  notes(orderId: number): WooNote[];
  /** Every accepted `PUT` of an order, in order: what write-back changed. */
  orderUpdates(): Array<{ orderId: number; body: Record<string, unknown> }>;
}

export type WooOrder = { id: number; status: string; date_modified_gmt: string } & Record<string, unknown>;
export interface WooNote {
  id: number;
  author: string;
  date_created_gmt: string;
  note: string;
  customer_note: boolean;
}

/** Core order statuses (docs, "Order properties"). */
export const WOOCOMMERCE_ORDER_STATUSES = ['pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'trash'] as const;

const wpError = (status: number, code: string, message: string, reason = message): Refusal => new Refusal(status, reason, { code, message, data: { status } });

// ISO 8601 as WordPress's rest_parse_date reads it: date and time, optional fraction and zone.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const gmt = (value: string) => new Date(/Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
const wcDate = (date: Date) => date.toISOString().slice(0, 19);

const LIST_PARAMETERS = new Set([
  'context',
  'page',
  'per_page',
  'search',
  'after',
  'before',
  'modified_after',
  'modified_before',
  'dates_are_gmt',
  'exclude',
  'include',
  'offset',
  'order',
  'orderby',
  'parent',
  'parent_exclude',
  'status',
  'customer',
  'product',
  'dp',
]);

const writableOrder = z.strictObject({
  parent_id: z.number().int().optional(),
  status: z.string().optional(),
  currency: z.string().optional(),
  customer_id: z.number().int().optional(),
  customer_note: z.string().optional(),
  billing: z.record(z.string(), z.unknown()).optional(),
  shipping: z.record(z.string(), z.unknown()).optional(),
  payment_method: z.string().optional(),
  payment_method_title: z.string().optional(),
  transaction_id: z.string().optional(),
  meta_data: z.array(z.strictObject({ id: z.number().int().optional(), key: z.string().min(1), value: z.unknown() })).optional(),
  line_items: z.array(z.record(z.string(), z.unknown())).optional(),
  shipping_lines: z.array(z.record(z.string(), z.unknown())).optional(),
  fee_lines: z.array(z.record(z.string(), z.unknown())).optional(),
  coupon_lines: z.array(z.record(z.string(), z.unknown())).optional(),
  set_paid: z.boolean().optional(),
});

const newNote = z.strictObject({ note: z.string().min(1), customer_note: z.boolean().optional(), added_by_user: z.boolean().optional() });

export async function startWooCommerceStandIn(
  options: { consumerKey?: string; consumerSecret?: string; customStatuses?: string[] } = {},
): Promise<WooCommerceStandIn> {
  const consumerKey = options.consumerKey ?? `ck_${randomBytes(20).toString('hex')}`;
  const consumerSecret = options.consumerSecret ?? `cs_${randomBytes(20).toString('hex')}`;
  const statuses = new Set<string>([...WOOCOMMERCE_ORDER_STATUSES, ...(options.customStatuses ?? [])]);
  const orders = new Map<number, WooOrder>();
  const notes = new Map<number, WooNote[]>();
  const updates: Array<{ orderId: number; body: Record<string, unknown> }> = [];
  let nextNoteId = 1;
  let baseUrl = '';

  const authenticate = (request: StandInRequest) => {
    const basic = /^Basic\s+(.+)$/i.exec(header(request.headers, 'authorization') ?? '');
    let key: string | undefined;
    let secret: string | undefined;
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      [key, secret] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    } else if (request.query.has('consumer_key')) {
      key = request.query.get('consumer_key') ?? undefined;
      secret = request.query.get('consumer_secret') ?? undefined;
    }
    if (key === undefined) throw wpError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.', 'no consumer key');
    if (key !== consumerKey) throw wpError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
    if (secret !== consumerSecret)
      throw wpError(401, 'woocommerce_rest_authentication_error', 'Invalid signature - provided signature does not match.', 'wrong consumer secret');
  };

  const jsonBody = (request: StandInRequest): unknown => {
    if (mediaType(request.headers) !== 'application/json')
      throw wpError(400, 'rest_invalid_json', 'Content-Type must be application/json.', `Content-Type ${header(request.headers, 'content-type')}`);
    try {
      return JSON.parse(request.body);
    } catch {
      throw wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    }
  };

  const integer = (request: StandInRequest, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const raw = request.query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
      throw wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`, `${name}=${raw} outside ${min}–${max}`);
    return value;
  };

  const dateParam = (request: StandInRequest, name: string) => {
    const raw = request.query.get(name);
    if (raw === null) return undefined;
    if (!ISO_DATE.test(raw)) throw wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`, `${name}=${raw} is not ISO 8601`);
    return gmt(raw);
  };

  const list = (request: StandInRequest): StandInAnswer => {
    for (const name of request.query.keys()) {
      if (!LIST_PARAMETERS.has(name) && name !== 'consumer_key' && name !== 'consumer_secret')
        throw wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`, `unknown list parameter ${name}`);
    }
    const perPage = integer(request, 'per_page', 10, 1, 100);
    const page = integer(request, 'page', 1, 1);
    const modifiedAfter = dateParam(request, 'modified_after');
    const modifiedBefore = dateParam(request, 'modified_before');
    const datesAreGmt = request.query.get('dates_are_gmt');
    if (datesAreGmt !== null && !['true', 'false', '1', '0'].includes(datesAreGmt))
      throw wpError(400, 'rest_invalid_param', 'Invalid parameter(s): dates_are_gmt');
    const orderby = request.query.get('orderby') ?? 'date';
    if (!['date', 'id', 'include', 'title', 'slug', 'modified'].includes(orderby)) throw wpError(400, 'rest_invalid_param', 'Invalid parameter(s): orderby');
    const direction = request.query.get('order') ?? 'desc';
    if (!['asc', 'desc'].includes(direction)) throw wpError(400, 'rest_invalid_param', 'Invalid parameter(s): order');
    const status = request.query.get('status');

    // The site keeps its clock in UTC, so local and GMT dates are the same here.
    const sortKey = (order: WooOrder): number | string =>
      orderby === 'id' || orderby === 'include'
        ? order.id
        : orderby === 'modified'
          ? order.date_modified_gmt
          : String(order.date_created_gmt ?? order.date_modified_gmt);
    const matching = [...orders.values()]
      .filter((order) => !modifiedAfter || gmt(order.date_modified_gmt) > modifiedAfter)
      .filter((order) => !modifiedBefore || gmt(order.date_modified_gmt) < modifiedBefore)
      .filter((order) => !status || status === 'any' || status.split(',').includes(order.status))
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : a.id - b.id) * (direction === 'asc' ? 1 : -1));
    const totalPages = Math.ceil(matching.length / perPage);
    const pageUrl = (n: number) => {
      const query = new URLSearchParams(request.query);
      query.delete('consumer_key');
      query.delete('consumer_secret');
      query.set('page', String(n));
      return `<${baseUrl}/wp-json/wc/v3/orders?${query}>`;
    };
    const links = [...(page > 1 ? [`${pageUrl(page - 1)}; rel="prev"`] : []), ...(page < totalPages ? [`${pageUrl(page + 1)}; rel="next"`] : [])];
    return {
      status: 200,
      body: matching.slice((page - 1) * perPage, page * perPage),
      headers: { 'X-WP-Total': String(matching.length), 'X-WP-TotalPages': String(totalPages), ...(links.length > 0 ? { Link: links.join(', ') } : {}) },
    };
  };

  const held = (id: string): WooOrder => {
    const order = orders.get(Number(id));
    if (!order) throw wpError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', `no order ${id}`);
    return order;
  };

  const handle = (request: StandInRequest): StandInAnswer => {
    const collection = request.path === '/wp-json/wc/v3/orders';
    const single = /^\/wp-json\/wc\/v3\/orders\/(\d+)$/.exec(request.path);
    const orderNotes = /^\/wp-json\/wc\/v3\/orders\/(\d+)\/notes$/.exec(request.path);
    const route =
      collection && request.method === 'GET'
        ? 'list'
        : single && ['GET', 'PUT'].includes(request.method)
          ? request.method
          : orderNotes && request.method === 'POST'
            ? 'note'
            : undefined;
    if (!route) throw wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.', `no route ${request.method} ${request.path}`);
    authenticate(request);
    if (route === 'list') return list(request);
    // The route was matched from these patterns: its id is there.
    const orderId = (single ?? orderNotes)?.[1] ?? '';
    if (route === 'GET') return { status: 200, body: held(orderId) };
    if (route === 'PUT') {
      const order = held(orderId);
      const body = writableOrder.safeParse(jsonBody(request));
      if (!body.success) throw wpError(400, 'rest_invalid_param', 'Invalid parameter(s).', `order update: ${body.error.message}`);
      if (body.data.status !== undefined && !statuses.has(body.data.status))
        throw wpError(400, 'rest_invalid_param', 'Invalid parameter(s): status', `status ${body.data.status} is not one of the site's`);
      const { meta_data, set_paid: _setPaid, ...fields } = body.data;
      const meta = [...((order.meta_data as Array<{ id: number; key: string; value: unknown }>) ?? [])];
      for (const entry of meta_data ?? []) {
        const at = meta.findIndex((m) => (entry.id !== undefined ? m.id === entry.id : m.key === entry.key));
        if (at >= 0) meta[at] = { ...meta[at], value: entry.value };
        else meta.push({ id: nextNoteId++, key: entry.key, value: entry.value });
      }
      const updated: WooOrder = { ...order, ...fields, meta_data: meta, date_modified_gmt: wcDate(new Date()) };
      orders.set(order.id, updated);
      updates.push({ orderId: order.id, body: body.data });
      return { status: 200, body: updated };
    }
    const order = held(orderId);
    const body = newNote.safeParse(jsonBody(request));
    if (!body.success) throw wpError(400, 'rest_missing_callback_param', 'Missing parameter(s): note', `order note: ${body.error.message}`);
    const note: WooNote = {
      id: nextNoteId++,
      author: 'WooCommerce',
      date_created_gmt: wcDate(new Date()),
      note: body.data.note,
      customer_note: body.data.customer_note ?? false,
    };
    notes.set(order.id, [...(notes.get(order.id) ?? []), note]);
    return { status: 201, body: { ...note, date_created: note.date_created_gmt } };
  };

  const server = await startStandInServer(handle);
  baseUrl = server.baseUrl;
  return {
    ...server,
    siteUrl: `${server.baseUrl}/`,
    consumerKey,
    consumerSecret,
    putOrder: (order) => void orders.set(order.id, structuredClone(order)),
    order: (id) => orders.get(id),
    notes: (orderId) => [...(notes.get(orderId) ?? [])],
    orderUpdates: () => [...updates],
  };
}
