import { type MeituanParams, meituanSig, meituanSigMatches } from './meituan-sig';

/**
 * The pushes a florist's Meituan 闪购 app sends us, each to its own URL (the developer console takes
 * one callback URL per message type): the path segment of `/intake/pushes/meituan/{connectionId}/{pushType}`.
 * Names ours, not Meituan's: the console's labels differ between its versions (docs/intake.md, Meituan
 * maps each to its console field).
 */
export const MEITUAN_PUSH_TYPES = [
  /** 推送已支付订单: a new order, paid. */
  'paid',
  /** 推送已确认订单: the order confirmed (by us through order/confirm, or in Meituan's merchant app). */
  'confirmed',
  /** 推送用户或客服取消订单. */
  'cancelled',
  /** 推送全额退款信息: each step of a full refund (apply, agree, reject, …). */
  'refunded',
  /** 推送部分退款信息. */
  'partly-refunded',
  /** 推送催单消息 (催单): the buyer chases the order. */
  'reminder',
  /** 推送已完成订单. */
  'completed',
  /** 隐私号降级通知: the privacy-number service is down, the real number takes its place. */
  'privacy-downgrade',
] as const;
export type MeituanPushType = (typeof MEITUAN_PUSH_TYPES)[number];

export function isMeituanPushType(value: string | undefined): value is MeituanPushType {
  return value !== undefined && (MEITUAN_PUSH_TYPES as readonly string[]).includes(value);
}

/** A push that is not one: why it is refused (nothing stored, Meituan's error answer). */
export class MeituanPushRefusal extends Error {
  constructor(
    readonly code: 'SIGNATURE_INVALID' | 'MALFORMED',
    message: string,
  ) {
    super(message);
    this.name = 'MeituanPushRefusal';
  }
}

/**
 * The push's parameters decoded once, as any form reader gives them: the query's (already decoded
 * by the router) and those of an `application/x-www-form-urlencoded` body. A name given twice is
 * refused: which of the two Meituan signed cannot be told.
 */
export function onceDecodedParams(query: Record<string, string>, rawBody: Buffer): MeituanParams {
  const params: MeituanParams = { ...query };
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(rawBody.toString('utf8'))) {
    if (seen.has(name) || (name in query && query[name] !== value)) throw new MeituanPushRefusal('MALFORMED', `parameter ${name} is given twice`);
    seen.add(name);
    params[name] = value;
  }
  return params;
}

const ESCAPE = /%[0-9A-Fa-f]{2}/;

/**
 * One more URL-decoding of a value (Java's URLDecoder: `+` is a space), or the value as it was when
 * it does not decode. Meituan URL-encodes `detail`, `recipient_name`, `caution`… before its form
 * encoding, so a form reader still sees `%E8%B4%BA…` (notes: "possibly twice — verify").
 */
function decodedAgain(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Every value decoded a second time. */
export function twiceDecoded(params: MeituanParams): MeituanParams {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, decodedAgain(value)]));
}

/**
 * The push's values as Meituan meant them. A push encoded twice shows it in its text fields (the
 * `detail` JSON's braces and quotes, any Chinese character, are still `%7B`, `%E8`… after one
 * decoding); then every value is decoded again, else none is — so a `+` or `%` a buyer typed
 * survives a push that was encoded once.
 */
export function pushValues(once: MeituanParams): MeituanParams {
  const encodedTwice = Object.entries(once).some(([name, value]) => name !== 'sig' && ESCAPE.test(value));
  return encodedTwice ? twiceDecoded(once) : once;
}

/**
 * Checks a push's `sig` over the exact callback URL it was registered with: over its values fully
 * decoded (what Code-Fly/MeituanAPI's receiver signs), or, for a push encoded only once, over the
 * values as a form reader gives them. Either proves the sender holds the app secret.
 */
export function pushSigMatches(callbackUrl: string, once: MeituanParams, secrets: readonly string[]): boolean {
  const given = once.sig;
  return meituanSigMatches(callbackUrl, twiceDecoded(once), given, secrets) || meituanSigMatches(callbackUrl, once, given, secrets);
}

/**
 * How far a push's `timestamp` may be from our clock. Meituan's retry schedule is not published, so
 * a late retry must pass (a replay of a stored push is a duplicate anyway); what is refused is a
 * timestamp that is not one, or one days old or from the future.
 */
export const PUSH_MAX_AGE_SECONDS = 3 * 24 * 3600;
export const PUSH_MAX_AHEAD_SECONDS = 15 * 60;

export function checkPushTimestamp(timestamp: string | undefined, nowSeconds: number): void {
  if (timestamp === undefined || !/^\d{10}$/.test(timestamp)) throw new MeituanPushRefusal('MALFORMED', 'timestamp is not Unix seconds');
  const age = nowSeconds - Number(timestamp);
  if (age > PUSH_MAX_AGE_SECONDS) throw new MeituanPushRefusal('SIGNATURE_INVALID', `timestamp is ${Math.round(age / 3600)} h old`);
  if (-age > PUSH_MAX_AHEAD_SECONDS) throw new MeituanPushRefusal('SIGNATURE_INVALID', `timestamp is ${Math.round(-age / 60)} min ahead of our clock`);
}

/** The order a push names: `order_id` (同订单展示ID on 闪购), else the shown id the completed push may carry alone. */
export function pushOrderId(values: MeituanParams): string | undefined {
  const id = values.order_id?.trim() || values.wm_order_id_view?.trim();
  return id && /^\d{1,30}$/.test(id) ? id : undefined;
}

/**
 * What a verified push is stored as: unique per connection, so Meituan's repeats (it pushes at least
 * once) store nothing new, while each legitimately distinct push of one order is kept — each step of
 * a refund (its `refund_id`, and whether it is a request or the money gone), each 催单.
 */
export function pushIdentity(pushType: MeituanPushType, values: MeituanParams): { eventId: string; topic: string } {
  const orderId = pushOrderId(values);
  const topic = `order.${pushType.replace(/-/g, '_')}`;
  if (orderId === undefined) {
    // A privacy-number downgrade may be a notice for the whole store (verify): kept once per store and time.
    if (pushType === 'privacy-downgrade') return { eventId: `store:${values.app_poi_code ?? ''}:${pushType}:${values.timestamp}`, topic };
    throw new MeituanPushRefusal('MALFORMED', `a ${pushType} push without order_id`);
  }
  switch (pushType) {
    case 'refunded':
    case 'partly-refunded': {
      const refundId = values.refund_id?.trim() || 'none';
      // A partial refund is flagged once, whichever of `part` (the shop's own refund) or `agree` comes.
      const step = refundTaken(pushType, values) ? 'taken' : (values.notify_type ?? values.status ?? 'unknown');
      return { eventId: `${orderId}:${pushType}:${refundId}:${step}`, topic };
    }
    case 'reminder':
      // The buyer may chase an order again: each 催单 has its own id or time (field names verify).
      return { eventId: `${orderId}:${pushType}:${values.remind_id ?? values.remind_time ?? values.timestamp}`, topic };
    case 'privacy-downgrade':
      return { eventId: `${orderId}:${pushType}:${values.recipient_phone ?? values.real_phone_number ?? ''}`, topic };
    default:
      return { eventId: `${orderId}:${pushType}`, topic };
  }
}

/**
 * Whether a refund push says the money went back (then the order is cancelled or flagged), not that
 * it was asked for, refused or withdrawn. Shops without 退货退款 get `notify_type` (`agree`, and `part`
 * for a partial refund the shop made); shops with it get `status` 21/27 (终审已同意, 终审申诉已同意 — verify).
 */
export function refundTaken(pushType: 'refunded' | 'partly-refunded', values: MeituanParams): boolean {
  const notify = values.notify_type;
  if (notify !== undefined && notify !== '') return notify === 'agree' || (pushType === 'partly-refunded' && notify === 'part');
  return ['21', '27'].includes(values.status ?? '');
}

/** One value as Java's URLEncoder writes it (what Meituan's servers run): the form encoding, `+` for a space. */
function formEncoded(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * A push's form body as Meituan sends it: signed over the callback URL and the plain values, each
 * value URL-encoded (`encodings` 2: once more for its text fields, as the notes describe — verify)
 * and the pairs joined as a form. For the console's test push and for specs.
 */
export function signedPushBody(callbackUrl: string, params: MeituanParams, secret: string, encodings: 1 | 2 = 2): string {
  const signed = { ...params, sig: meituanSig(callbackUrl, params, secret) };
  return Object.entries(signed)
    .map(([name, value]) => `${formEncoded(name)}=${encodings === 2 ? formEncoded(formEncoded(value)) : formEncoded(value)}`)
    .join('&');
}
