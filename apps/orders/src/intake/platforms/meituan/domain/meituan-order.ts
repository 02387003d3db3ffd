import type { DeliveryWindow, OrderItem } from '@petalpost/contracts';
import { DateTime } from 'luxon';
import { type IntakeOrderInput, IntakeOrderSchema, UnreadablePayload } from '../../../domain/intake-order';
import { moneyOf } from '../../../domain/money';
import { readBuyerNote } from '../../buyer-note';
import { gcj02ToWgs84, type LatLng } from '../../coordinates';
import type { PlatformRules, PrivacyPhone, PushMeaning } from '../../platform-connector';
import { privacyPhone, privacyPhoneExpiry } from '../../privacy-phone';
import { type MeituanPushType, pushOrderId, refundTaken } from './meituan-push';
import type { MeituanParams } from './meituan-sig';

/**
 * What a Meituan 闪购 push means for the order it names. The field names and their meanings are
 * those of the paid-order push (推送已支付订单) as easynet-cn/go-meituan `app/app_paid_order_request.go`
 * documents them; what is marked "verify" was seen only in third-party code.
 */

/** How a push is read for one shop: its time zone and its rules for notes, slots and privacy numbers. */
export interface MeituanReading {
  timeZone: string;
  rules: PlatformRules;
  /** When we received the push: the time of a push that carries none of its own. */
  receivedAt: string;
}

/** A privacy-number downgrade that does not carry the real number: it is pulled from Meituan (order/batchPullPhoneNumber). */
export interface RealPhoneToPull {
  kind: 'pull_real_phone';
  externalRef: string;
  at: string;
}

/** What the buyer is called: Meituan gives a flower order's 预订人 (booker) a phone, never a name. */
export const MEITUAN_BUYER_NAME = '美团预订人';

/** `logistics_code` values that mean the shop delivers itself (go-meituan `logistics_code.go`): 商家自配, 海葵, 开放平台. */
const SELF_DELIVERY_CODES = new Set(['0000', '00009002', '00009003']);

/**
 * What Meituan appends to `caution` besides the buyer's words (go-meituan's field notes): the
 * recipient's (or for flowers the booker's) privacy number with the masked real one, and the
 * e-invoice notice. Taken out before the note is read, so they are neither card nor note.
 */
const PRIVACY_SENTENCE = /(收餐人|收货人|预订人|订餐人)隐私号\s*[:：]?\s*(\d{5,20}_\d{1,8})\s*[，,]?\s*(?:手机号\s*[:：]?\s*[\d*]+)?[，,。;；]?/g;
const SYSTEM_NOTES = [/电子发票已自动开具[，,。;；]?/g, /到店自取[，,。;；]?/g];

export function meaningOfPush(pushType: MeituanPushType, values: MeituanParams, reading: MeituanReading): PushMeaning | RealPhoneToPull {
  const externalRef = pushOrderId(values);
  if (externalRef === undefined) {
    if (pushType === 'privacy-downgrade') {
      return { kind: 'skip', reason: 'a privacy-number downgrade for the whole store, naming no order: staff call through Meituan’s merchant app' };
    }
    throw new UnreadablePayload(`a Meituan ${pushType} push without order_id`);
  }
  const at = instantOf(values.timestamp) ?? reading.receivedAt;
  switch (pushType) {
    case 'paid':
    case 'confirmed':
      return orderOf(externalRef, values, reading);
    case 'cancelled':
      return { kind: 'cancelled', externalRef, at, reason: withCode('美团订单已取消', values.reason, values.reason_code) };
    case 'refunded':
      if (!refundTaken(pushType, values)) return { kind: 'skip', externalRef, reason: refundStep('full refund', values) };
      return { kind: 'cancelled', externalRef, at: instantOf(values.ctime) ?? at, reason: withCode('美团全额退款', values.reason, undefined) };
    case 'partly-refunded':
      if (!refundTaken(pushType, values)) return { kind: 'skip', externalRef, reason: refundStep('partial refund', values) };
      return { kind: 'partly_refunded', externalRef, at: instantOf(values.ctime) ?? at, note: partialRefundNote(values) };
    case 'reminder':
      return { kind: 'reminder', externalRef, at: instantOf(values.remind_time) ?? at, note: '买家催单 (the buyer chases the order on Meituan)' };
    case 'completed':
      return { kind: 'completed', externalRef, at: instantOf(values.utime) ?? at };
    case 'privacy-downgrade': {
      // The downgrade's own fields are not documented where we could read (verify): a real number it carries is taken, else pulled.
      const phone = realPhone(values.real_phone_number) ?? realPhone(values.recipient_phone);
      return phone ? { kind: 'recipient_phone', externalRef, at, phone } : { kind: 'pull_real_phone', externalRef, at };
    }
  }
}

/** The real number order/batchPullPhoneNumber gave for the order: it does not expire. */
export function realPhone(raw: string | undefined): PrivacyPhone | undefined {
  const phone = privacyPhone(raw?.trim() || undefined);
  // A downgrade gives the real number: one that is still a privacy number (with an extension) is not it.
  return phone && !phone.phone.includes(',') ? phone : undefined;
}

/** A full snapshot of the order from the paid or the confirmed push. */
export function orderOf(externalRef: string, values: MeituanParams, reading: MeituanReading): PushMeaning {
  const review: string[] = [];
  const created = instantOf(values.ctime) ?? reading.receivedAt;
  const { window, text: deliveryText } = deliveryWindowOf(values, created, reading);

  const cleaned = cleanedCaution(values.caution ?? '');
  const note = readBuyerNote(cleaned.text, reading.rules);
  if (note.unclear) review.push(`备注无法确定 (the note is unclear): ${note.unclear}`);

  if (values.pick_type === '1') review.push('到店自取 (the buyer collects it at the shop): not a delivery');
  const logistics = values.logistics_code?.trim();
  if (logistics && !SELF_DELIVERY_CODES.has(logistics)) review.push(`美团配送 (logistics_code ${logistics}): Meituan’s riders deliver it, not the shop’s`);

  const items = itemsOf(values.detail);
  if (items === undefined) review.push('商品明细无法读取 (the items, detail, do not read)');

  const recipientPhone = firstDialable([values.recipient_phone, ...backupPhones(values.backup_recipient_phone), cleaned.privacyNumbers.recipient]);
  const phoneExpiresAt = recipientPhone?.includes(',') && window ? privacyPhoneExpiry(window.to, reading.rules) : undefined;
  const buyerPhone = firstDialable([values.order_phone_number, cleaned.privacyNumbers.booker]);
  const address = addressOf(values.recipient_address, values.latitude, values.longitude);
  const name = values.recipient_name?.trim();
  const paid = values.pay_type === undefined || values.pay_type === '2';

  const order: IntakeOrderInput = {
    displayRef: displayRefOf(externalRef, values),
    channel: 'marketplace',
    buyer: { name: MEITUAN_BUYER_NAME, ...(buyerPhone ? { phone: buyerPhone } : {}) },
    recipient: {
      ...(name ? { name: name.slice(0, 200) } : {}),
      ...(recipientPhone ? { phone: recipientPhone } : {}),
      ...(phoneExpiresAt ? { phoneExpiresAt } : {}),
      ...(address ? { address } : {}),
    },
    items: items ?? [],
    ...(window ? { deliveryWindow: window } : {}),
    ...(deliveryText ? { deliveryText } : {}),
    ...(note.cardMessage ? { cardMessage: note.cardMessage } : {}),
    anonymousSender: note.anonymousSender,
    ...(moneyOf(values.total, 'CNY') ? { price: moneyOf(values.total, 'CNY') } : {}),
    paid,
    ...(note.note ? { note: note.note } : {}),
    ...(review.length > 0 ? { review: clip(review.join('；'), 500) } : {}),
  };
  const parsed = IntakeOrderSchema.safeParse(order);
  if (!parsed.success)
    throw new UnreadablePayload(`Meituan order ${externalRef} does not read: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return { kind: 'order', externalRef, externalUpdatedAt: instantOf(values.utime) ?? created, order: parsed.data };
}

/**
 * The slot: `delivery_time` is the time the buyer chose (Unix seconds), 0 for "as soon as
 * possible" — then the shop's `asapMinutes` from when the order was made. A chosen time is read as
 * "by then": the window is the `asapMinutes` before it (Meituan gives one instant, not a range — verify).
 */
function deliveryWindowOf(values: MeituanParams, created: string, reading: MeituanReading): { window?: DeliveryWindow; text?: string } {
  const raw = values.delivery_time?.trim();
  if (raw === undefined || raw === '') return { text: undefined };
  const minutes = reading.rules.asapMinutes;
  if (raw === '0') {
    const from = Date.parse(created);
    return { window: windowBetween(from, from + minutes * 60_000, reading.timeZone), text: `尽快送达 (as soon as possible, within ${minutes} min)` };
  }
  if (!/^\d{9,11}$/.test(raw)) return { text: `delivery_time ${raw.slice(0, 100)}` };
  const by = Number(raw) * 1000;
  const window = windowBetween(by - minutes * 60_000, by, reading.timeZone);
  return { window, text: `送达时间 ${DateTime.fromMillis(by, { zone: reading.timeZone }).toFormat('yyyy-MM-dd HH:mm')}` };
}

function windowBetween(fromMs: number, toMs: number, timeZone: string): DeliveryWindow {
  const at = (ms: number) => DateTime.fromMillis(ms, { zone: timeZone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
  return { from: at(fromMs), to: at(toMs), timeZone };
}

/** `caution` without what Meituan appends to it, and the privacy numbers found there. */
function cleanedCaution(caution: string): { text: string; privacyNumbers: { recipient?: string; booker?: string } } {
  const privacyNumbers: { recipient?: string; booker?: string } = {};
  let text = caution.replace(PRIVACY_SENTENCE, (_sentence, who: string, number: string) => {
    if (who === '预订人') privacyNumbers.booker ??= number;
    else privacyNumbers.recipient ??= number;
    return ' ';
  });
  for (const notice of SYSTEM_NOTES) text = text.replace(notice, ' ');
  return { text: text.replace(/\s{2,}/g, ' ').trim(), privacyNumbers };
}

/** The first of the numbers a rider can dial (a masked `138****5678` cannot be), as dialled. */
function firstDialable(candidates: Array<string | undefined>): string | undefined {
  for (const raw of candidates) {
    const phone = privacyPhone(raw?.trim() || undefined);
    if (phone) return phone.phone;
  }
  return undefined;
}

/** `backup_recipient_phone`: a JSON list of privacy numbers (`[]` when none), or a comma-separated one. */
function backupPhones(raw: string | undefined): string[] {
  const text = raw?.trim() ?? '';
  if (text === '' || text === '[]') return [];
  try {
    const list: unknown = JSON.parse(text);
    if (Array.isArray(list)) return list.filter((v): v is string => typeof v === 'string');
  } catch {
    // not JSON: a comma-separated list
  }
  return text.split(',');
}

/**
 * The recipient's address: what the buyer typed, and — when the shop subscribed field 13 — what
 * Meituan found at the pin, after `@#` (`typed@#reverse-geocoded`), kept as a note beside it.
 * The pin (GCJ-02, degrees; also seen ×10⁶ — both read) becomes WGS-84 here, at the edge.
 */
function addressOf(
  raw: string | undefined,
  latitude: string | undefined,
  longitude: string | undefined,
): NonNullable<IntakeOrderInput['recipient']>['address'] {
  const [typed, found] = (raw ?? '').split('@#', 2).map((part) => part.trim());
  const text = typed || found;
  if (!text) return undefined;
  const geo = pinOf(latitude, longitude);
  const notes = found && found !== typed && !typed.includes(found) ? `定位地址 (at the pin): ${found}` : undefined;
  return { text: clip(text, 500), ...(geo ? { geo } : {}), ...(notes ? { notes: clip(notes, 500) } : {}) };
}

function pinOf(latitude: string | undefined, longitude: string | undefined): LatLng | undefined {
  let lat = Number(latitude);
  let lng = Number(longitude);
  if (!latitude?.trim() || !longitude?.trim() || !Number.isFinite(lat) || !Number.isFinite(lng) || (lat === 0 && lng === 0)) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) [lat, lng] = [lat / 1e6, lng / 1e6];
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return gcj02ToWgs84({ lat, lng });
}

/** The items of `detail` (a JSON list: food_name, quantity, app_food_code / sku_id, spec), or undefined when it does not read. */
function itemsOf(detail: string | undefined): OrderItem[] | undefined {
  let list: unknown;
  try {
    list = JSON.parse(detail ?? '');
  } catch {
    return undefined;
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > 50) return undefined;
  const items: OrderItem[] = [];
  for (const entry of list as Array<Record<string, unknown>>) {
    const name = text(entry?.food_name);
    const quantity = Number(entry?.quantity);
    if (!name || !Number.isInteger(quantity) || quantity < 1 || quantity > 999) return undefined;
    const spec = text(entry.spec);
    const sku = text(entry.app_food_code) || text(entry.sku_id) || text(entry.upc) || name;
    items.push({ sku: clip(sku, 64), name: clip(spec && !name.includes(spec) ? `${name}（${spec}）` : name, 200), quantity });
  }
  return items;
}

/** What staff know a Meituan order by: the day's number (#12) beside the order number the buyer sees. */
function displayRefOf(externalRef: string, values: MeituanParams): string {
  const shown = values.wm_order_id_view?.trim() || externalRef;
  const daySeq = values.day_seq?.trim();
  return clip(daySeq && /^\d+$/.test(daySeq) ? `美团 #${daySeq} ${shown}` : `美团 ${shown}`, 100);
}

function partialRefundNote(values: MeituanParams): string {
  const money = values.money?.trim();
  const foods = refundedFoods(values.food);
  const parts = [
    `美团部分退款 (part refunded)${money ? ` ¥${money}` : ''}`,
    ...(foods ? [foods] : []),
    ...(values.reason?.trim() ? [`原因 (reason): ${values.reason.trim()}`] : []),
  ];
  return clip(parts.join('；'), 500);
}

/** `food`: the refunded items as JSON (food_name, count) — meiquan reads it so (verify). */
function refundedFoods(raw: string | undefined): string | undefined {
  try {
    const list: unknown = JSON.parse(raw ?? '');
    if (!Array.isArray(list)) return undefined;
    const named = (list as Array<Record<string, unknown>>)
      .map((food) => (text(food?.food_name) ? `${text(food.food_name)} × ${Number(food.count) || 1}` : ''))
      .filter(Boolean);
    return named.length > 0 ? named.join('、') : undefined;
  } catch {
    return undefined;
  }
}

function refundStep(kind: string, values: MeituanParams): string {
  const step = values.notify_type || (values.status ? `status ${values.status}` : 'no step given');
  return `a ${kind} step that returns no money yet (${step}): the shop answers it in Meituan`;
}

function withCode(what: string, reason: string | undefined, code: string | undefined): string {
  const why = reason?.trim();
  return clip(`${what}${why ? `：${why}` : ''}${code?.trim() ? ` (${code.trim()})` : ''}`, 500);
}

/** A Unix-seconds field as an ISO time, or undefined when absent, zero or not a time. */
export function instantOf(seconds: string | undefined): string | undefined {
  const value = seconds?.trim();
  if (!value || !/^\d{9,11}$/.test(value)) return undefined;
  return new Date(Number(value) * 1000).toISOString();
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
