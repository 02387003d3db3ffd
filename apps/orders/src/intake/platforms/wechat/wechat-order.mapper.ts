import type { DeliveryWindow } from '@petalpost/contracts';
import { zonedTime } from '../../domain/delivery-time';
import { type IntakeOrderInput, UnreadablePayload } from '../../domain/intake-order';
import { readBuyerNote } from '../buyer-note';
import { gcj02ToWgs84 } from '../coordinates';
import type { PlatformRules } from '../platform-connector';
import { privacyPhone, privacyPhoneExpiry } from '../privacy-phone';

/**
 * A WeChat Store order as `/channels/ec/order/get` answers it (`order`), the fields we read
 * (WxJava weixin-java-channel `OrderInfo`, `OrderDetailInfo`, `OrderAddressInfo`,
 * `TelNumberExtInfo`). The address is masked here; `/channels/ec/order/sensitiveinfo/decode` gives
 * it whole (`WechatDecodedAddress`).
 */
export interface WechatOrder {
  order_id?: string;
  /** 10 unpaid, 20 paid (to ship), 21 part shipped, 30 shipped, 100 done, 190/200/250 cancelled. */
  status?: number;
  openid?: string;
  /** Seconds since the epoch. */
  create_time?: number;
  update_time?: number;
  order_detail?: {
    product_infos?: Array<{
      product_id?: string;
      sku_id?: string;
      title?: string;
      sku_cnt?: number;
      sku_code?: string;
      out_sku_id?: string;
      finish_aftersale_sku_cnt?: number;
      sku_attrs?: Array<{ attr_key?: string; attr_value?: string }>;
    }>;
    price_info?: { order_price?: number; product_price?: number; freight?: number };
    pay_info?: { pay_time?: number };
    delivery_info?: { address_info?: WechatAddress; deliver_method?: number };
    ext_info?: { customer_notes?: string; merchant_notes?: string };
  };
}

export interface WechatAddress {
  user_name?: string;
  tel_number?: string;
  province_name?: string;
  city_name?: string;
  county_name?: string;
  detail_info?: string;
  house_number?: string;
  /** GCJ-02 (Tencent maps) (verify: WeChat does not name the datum). */
  lat?: number;
  lng?: number;
  /** 1: the buyer's number is hidden behind a virtual one (tel_number_ext_info). */
  use_tel_number?: number;
  tel_number_ext_info?: { real_tel_number?: string; virtual_tel_number?: string; virtual_tel_expire_time?: number };
}

/** `/channels/ec/order/sensitiveinfo/decode`: the address unmasked, and the virtual number with its expiry. */
export interface WechatDecoded {
  address_info?: WechatAddress;
  virtual_number_info?: { virtual_number?: string; extension?: string; expiration?: number };
}

export const WECHAT_CANCELLED = new Set([190, 200, 250]);
const PAID = new Set([20, 21, 30, 100]);

export interface WechatReadContext {
  timeZone: string;
  rules: PlatformRules;
}

/**
 * A WeChat Store order as the intake's order. WeChat tells nothing of the buyer but their openid
 * (so the buyer is "微信小店买家" with it), and has no delivery-slot field: the date and time are
 * read from the buyer's note and the SKU's attributes (a florist's 规格 "配送日期") — when none
 * reads, the order is held for staff with what was there (docs/intake/wechat.md).
 */
export function mapWechatOrder(order: WechatOrder, decoded: WechatDecoded | undefined, context: WechatReadContext): IntakeOrderInput {
  const orderId = order.order_id;
  if (!orderId) throw new UnreadablePayload('the order has no order_id');
  const detail = order.order_detail ?? {};
  const masked = detail.delivery_info?.address_info ?? {};
  const address = decoded?.address_info ?? {};
  const created = order.create_time ? new Date(order.create_time * 1000) : undefined;

  const products = detail.product_infos ?? [];
  const attributes = products.flatMap((p) => (p.sku_attrs ?? []).filter((a) => a.attr_value).map((a) => `${a.attr_key ?? ''}：${a.attr_value}`));
  const noteText = detail.ext_info?.customer_notes ?? '';
  const slot = readWechatSlot([...attributes, noteText], created, context);
  const note = readBuyerNote(slot.rest(noteText), context.rules);

  const street = [address.province_name, address.city_name, address.county_name, address.detail_info, address.house_number]
    .map((part) => part?.trim())
    .filter((part): part is string => !!part)
    .filter((part, i, all) => all.indexOf(part) === i)
    .join('');
  const geo = wechatGeo(address.lat ?? masked.lat, address.lng ?? masked.lng);
  const phone = wechatRecipientPhone(masked, decoded, slot.window, context.rules);

  const items = products
    .map((p) => ({ p, quantity: (p.sku_cnt ?? 0) - (p.finish_aftersale_sku_cnt ?? 0) }))
    .filter(({ p, quantity }) => quantity > 0 && p.title)
    .map(({ p, quantity }) => {
      const values = (p.sku_attrs ?? []).map((a) => a.attr_value).filter(Boolean);
      return {
        sku: (p.sku_code || p.out_sku_id || `wx-${p.product_id}-${p.sku_id}`).slice(0, 64),
        name: (values.length > 0 ? `${p.title}（${values.join('，')}）` : (p.title ?? '')).slice(0, 200),
        quantity: Math.min(999, quantity),
      };
    });

  const amount = detail.price_info?.order_price;
  return {
    displayRef: orderId,
    channel: 'marketplace',
    buyer: { name: '微信小店买家', ...(order.openid ? { customerId: order.openid.slice(0, 100) } : {}) },
    recipient: {
      ...(address.user_name?.trim() ? { name: address.user_name.trim().slice(0, 200) } : {}),
      ...(phone ? { phone: phone.phone, ...(phone.expiresAt ? { phoneExpiresAt: phone.expiresAt } : {}) } : {}),
      ...(street && address.detail_info ? { address: { text: street.slice(0, 500), ...(geo ? { geo } : {}) } } : {}),
    },
    items,
    ...(slot.window ? { deliveryWindow: slot.window } : { deliveryText: slot.text }),
    ...(note.cardMessage ? { cardMessage: note.cardMessage } : {}),
    anonymousSender: note.anonymousSender,
    ...(note.note ? { note: note.note } : {}),
    ...(note.unclear ? { review: note.unclear.slice(0, 500) } : {}),
    ...(Number.isSafeInteger(amount) && (amount ?? -1) >= 0 ? { price: { amountMinor: amount as number, currency: 'CNY' } } : {}),
    paid: PAID.has(order.status ?? 0),
  };
}

/**
 * The recipient's number: the virtual one with its extension and expiry when WeChat hides the
 * real one (the decode's virtual_number_info, else tel_number_ext_info), else the decoded number.
 * A virtual number WeChat gives no expiry for lasts the shop's privacyNumberHours after the window.
 */
export function wechatRecipientPhone(
  masked: WechatAddress,
  decoded: WechatDecoded | undefined,
  window: DeliveryWindow | undefined,
  rules: Pick<PlatformRules, 'privacyNumberHours'>,
): { phone: string; expiresAt?: string } | undefined {
  const virtual = decoded?.virtual_number_info;
  const ext = decoded?.address_info?.tel_number_ext_info ?? masked.tel_number_ext_info;
  const fallbackExpiry = window ? privacyPhoneExpiry(window.to, rules) : undefined;
  if (virtual?.virtual_number) {
    const raw = virtual.extension ? `${virtual.virtual_number},${virtual.extension}` : virtual.virtual_number;
    const found = privacyPhone(raw, virtual.expiration ? new Date(virtual.expiration * 1000) : fallbackExpiry);
    if (found) return found;
  }
  if ((decoded?.address_info?.use_tel_number ?? masked.use_tel_number) === 1 && ext?.virtual_tel_number) {
    // The number and its extension, written 17100001234-5678 (verify the separator WeChat uses).
    const split = /^(\d{11})\s*(?:[-_,，#]|转)\s*(\d{1,8})$/.exec(ext.virtual_tel_number.trim());
    const raw = split ? `${split[1]},${split[2]}` : ext.virtual_tel_number;
    const found = privacyPhone(raw, ext.virtual_tel_expire_time ? new Date(ext.virtual_tel_expire_time * 1000) : fallbackExpiry);
    if (found) return found;
  }
  return privacyPhone(decoded?.address_info?.tel_number);
}

function wechatGeo(lat: number | undefined, lng: number | undefined): { lat: number; lng: number } | undefined {
  if (typeof lat !== 'number' || typeof lng !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lng) || (lat === 0 && lng === 0)) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return gcj02ToWgs84({ lat, lng });
}

/** A date and time read from free text, and the text without them (what is left for the card and the note). */
export interface WechatSlot {
  window?: DeliveryWindow;
  /** What staff see when no window was read. */
  text: string;
  rest(text: string): string;
}

const LABEL = String.raw`(?:(?:送达|配送|送花|收花|派送|预约)?(?:时间|日期)\s*[：:]?\s*)?`;
const FULL_DATE = String.raw`(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?`;
const MONTH_DAY = String.raw`(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`;
const CLOCK = String.raw`(\d{1,2})\s*(?:[:：](\d{2})|点(?:(\d{1,2})分?|半)?)`;
const RANGE = new RegExp(`${CLOCK}\\s*(?:-|~|～|—|–|至|到)\\s*${CLOCK}`);
const DATE = new RegExp(`${LABEL}(?:${FULL_DATE}|${MONTH_DAY})`);

/**
 * Reads the first date (2027-02-14, 2027年2月14日, 2月14日 — a month and day take the year that
 * puts them on or after the order's day) and time range (13:00-15:00, 13点-15点, 1点半到3点 read
 * as 24-hour) in the texts. A date without a range is not guessed into a window.
 */
export function readWechatSlot(texts: readonly string[], orderedAt: Date | undefined, context: WechatReadContext): WechatSlot {
  const found: string[] = [];
  let date: string | undefined;
  let range: { from: string; to: string } | undefined;
  for (const text of texts) {
    if (date === undefined) {
      const match = DATE.exec(text);
      if (match) {
        date = dateOf(match, orderedAt, context.timeZone);
        if (date) found.push(match[0]);
      }
    }
    if (range === undefined) {
      const match = RANGE.exec(text);
      if (match) {
        range = rangeOf(match, AFTERNOON.test(text.slice(Math.max(0, match.index - 4), match.index)));
        if (range) found.push(match[0]);
      }
    }
  }
  const rest = (text: string) =>
    found
      .reduce((left, part) => left.split(part).join(' '), text)
      .replace(/\s*[，,；;。]\s*(?=[，,；;。]|$)/g, '')
      .replace(/^[\s，,；;。]+/, '')
      .replace(/\s{2,}/g, ' ')
      .trim();
  if (date && range) {
    return {
      window: { from: zonedTime(date, range.from, context.timeZone), to: zonedTime(date, range.to, context.timeZone), timeZone: context.timeZone },
      text: '',
      rest,
    };
  }
  const seen = found.join(' ');
  return { text: (seen ? `WeChat note: ${seen} (no whole date and time range)` : 'WeChat gave no delivery date or time').slice(0, 200), rest };
}

function dateOf(match: RegExpExecArray, orderedAt: Date | undefined, timeZone: string): string | undefined {
  let year: number;
  let month: number;
  let day: number;
  if (match[1] !== undefined) {
    [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    [month, day] = [Number(match[4]), Number(match[5])];
    const ordered = localDate(orderedAt ?? new Date(), timeZone);
    year = Number(ordered.slice(0, 4));
    if (`${year}-${pad(month)}-${pad(day)}` < ordered) year += 1;
  }
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** 下午 (afternoon), 晚上 (evening), 傍晚 (dusk) before a range: its hours are after noon. */
const AFTERNOON = /(下午|晚上|傍晚)\s*$/;

function rangeOf(match: RegExpExecArray, afternoon: boolean): { from: string; to: string } | undefined {
  const clock = (hours: string | undefined, colonMinutes: string | undefined, pointMinutes: string | undefined, half: boolean) => {
    const h = Number(hours) + (afternoon && Number(hours) < 12 ? 12 : 0);
    const m = colonMinutes !== undefined ? Number(colonMinutes) : pointMinutes !== undefined ? Number(pointMinutes) : half ? 30 : 0;
    return h <= 23 && m <= 59 ? `${pad(h)}:${pad(m)}` : undefined;
  };
  const halfFrom = /点半/.test(match[0].split(/-|~|～|—|–|至|到/)[0] ?? '');
  const halfTo = /点半\s*$/.test(match[0]);
  const from = clock(match[1], match[2], match[3], halfFrom);
  const to = clock(match[4], match[5], match[6], halfTo);
  return from && to && to > from ? { from, to } : undefined;
}

function localDate(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
