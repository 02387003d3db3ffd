import { DateTime } from 'luxon';
import { z } from 'zod';
import type { IntakeOrderInput } from '../../domain/intake-order';
import { UnreadablePayload } from '../../domain/intake-order';
import { cut, normalized } from '../../domain/mapped-fields';
import { readBuyerNote } from '../buyer-note';
import { gcj02ToWgs84 } from '../coordinates';
import type { PlatformRules, PushMeaning } from '../platform-connector';
import { privacyPhone, privacyPhoneExpiry } from '../privacy-phone';
import { ELEME_ORDER_STATUS, ELEME_REFUND_SUCCEEDED, type ElemePush } from './eleme-pushes';

/**
 * What `order.get` gives in `body.data`, as the public integrations read it (meiquan
 * `EleOrderController::createOrder`, the retail Java SDK's `OrderGet…DataDto`): the order, the one
 * person it goes to (`user`), the shop, the products in bags (an array of arrays). Read loosely:
 * Ele.me adds fields, and numbers arrive as numbers or as text.
 */
const integer = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const degrees = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const text = z.string().nullish();
const id = z.union([z.string().min(1), z.number()]).transform(String);

const product = z.looseObject({
  product_name: text,
  product_amount: integer.nullish(),
  custom_sku_id: z.union([z.string(), z.number()]).nullish(),
  sku_id: z.union([z.string(), z.number()]).nullish(),
  baidu_product_id: z.union([z.string(), z.number()]).nullish(),
  upc: text,
});

export const ElemeOrderDataSchema = z.looseObject({
  order: z.looseObject({
    order_id: id,
    status: integer,
    /** 1 as soon as possible (即时单), 2 booked (预约单). */
    send_immediately: integer.nullish(),
    /** Unix seconds: deliver by then. */
    latest_send_time: integer.nullish(),
    create_time: integer.nullish(),
    remark: text,
    /** What the buyer paid, in fen. */
    user_fee: integer.nullish(),
    order_index: z.union([z.string(), z.number()]).nullish(),
  }),
  user: z
    .looseObject({
      name: text,
      phone: text,
      address: text,
      coord_amap: z.looseObject({ longitude: degrees, latitude: degrees }).nullish(),
    })
    .nullish(),
  shop: z.looseObject({ id: id.nullish(), baidu_shop_id: id.nullish() }).nullish(),
  products: z.array(z.union([z.array(product), product])).nullish(),
});
export type ElemeOrderData = z.output<typeof ElemeOrderDataSchema>;

/**
 * Ele.me gives a booked order only the time it must arrive by; the window staff plan with is the
 * hour up to it.
 */
export const BOOKED_WINDOW_MINUTES = 60;

/**
 * Ele.me tells us only who the flowers go to (`user`: the delivery contact); the account that
 * ordered and paid stays with Ele.me, which relays it in its app. The buyer is recorded as that
 * customer, never as the recipient, so a card or a call never mixes the two up.
 */
export const ELEME_BUYER_NAME = '饿了么顾客';

export interface ElemeReadContext {
  rules: PlatformRules;
  /** The shop's zone: the window is written in it. */
  timeZone: string;
  /** The connection's Ele.me shop (its store id or Ele.me's own shop id). */
  storeRef?: string;
  /** When Ele.me sent the push: the snapshot's time, and the time of what it tells. */
  pushedAt: string;
}

export function parseOrderData(data: unknown): ElemeOrderData {
  const parsed = ElemeOrderDataSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnreadablePayload(`not an Ele.me order.get answer: ${issue?.path.join('.')} ${issue?.message}`);
  }
  return parsed.data;
}

/** The order as Ele.me has it now: a snapshot to place, update or cancel, or nothing when it is another shop's. */
export function orderMeaning(data: ElemeOrderData, context: ElemeReadContext): PushMeaning {
  const o = data.order;
  const externalRef = o.order_id;
  const shops = [data.shop?.id, data.shop?.baidu_shop_id].filter((s): s is string => s !== undefined && s !== null);
  if (context.storeRef !== undefined && shops.length > 0 && !shops.includes(context.storeRef))
    return { kind: 'skip', externalRef, reason: `an order of Ele.me shop ${shops.join(' / ')}, not this connection's ${context.storeRef}` };

  const window = windowOf(data, context);
  const note = readBuyerNote(o.remark ?? undefined, context.rules);
  const user = data.user;
  const rawPhone = user?.phone?.trim();
  // A privacy number (`virtual,extension`) lasts some hours past the delivery, Ele.me does not say how long.
  const isPrivacyNumber = rawPhone !== undefined && /[,，_#]/.test(rawPhone);
  const phone = privacyPhone(rawPhone, isPrivacyNumber && window ? privacyPhoneExpiry(window.to, context.rules) : undefined);
  const coord = user?.coord_amap;
  const geo = coord && coord.latitude !== 0 && coord.longitude !== 0 ? gcj02ToWgs84({ lat: coord.latitude, lng: coord.longitude }) : undefined;
  const cancelled = o.status === ELEME_ORDER_STATUS.cancelled || o.status === ELEME_ORDER_STATUS.refunded;

  const order: IntakeOrderInput = {
    displayRef: externalRef,
    channel: 'marketplace',
    buyer: { name: ELEME_BUYER_NAME },
    recipient: {
      ...(user?.name?.trim() ? { name: cut(user.name.trim(), 200) } : {}),
      ...(phone ? { phone: phone.phone, ...(phone.expiresAt ? { phoneExpiresAt: phone.expiresAt } : {}) } : {}),
      ...(user?.address?.trim() ? { address: { text: cut(user.address.trim(), 500), ...(geo ? { geo } : {}) } } : {}),
    },
    items: itemsOf(data),
    ...(window ? { deliveryWindow: window } : { deliveryText: deliveryTextOf(data) }),
    ...(note.cardMessage !== undefined ? { cardMessage: note.cardMessage } : {}),
    anonymousSender: note.anonymousSender,
    ...(note.note !== undefined ? { note: note.note } : {}),
    ...(note.unclear !== undefined ? { review: cut(note.unclear, 500) } : {}),
    ...(o.user_fee !== undefined && o.user_fee !== null && o.user_fee >= 0 ? { price: { amountMinor: o.user_fee, currency: 'CNY' } } : {}),
    // Ele.me sends an order to the shop once it is paid online (verify for cash-on-delivery shops).
    paid: true,
    ...(cancelled ? { cancelled: { reason: o.status === ELEME_ORDER_STATUS.refunded ? 'refunded in full on Ele.me' : 'cancelled on Ele.me' } } : {}),
  };
  return { kind: 'order', externalRef, externalUpdatedAt: context.pushedAt, order: normalized(order) };
}

function windowOf(data: ElemeOrderData, context: ElemeReadContext): { from: string; to: string; timeZone: string } | undefined {
  const o = data.order;
  const at = (seconds: number) => DateTime.fromSeconds(seconds, { zone: context.timeZone }).toISO({ suppressMilliseconds: true }) ?? undefined;
  let from: number;
  let to: number;
  if (o.send_immediately === 1) {
    // As soon as possible: from when it was ordered, for the shop's ASAP minutes.
    from = o.create_time ?? Math.floor(Date.parse(context.pushedAt) / 1000);
    to = from + context.rules.asapMinutes * 60;
  } else if (o.send_immediately === 2 && o.latest_send_time && o.latest_send_time > 0) {
    to = o.latest_send_time;
    from = to - BOOKED_WINDOW_MINUTES * 60;
  } else {
    return undefined;
  }
  const fromText = at(from);
  const toText = at(to);
  return fromText && toText ? { from: fromText, to: toText, timeZone: context.timeZone } : undefined;
}

function deliveryTextOf(data: ElemeOrderData): string {
  const o = data.order;
  return `send_immediately ${o.send_immediately ?? '—'}, latest_send_time ${o.latest_send_time ?? '—'}`;
}

function itemsOf(data: ElemeOrderData): IntakeOrderInput['items'] {
  const products = (data.products ?? []).flatMap((bag) => (Array.isArray(bag) ? bag : [bag]));
  return products
    .flatMap((p) => {
      const name = p.product_name?.trim();
      if (!name) return [];
      const sku = [p.custom_sku_id, p.sku_id, p.baidu_product_id, p.upc]
        .map((s) => (s === null || s === undefined ? '' : String(s).trim()))
        .find((s) => s !== '');
      return [{ sku: cut(sku ?? 'eleme', 64), name: cut(name, 200), quantity: Math.min(999, Math.max(1, p.product_amount ?? 1)) }];
    })
    .slice(0, 50);
}

/**
 * What a stored push means. `fetchOrder` is `order.get`: the pushes carry ids only, so an order,
 * and a refund that may have been the whole of it, are read from Ele.me as it is now.
 */
export async function pushMeaning(push: ElemePush, context: ElemeReadContext, fetchOrder: (orderId: string) => Promise<ElemeOrderData>): Promise<PushMeaning> {
  const at = context.pushedAt;
  switch (push.cmd) {
    case 'order.create':
      return orderMeaning(await fetchOrder(push.body.order_id), context);
    case 'order.status.push': {
      const { order_id: externalRef, status } = push.body;
      switch (status) {
        case ELEME_ORDER_STATUS.awaitingShop:
        case ELEME_ORDER_STATUS.confirmed:
          return orderMeaning(await fetchOrder(externalRef), context);
        case ELEME_ORDER_STATUS.completed:
          return { kind: 'completed', externalRef, at };
        case ELEME_ORDER_STATUS.cancelled:
          return { kind: 'cancelled', externalRef, at, reason: reasonOf(push.body, 'cancelled on Ele.me') };
        case ELEME_ORDER_STATUS.refunded:
          return { kind: 'cancelled', externalRef, at, reason: reasonOf(push.body, 'refunded in full on Ele.me') };
        default:
          // 7 and 8 are Ele.me's own riders, who do not carry a shop's self-delivered order.
          return { kind: 'skip', externalRef, reason: `Ele.me status ${status}: nothing to do` };
      }
    }
    case 'order.reverse.push': {
      const { order_id: externalRef, refund_order_id: refund, cur_reverse_event: event } = push.body;
      if (event.refund_status !== ELEME_REFUND_SUCCEEDED)
        return { kind: 'skip', externalRef, reason: `refund ${refund} is now ${refundState(event.refund_status)}: answered in Ele.me` };
      // Whether it was all of the order Ele.me alone knows: a whole refund leaves it cancelled or refunded.
      const now = await fetchOrder(externalRef);
      if (now.order.status === ELEME_ORDER_STATUS.cancelled || now.order.status === ELEME_ORDER_STATUS.refunded)
        return { kind: 'cancelled', externalRef, at, reason: `refunded in full on Ele.me (refund ${refund})` };
      const why = event.reason_content?.trim();
      return { kind: 'partly_refunded', externalRef, at, note: cut(`Ele.me refunded part of the order (refund ${refund})${why ? `: ${why}` : ''}`, 500) };
    }
    case 'order.remind.push':
      return { kind: 'reminder', externalRef: push.body.order_id, at, note: 'The buyer chased the order on Ele.me (催单).' };
  }
}

function reasonOf(body: Record<string, unknown>, fallback: string): string {
  const given = [body.reason, body.cancel_reason].find((r): r is string => typeof r === 'string' && r.trim() !== '');
  return cut(given ? `${fallback}: ${given.trim()}` : fallback, 500);
}

const REFUND_STATES: Record<number, string> = { 0: 'new', 10: 'applied for', 20: 'refused', 30: 'in arbitration', 40: 'closed', 50: 'done', 60: 'failed' };

function refundState(state: number): string {
  return REFUND_STATES[state] ?? `state ${state}`;
}
