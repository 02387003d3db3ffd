import type { DeliveryWindow } from '@petalpost/contracts';
import { zonedTime } from '../../domain/delivery-time';
import { type IntakeOrderInput, UnreadablePayload } from '../../domain/intake-order';
import { readBuyerNote } from '../buyer-note';
import { gcj02ToWgs84 } from '../coordinates';
import type { PlatformRules } from '../platform-connector';

/**
 * One Youzan trade as `youzan.trade.get` 4.0.0 answers it (`data.full_order_info`), the fields we
 * read: from the youzanyun API list and a production answer (a Youzan retail shop's trade, seen in
 * public code). Personal data (names, phones, the street address) comes encrypted per shop as
 * `$…$1$` and is decrypted through `youzan.cloud.secret.decrypt.*` before it is mapped (verify
 * which fields are encrypted for your shop: every string in YOUZAN_ENCRYPTED is tried).
 */
export interface YouzanTrade {
  order_info?: {
    tid?: string;
    /** WAIT_BUYER_PAY, WAIT_SELLER_SEND_GOODS, WAIT_BUYER_CONFIRM_GOODS, TRADE_SUCCESS, TRADE_CLOSED … */
    status?: string;
    /** 0 快递 (parcel), 1 到店自提 (pick-up), 2 同城配送 (local delivery: the shop's riders) (verify). */
    express_type?: number;
    created?: string;
    pay_time?: string;
    update_time?: string;
    /** 0 none, 1 part being refunded, 2 part refunded, 11 all being refunded, 12 all refunded (verify). */
    refund_state?: number;
    close_type?: number;
  };
  address_info?: {
    receiver_name?: string;
    receiver_tel?: string;
    delivery_province?: string;
    delivery_city?: string;
    delivery_district?: string;
    delivery_address?: string;
    /** Local time in the shop's zone, `2027-02-14 13:00:00`: the slot the buyer chose for local delivery. */
    delivery_start_time?: string;
    delivery_end_time?: string;
    /** A JSON string: `{"lon":…,"lat":…,"areaCode":…}`, GCJ-02. */
    address_extra?: string;
  };
  buyer_info?: { buyer_phone?: string; fans_nickname?: string; yz_open_id?: string; fans_id?: number | string };
  remark_info?: { buyer_message?: string; trade_memo?: string };
  pay_info?: { payment?: string; total_fee?: string };
  orders?: Array<{
    oid?: number | string;
    item_id?: number | string;
    sku_id?: number | string;
    title?: string;
    num?: number;
    outer_sku_id?: string;
    outer_item_id?: string;
  }>;
}

/** Statuses only a paid trade reaches. */
const PAID_STATUSES = new Set(['WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_SUCCESS']);

/** How Youzan marks a value it encrypted per shop: `$<ciphertext>$<key version>$`. */
const CIPHER = /^\$[^$\s]+\$\d+\$$/;

export function isYouzanCipher(value: unknown): value is string {
  return typeof value === 'string' && CIPHER.test(value);
}

/** The fields that may come encrypted, by where they are in the trade. */
const YOUZAN_ENCRYPTED = [
  ['address_info', 'receiver_name'],
  ['address_info', 'receiver_tel'],
  ['address_info', 'delivery_address'],
  ['buyer_info', 'buyer_phone'],
  ['buyer_info', 'fans_nickname'],
  ['remark_info', 'buyer_message'],
] as const;

/** Every encrypted value of the trade, once each: what one batch decryption is asked for. */
export function youzanCiphers(trade: YouzanTrade): string[] {
  const found = new Set<string>();
  for (const [part, field] of YOUZAN_ENCRYPTED) {
    const value = (trade[part] as Record<string, unknown> | undefined)?.[field];
    if (isYouzanCipher(value)) found.add(value);
  }
  return [...found];
}

/**
 * The trade with each encrypted value replaced by its plain text. A value Youzan did not decrypt
 * is dropped rather than shown as ciphertext: the order is then held for what it lacks.
 */
export function withPlainText(trade: YouzanTrade, plain: ReadonlyMap<string, string>): YouzanTrade {
  const copy = structuredClone(trade);
  for (const [part, field] of YOUZAN_ENCRYPTED) {
    const holder = copy[part] as Record<string, unknown> | undefined;
    const value = holder?.[field];
    if (holder && isYouzanCipher(value)) {
      const text = plain.get(value);
      if (text === undefined || isYouzanCipher(text)) delete holder[field];
      else holder[field] = text;
    }
  }
  return copy;
}

export interface YouzanReadContext {
  timeZone: string;
  rules: PlatformRules;
}

/** What a trade says its refunds are: all refunded (or closed), part refunded, or none done. */
export function youzanRefundState(trade: YouzanTrade): 'all' | 'part' | 'none' {
  const info = trade.order_info ?? {};
  if (info.status === 'TRADE_CLOSED' || info.refund_state === 12) return 'all';
  if (info.refund_state === 2) return 'part';
  return 'none';
}

/**
 * A decrypted trade as the intake's order. The buyer (fans nickname, buyer_phone) is kept apart
 * from the recipient (receiver_*); the slot is delivery_start_time–delivery_end_time in the shop's
 * zone; the card and an anonymous sender come from the buyer's message by the shop's rules, and
 * what cannot be read with certainty holds the order (`review`).
 */
export function mapYouzanTrade(trade: YouzanTrade, context: YouzanReadContext): IntakeOrderInput {
  const info = trade.order_info ?? {};
  const tid = info.tid;
  if (!tid) throw new UnreadablePayload('the trade has no tid');
  const address = trade.address_info ?? {};
  const buyer = trade.buyer_info ?? {};
  const note = readBuyerNote(trade.remark_info?.buyer_message, context.rules);
  const window = youzanSlot(address, context);

  // Without the street (encrypted and not opened) the district alone is no address to ride to.
  const street = !address.delivery_address?.trim()
    ? ''
    : [address.delivery_province, address.delivery_city, address.delivery_district, address.delivery_address]
        .map((part) => part?.trim())
        .filter((part): part is string => !!part)
        // Youzan repeats the city for municipalities (上海市 上海市): once is enough on a label.
        .filter((part, i, all) => all.indexOf(part) === i)
        .join('');
  const geo = youzanGeo(address.address_extra);
  const recipientPhone = cleanPhone(address.receiver_tel);
  const buyerPhone = cleanPhone(buyer.buyer_phone);

  const items = (trade.orders ?? [])
    .filter((line) => (line.num ?? 0) > 0 && line.title)
    .map((line) => ({
      sku: (line.outer_sku_id || line.outer_item_id || `youzan-${line.item_id ?? line.oid}${line.sku_id ? `-${line.sku_id}` : ''}`).slice(0, 64),
      name: (line.title ?? '').slice(0, 200),
      quantity: Math.min(999, line.num ?? 1),
    }));

  const amount = yuanToFen(trade.pay_info?.payment ?? trade.pay_info?.total_fee);
  return {
    displayRef: tid,
    channel: 'marketplace',
    buyer: {
      name: (buyer.fans_nickname?.trim() || '有赞买家').slice(0, 200),
      ...(buyerPhone ? { phone: buyerPhone } : {}),
      ...(buyer.yz_open_id ? { customerId: buyer.yz_open_id.slice(0, 100) } : {}),
    },
    recipient: {
      ...(address.receiver_name?.trim() ? { name: address.receiver_name.trim().slice(0, 200) } : {}),
      ...(recipientPhone ? { phone: recipientPhone } : {}),
      ...(street ? { address: { text: street.slice(0, 500), ...(geo ? { geo } : {}) } } : {}),
    },
    items,
    ...(window ? { deliveryWindow: window } : { deliveryText: youzanSlotText(info.express_type, address) }),
    ...(note.cardMessage ? { cardMessage: note.cardMessage } : {}),
    anonymousSender: note.anonymousSender,
    ...(note.note ? { note: note.note } : {}),
    ...(note.unclear ? { review: note.unclear.slice(0, 500) } : {}),
    ...(amount !== undefined ? { price: { amountMinor: amount, currency: 'CNY' } } : {}),
    paid: !!info.pay_time || PAID_STATUSES.has(info.status ?? ''),
  };
}

/**
 * The chosen slot as a window. A start and end that are the same instant (seen for "as soon as
 * possible" local deliveries) is read as that time and the shop's ASAP minutes after it (verify).
 */
export function youzanSlot(address: NonNullable<YouzanTrade['address_info']>, context: YouzanReadContext): DeliveryWindow | undefined {
  const start = localDateTime(address.delivery_start_time);
  if (!start) return undefined;
  const end = localDateTime(address.delivery_end_time);
  const from = zonedTime(start.date, start.time, context.timeZone);
  let to = end ? zonedTime(end.date, end.time, context.timeZone) : undefined;
  if (to === undefined || Date.parse(to) <= Date.parse(from)) {
    const later = shifted(start, context.rules.asapMinutes);
    to = zonedTime(later.date, later.time, context.timeZone);
  }
  return { from, to, timeZone: context.timeZone };
}

function youzanSlotText(expressType: number | undefined, address: NonNullable<YouzanTrade['address_info']>): string {
  const given = [address.delivery_start_time, address.delivery_end_time].filter(Boolean).join(' – ');
  if (given) return `Youzan slot not readable: ${given}`.slice(0, 200);
  return expressType === 2 ? 'Youzan gave no delivery time for this local delivery' : `Youzan gave no delivery time (express type ${expressType ?? 'unknown'})`;
}

/** The recipient's point: address_extra's lon/lat, GCJ-02, as WGS-84. */
export function youzanGeo(addressExtra: string | undefined): { lat: number; lng: number } | undefined {
  if (!addressExtra) return undefined;
  let extra: { lon?: unknown; lat?: unknown };
  try {
    extra = JSON.parse(addressExtra) as { lon?: unknown; lat?: unknown };
  } catch {
    return undefined;
  }
  const lat = Number(extra.lat);
  const lng = Number(extra.lon);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || (lat === 0 && lng === 0) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return gcj02ToWgs84({ lat, lng });
}

function localDateTime(value: string | undefined): { date: string; time: string } | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?$/.exec(value?.trim() ?? '');
  return match ? { date: match[1], time: match[2] } : undefined;
}

/** A wall-clock time some minutes on (the zone's offset is applied after, by zonedTime). */
function shifted(at: { date: string; time: string }, minutes: number): { date: string; time: string } {
  const wall = new Date(Date.parse(`${at.date}T${at.time}:00Z`) + minutes * 60_000).toISOString();
  return { date: wall.slice(0, 10), time: wall.slice(11, 16) };
}

/** Yuan with up to two decimals (`139.14`) in fen, without floating-point rounding. */
function yuanToFen(value: string | undefined): number | undefined {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value?.trim() ?? '');
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

function cleanPhone(value: string | undefined): string | undefined {
  const phone = value?.trim();
  return phone && phone.length >= 3 && phone.length <= 40 && !isYouzanCipher(phone) ? phone : undefined;
}
