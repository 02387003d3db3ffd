import { UnreadablePayload } from '../../domain/intake-order';
import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import { type LatLng, wgs84ToGcj02 } from '../coordinates';
import {
  type PlatformAccess,
  type PlatformConnector,
  type PlatformStatus,
  type PushAnswer,
  PushRefused,
  type PushMeaning,
  type PushRequest,
  type PushVerdict,
  type StoredPush,
} from '../platform-connector';
import { meaningOfPush, realPhone } from './domain/meituan-order';
import {
  checkPushTimestamp,
  isMeituanPushType,
  MEITUAN_PUSH_TYPES,
  MeituanPushRefusal,
  type MeituanPushType,
  onceDecodedParams,
  pushIdentity,
  pushSigMatches,
  pushValues,
  signedPushBody,
} from './domain/meituan-push';
import type { MeituanParams } from './domain/meituan-sig';
import {
  MEITUAN_POSITION_INTERVAL_MS,
  MEITUAN_STATUSES,
  meituanCallFor,
  MeituanWriteRefused,
  needsStandInPosition,
  shopPinOf,
} from './domain/meituan-writeback';
import { callMeituan } from './meituan-api';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Meituan's error answer for each refusal (go-meituan `error_code.go`: 703 签名验证错误, 803 不存在此门店, 705 参数格式错误). */
const REFUSALS: Record<PushRefused['code'], { status: number; code: number; msg: string }> = {
  SIGNATURE_INVALID: { status: 401, code: 703, msg: '签名验证错误' },
  SHOP_NOT_CONNECTED: { status: 404, code: 803, msg: '不存在此门店' },
  MALFORMED: { status: 400, code: 705, msg: '参数格式错误' },
};

/** The real numbers order/batchPullPhoneNumber gives are paged by up to 1000; a store has far fewer open orders. */
const PHONE_PAGE = 1000;
const PHONE_PAGES = 5;
/** A shop's pin hardly moves: asked of poi/mget once an hour per connection, not at every status. */
const SHOP_PIN_TTL_MS = 3_600_000;
/** Orders out at once across the shops this replica serves, with room to spare. */
const LAST_POSITIONS_KEPT = 10_000;

/**
 * Meituan 闪购 behind the intake port (docs/intake/meituan.md): one callback URL per push type, each
 * push signed with `sig` over that exact URL; answered `{"data":"ok"}` at once; read into what it
 * means for the order; the shop's confirmation, picking and own riders written back.
 * Connection: appKey = app_id, secret = app_secret, storeRef = app_poi_code, credentials
 * `accessToken` for a service-provider (ISV) app.
 */
export class MeituanConnector implements PlatformConnector {
  readonly platform = 'meituan' as const;
  readonly pushTypes = MEITUAN_PUSH_TYPES;
  readonly statuses = MEITUAN_STATUSES;
  readonly positionIntervalMs = MEITUAN_POSITION_INTERVAL_MS;
  private readonly shopPins = new Map<string, { pin: LatLng; until: number }>();
  /** In this process only: after a restart a status falls back to the shop's pin, which Meituan takes as well. */
  private readonly lastPositions = new Map<string, LatLng>();

  constructor(private readonly clock: () => number = Date.now) {}

  verify(request: PushRequest, secrets: readonly string[]): PushVerdict {
    // Saving a URL in Meituan's console may probe it with a bare GET (verify): answered, nothing stored.
    if (request.method === 'GET' && request.query.sig === undefined && request.rawBody.length === 0)
      return { store: false, ignored: 'a probe of the push URL' };
    if (!isMeituanPushType(request.pushType)) {
      throw new PushRefused(
        'MALFORMED',
        request.pushType ? `Meituan push type ${request.pushType} is not taken` : 'Meituan pushes each message type to its own URL',
      );
    }
    try {
      const once = onceDecodedParams(request.query, request.rawBody);
      if (!once.sig) throw new PushRefused('SIGNATURE_INVALID', 'no sig');
      if (!pushSigMatches(request.callbackUrl, once, secrets)) throw new PushRefused('SIGNATURE_INVALID', 'sig does not match');
      checkPushTimestamp(once.timestamp, Math.floor(this.clock() / 1000));
      return { store: true, ...pushIdentity(request.pushType, pushValues(once)) };
    } catch (err) {
      if (err instanceof MeituanPushRefusal) throw new PushRefused(err.code, err.message);
      throw err;
    }
  }

  ack(): PushAnswer {
    return { status: 200, contentType: JSON_TYPE, body: '{"data":"ok"}' };
  }

  refuse(_request: PushRequest, refusal: PushRefused): PushAnswer {
    const { status, code, msg } = REFUSALS[refusal.code];
    return { status, contentType: JSON_TYPE, body: JSON.stringify({ data: 'ng', error: { code, msg } }) };
  }

  async read(push: StoredPush, access: PlatformAccess, signal: AbortSignal): Promise<PushMeaning> {
    const pushType = pushTypeOf(push.topic);
    let values: MeituanParams;
    try {
      values = pushValues(onceDecodedParams({}, push.body));
    } catch (err) {
      if (err instanceof MeituanPushRefusal) throw new UnreadablePayload(err.message);
      throw err;
    }
    // Meituan's callback URLs are the app's, not a store's: an app serving several stores pushes them all here.
    const store = values.app_poi_code?.trim();
    if (store && access.storeRef && store !== access.storeRef) {
      return { kind: 'skip', reason: `a push for Meituan store ${store}, not this connection's ${access.storeRef}` };
    }
    const meaning = meaningOfPush(pushType, values, { timeZone: access.timeZone, rules: access.rules, receivedAt: push.receivedAt });
    if (meaning.kind !== 'pull_real_phone') return meaning;
    const phone = await this.pulledRealPhone(access, meaning.externalRef, signal);
    return phone
      ? { kind: 'recipient_phone', externalRef: meaning.externalRef, at: meaning.at, phone }
      : { kind: 'skip', externalRef: meaning.externalRef, reason: 'a privacy-number downgrade, but Meituan gave no real number for the order' };
  }

  async write(access: PlatformAccess & { externalRef: string }, status: PlatformStatus, signal: AbortSignal): Promise<{ remoteRef?: string }> {
    const order = `${access.connectionId}:${access.externalRef}`;
    try {
      // A status carries no position: the rider's last one told for the order (delivered, failed), else the shop's pin.
      const lastTold = this.lastPositions.get(order);
      const standIn = needsStandInPosition(status) ? (lastTold ?? (await this.shopPin(access, signal))) : undefined;
      await callMeituan(access, meituanCallFor(access.externalRef, status, standIn), signal, this.clock());
      this.remember(order, status);
      return {};
    } catch (err) {
      if (err instanceof MeituanWriteRefused) throw new WritebackFailure(err.message, err.retryable);
      throw err;
    }
  }

  samplePush(access: PlatformAccess, callbackUrl: string): { pushType?: string; contentType: string; headers: Record<string, string>; body: Buffer } {
    const now = Math.floor(this.clock() / 1000);
    const params = { ...samplePaidOrder(access.storeRef ?? '', now), app_id: access.appKey, timestamp: String(now) };
    // Given the connection's push URL, the sample is the paid push, signed over that push type's own URL.
    const paidUrl = callbackUrl.endsWith('/paid') ? callbackUrl : `${callbackUrl.replace(/\/+$/, '')}/paid`;
    return {
      pushType: 'paid',
      contentType: 'application/x-www-form-urlencoded;charset=utf-8',
      headers: {},
      body: Buffer.from(signedPushBody(paidUrl, params, access.secret)),
    };
  }

  /** Where the rider was last told to be on an order (GCJ-02), until its delivery ends; the oldest forgotten past a bound. */
  private remember(order: string, { facts }: PlatformStatus): void {
    if (facts.status === 'location' && facts.position) {
      this.lastPositions.delete(order);
      this.lastPositions.set(order, wgs84ToGcj02(facts.position));
      if (this.lastPositions.size > LAST_POSITIONS_KEPT) this.lastPositions.delete(this.lastPositions.keys().next().value as string);
    } else if (facts.status === 'delivered' || facts.status === 'failed') {
      this.lastPositions.delete(order);
    }
  }

  /** The recipient's real number from order/batchPullPhoneNumber (the store's orders whose numbers were downgraded). */
  private async pulledRealPhone(access: PlatformAccess, orderId: string, signal: AbortSignal) {
    for (let page = 0; page < PHONE_PAGES; page++) {
      const data = await callMeituan(
        access,
        {
          path: 'order/batchPullPhoneNumber',
          method: 'POST',
          params: { ...(access.storeRef ? { app_poi_code: access.storeRef } : {}), offset: String(page * PHONE_PAGE), limit: String(PHONE_PAGE) },
        },
        signal,
        this.clock(),
      );
      const rows = Array.isArray(data) ? (data as Array<Record<string, unknown>>) : [];
      const row = rows.find((r) => String(r?.order_id) === orderId || String(r?.wm_order_id_view) === orderId);
      if (row) return realPhone(typeof row.real_phone_number === 'string' ? row.real_phone_number : undefined);
      if (rows.length < PHONE_PAGE) return undefined;
    }
    return undefined;
  }

  /** Where the shop is (GCJ-02), for a rider's status sent before their first position. */
  private async shopPin(access: PlatformAccess, signal: AbortSignal): Promise<LatLng> {
    const storeRef = access.storeRef;
    if (!storeRef) throw new WritebackFailure('the connection names no Meituan store (app_poi_code)', false);
    const key = `${access.connectionId}:${storeRef}`;
    const cached = this.shopPins.get(key);
    if (cached && cached.until > this.clock()) return cached.pin;
    const data = await callMeituan(access, { path: 'poi/mget', method: 'GET', params: { app_poi_codes: storeRef } }, signal, this.clock());
    const pin = shopPinOf(data, storeRef);
    if (!pin) throw new WritebackFailure(`Meituan's poi/mget gives no position for store ${storeRef}`, false);
    this.shopPins.set(key, { pin, until: this.clock() + SHOP_PIN_TTL_MS });
    return pin;
  }
}

function pushTypeOf(topic: string): MeituanPushType {
  const pushType = topic.replace(/^order\./, '').replace(/_/g, '-');
  if (!topic.startsWith('order.') || !isMeituanPushType(pushType)) throw new UnreadablePayload(`not a Meituan push: ${topic}`);
  return pushType;
}

/** A paid order as a florist's app receives one, for the console's connection test (nothing of it is placed). */
function samplePaidOrder(storeRef: string, now: number): MeituanParams {
  return {
    order_id: '27000000000000001',
    wm_order_id_view: '27000000000000001',
    app_poi_code: storeRef,
    wm_poi_name: '测试门店',
    recipient_name: '李女士',
    recipient_address: '北京市朝阳区望京东路4号 恒电大厦B座1层@#北京市朝阳区望京东路4号',
    recipient_phone: '13800000000_1234',
    backup_recipient_phone: '[]',
    order_phone_number: '13900000000_5678',
    caution: '匿名；贺卡：生日快乐！',
    detail: JSON.stringify([{ app_food_code: 'ROSE-11', food_name: '红玫瑰11枝', quantity: 1, price: 199, spec: '' }]),
    total: '199.00',
    latitude: '39.996794',
    longitude: '116.480881',
    delivery_time: '0',
    ctime: String(now),
    utime: String(now),
    status: '2',
    pay_type: '2',
    logistics_code: '0000',
    day_seq: '1',
  };
}
