import type { WritebackStatus } from '../../../writeback/domain/writeback-plan';
import { type LatLng, wgs84ToGcj02 } from '../../coordinates';
import type { PlatformStatus } from '../../platform-connector';
import type { MeituanParams } from './meituan-sig';

/**
 * What Meituan 闪购 is told, in the order it happens, for an order the shop delivers with its own
 * riders (商家自配送). `carded` is not: Meituan has no "we will come again" — the order stays out for
 * delivery there, and the next status (delivered, or failed) follows.
 */
export const MEITUAN_STATUSES = [
  'confirmed',
  'prepared',
  'rider_assigned',
  'out_for_delivery',
  'location',
  'delivered',
  'failed',
] as const satisfies readonly WritebackStatus[];

/**
 * The rate Meituan expects positions at: production code re-sends the rider's position every two
 * minutes (zhexiaoyang/meiquan's jobs); a faster rate only spends the app's call quota.
 */
export const MEITUAN_POSITION_INTERVAL_MS = 120_000;

/** 商家自建配送: the logistics_provider_code of a shop's own riders (go-meituan `ecommerce_order_logistics_sync_request.go`). */
export const OWN_RIDERS_PROVIDER_CODE = '10015';

/**
 * `logistics_status` codes of ecommerce/order/logistics/sync (same source): what the buyer's app
 * shows for each. 10 骑手已接单 ("on the way to the shop"), 20 骑手已取货 ("delivering"), 40 骑手已送达,
 * 100 配送单已取消 (Meituan accepts statuses after it, so a second attempt can still be told).
 */
export const LOGISTICS_STATUS = { riderAccepted: '10', pickedUp: '20', delivered: '40', cancelled: '100' } as const;

/** One call of Meituan's open API: its path under /api/v1/, its method, its application parameters (the system ones are added when sent). */
export interface MeituanCall {
  path: 'order/confirm' | 'order/preparationMealComplete' | 'ecommerce/order/logistics/sync' | 'order/batchPullPhoneNumber' | 'poi/mget';
  method: 'GET' | 'POST';
  params: MeituanParams;
}

/** A status that cannot be written as it is: retrying the same call cannot help, or may (`retryable`). */
export class MeituanWriteRefused extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'MeituanWriteRefused';
  }
}

/**
 * The call that tells Meituan one status of one order (`externalRef`, its order_id):
 * - confirmed → order/confirm (接单), prepared → order/preparationMealComplete (拣货完成), GET as
 *   go-meituan documents them;
 * - the rider's statuses and positions → ecommerce/order/logistics/sync (POST) with the rider's name
 *   and phone, our own riders' provider code, the status and the position in GCJ-02. The position
 *   is required there: a status carries none of its own (only `location` does), so `standIn`
 *   (GCJ-02) takes its place — the rider's last position told, else the shop's pin from poi/mget,
 *   what production code sends before the rider's first position (meiquan's MtLogisticsSync).
 */
export function meituanCallFor(externalRef: string, status: PlatformStatus, standIn?: LatLng): MeituanCall {
  if (!/^\d{1,30}$/.test(externalRef)) throw new MeituanWriteRefused(`not a Meituan order id: ${externalRef}`, false);
  const { facts } = status;
  switch (facts.status) {
    case 'confirmed':
      return { path: 'order/confirm', method: 'GET', params: { order_id: externalRef } };
    case 'prepared':
      return { path: 'order/preparationMealComplete', method: 'GET', params: { order_id: externalRef } };
    case 'rider_assigned':
      return logisticsSync(externalRef, status, LOGISTICS_STATUS.riderAccepted, standIn);
    case 'out_for_delivery':
    case 'location':
      return logisticsSync(externalRef, status, LOGISTICS_STATUS.pickedUp, standIn);
    case 'delivered':
      return logisticsSync(externalRef, status, LOGISTICS_STATUS.delivered, standIn);
    case 'failed':
      return logisticsSync(externalRef, status, LOGISTICS_STATUS.cancelled, standIn);
    case 'carded':
      throw new MeituanWriteRefused('Meituan is not told a carded delivery', false);
  }
}

/** Whether the call for this status needs a position standing in for one it does not carry: a rider's status. */
export function needsStandInPosition({ facts }: PlatformStatus): boolean {
  return ['rider_assigned', 'out_for_delivery', 'delivered', 'failed'].includes(facts.status) && facts.position === undefined;
}

function logisticsSync(externalRef: string, { facts, rider }: PlatformStatus, logisticsStatus: string, standIn: LatLng | undefined): MeituanCall {
  // Dispatch may not have told us of the rider yet (their profile arrives on its own topic): later it will have.
  if (!rider) throw new MeituanWriteRefused(`the rider${facts.riderId ? ` ${facts.riderId}` : ''} is not known yet`, true);
  const courierPhone = mainlandMobile(rider.phone);
  // Meituan requires the courier's phone and shows it to the buyer: staff add it to the rider's profile, then retry.
  if (!courierPhone) throw new MeituanWriteRefused(`rider ${rider.riderId} has no mobile number Meituan takes (courier_phone)`, false);
  if (facts.status === 'location' && !facts.position) throw new MeituanWriteRefused('a location without a position', false);
  const position = facts.position ? wgs84ToGcj02(facts.position) : standIn;
  if (!position) throw new MeituanWriteRefused('no position to send: neither the rider’s nor the shop’s pin', true);
  return {
    path: 'ecommerce/order/logistics/sync',
    method: 'POST',
    params: {
      order_id: externalRef,
      // Our riders have no waybill of their own: the order's id stands for it, as production code does (meiquan).
      third_carrier_order_id: externalRef,
      courier_name: rider.name.slice(0, 50),
      courier_phone: courierPhone,
      logistics_provider_code: OWN_RIDERS_PROVIDER_CODE,
      logistics_status: logisticsStatus,
      latitude: position.lat.toFixed(6),
      longitude: position.lng.toFixed(6),
    },
  };
}

/** A mainland mobile number as Meituan takes it (11 digits, no +86, no spaces), or undefined. */
export function mainlandMobile(phone: string | undefined): string | undefined {
  const digits = phone?.replace(/[\s-]/g, '').replace(/^(\+86|0086)/, '');
  return digits && /^1\d{10}$/.test(digits) ? digits : undefined;
}

/**
 * Meituan's answer to a call: `{"data":"ok"}` (or data of its own) when done, `{"data":"ng","error":{"code","msg"}}`
 * when not — with HTTP 200 either way. Which refusals pass later (go-meituan `error_code.go`): 700 系统错误
 * and 711 流控 (throttled); the rest (703 wrong sig, 806 no such order, 808 the order has moved on…) are refused again.
 */
export function answerOf(status: number, body: string): { ok: true; data: unknown } | { ok: false; retryable: boolean; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(withLongIntegersAsText(body));
  } catch {
    return { ok: false, retryable: status >= 500 || status === 429 || status === 200, message: `HTTP ${status}, not JSON: ${body.slice(0, 200)}` };
  }
  const answer = (parsed ?? {}) as { data?: unknown; error?: { code?: unknown; msg?: unknown } | null };
  if (answer.error && typeof answer.error === 'object') {
    const code = Number(answer.error.code);
    return {
      ok: false,
      retryable: RETRYABLE_CODES.has(code) || status >= 500,
      message: `HTTP ${status}, Meituan error ${answer.error.code}: ${String(answer.error.msg ?? '')}`,
    };
  }
  if (status >= 400) return { ok: false, retryable: status >= 500 || status === 429 || status === 408, message: `HTTP ${status}: ${body.slice(0, 200)}` };
  if (answer.data === 'ng' || answer.data === undefined) return { ok: false, retryable: true, message: `HTTP ${status}, no data: ${body.slice(0, 200)}` };
  return { ok: true, data: answer.data };
}

const RETRYABLE_CODES = new Set([700, 711]);

/**
 * Meituan writes order ids as JSON numbers of 17 digits and more (bigint in its docs), which a
 * double rounds (27061900338318741 → …740): every integer literal of 16 digits or more becomes a
 * string before parsing. Only literals outside strings are touched.
 */
export function withLongIntegersAsText(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (inString) {
      out += char;
      if (char === '\\') out += json[++i] ?? '';
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      continue;
    }
    const literal = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(json.slice(i, i + 64))?.[0];
    if (literal !== undefined && /[-\d]/.test(char)) {
      out += /^-?\d{16,}$/.test(literal) ? `"${literal}"` : literal;
      i += literal.length - 1;
      continue;
    }
    out += char;
  }
  return out;
}

/**
 * The shop's pin from poi/mget's answer (`data`: the shops asked for, `latitude`/`longitude` GCJ-02
 * ×10⁶ — go-meituan `poi/poi_info.go`), or undefined when the shop is not among them.
 */
export function shopPinOf(data: unknown, storeRef: string): LatLng | undefined {
  if (!Array.isArray(data)) return undefined;
  const shop = (data as Array<Record<string, unknown>>).find((entry) => String(entry?.app_poi_code) === storeRef);
  const lat = Number(shop?.latitude) / 1e6;
  const lng = Number(shop?.longitude) / 1e6;
  if (!shop || !Number.isFinite(lat) || !Number.isFinite(lng) || (lat === 0 && lng === 0) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return { lat, lng };
}
