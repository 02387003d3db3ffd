import { randomBytes } from 'node:crypto';
import { IntakeOrderSchema, UnreadablePayload } from '../../domain/intake-order';
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
import { WechatApi, WechatRefusal } from './wechat-api';
import { mapWechatOrder, WECHAT_CANCELLED, type WechatDecoded, type WechatOrder } from './wechat-order.mapper';
import {
  decryptWechatMessage,
  encryptWechatMessage,
  matchesAny,
  parseWechatEvent,
  WECHAT_ACK,
  wechatCancelReason,
  wechatEncryptedEventId,
  wechatEventAction,
  wechatEventId,
  wechatIgnoredReason,
  wechatMsgSignature,
  wechatSignature,
  type WechatEvent,
} from './wechat-push';
import { isShipped, WECHAT_STATUSES, wechatDeliverySendRequest } from './wechat-writeback';

const TEXT = 'text/plain; charset=utf-8';
const ENCRYPTED_TOPIC = 'encrypted (read after)';

/**
 * A WeChat Store (微信小店 / 视频号小店) as an intake platform. Connection: appKey = the store's
 * appid; the push Token is the secret that signs its pushes; `credentials.appSecret` makes the API
 * token, `credentials.encodingAesKey` opens the safe-mode pushes (the only mode the store offers).
 * Pushes are answered `success` as soon as they are stored (WeChat waits 5 s); the order is read
 * after, with /channels/ec/order/get and the address with /channels/ec/order/sensitiveinfo/decode.
 * Back, the order is shipped (发货) at pickup; WeChat takes no rider, state or position after that.
 */
export class WechatConnector implements PlatformConnector {
  readonly platform = 'wechat' as const;
  readonly statuses = WECHAT_STATUSES;
  /** WeChat Store takes no rider positions (no such call for a store's orders): none are queued. */
  readonly positionIntervalMs = undefined;

  constructor(private readonly api: WechatApi = new WechatApi()) {}

  verify(request: PushRequest, secrets: readonly string[]): PushVerdict {
    const { timestamp = '', nonce = '' } = request.query;
    const plainSignatures = secrets.map((token) => wechatSignature(token, timestamp, nonce));
    if (request.method === 'GET') {
      if (!matchesAny(request.query.signature, plainSignatures))
        throw new PushRefused('SIGNATURE_INVALID', 'signature is not SHA1 of the Token, timestamp and nonce');
      if (!request.query.echostr) throw new PushRefused('MALFORMED', 'a URL check without echostr');
      return { store: false, ignored: 'WeChat’s URL check (echostr answered)' };
    }
    let body: unknown;
    try {
      body = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new PushRefused('MALFORMED', 'the push is not JSON (set the data format to JSON)');
    }
    const encrypt = (body as { Encrypt?: unknown } | null)?.Encrypt;
    if (typeof encrypt === 'string' && encrypt !== '') {
      const expected = secrets.map((token) => wechatMsgSignature(token, timestamp, nonce, encrypt));
      if (!matchesAny(request.query.msg_signature, expected)) {
        throw new PushRefused('SIGNATURE_INVALID', 'msg_signature is not SHA1 of the Token, timestamp, nonce and Encrypt');
      }
      return { store: true, eventId: wechatEncryptedEventId(encrypt), topic: ENCRYPTED_TOPIC };
    }
    // Plain mode: the signature covers the Token, timestamp and nonce, not the body (safe mode's msg_signature does).
    if (!matchesAny(request.query.signature, plainSignatures))
      throw new PushRefused('SIGNATURE_INVALID', 'signature is not SHA1 of the Token, timestamp and nonce');
    let event: WechatEvent;
    try {
      event = parseWechatEvent(request.rawBody.toString('utf8'));
    } catch (err) {
      if (err instanceof UnreadablePayload) throw new PushRefused('MALFORMED', err.message);
      throw err;
    }
    if (wechatEventAction(event.event) === 'ignored') return { store: false, ignored: wechatIgnoredReason(event.event) };
    return { store: true, eventId: wechatEventId(event), topic: event.event };
  }

  ack(request: PushRequest): PushAnswer {
    if (request.method === 'GET') return { status: 200, contentType: TEXT, body: request.query.echostr ?? '' };
    return { status: 200, contentType: TEXT, body: WECHAT_ACK };
  }

  /** Anything but an answer in time is a failure WeChat retries (up to 10 times over about 3.6 h): a shop fixing its Token gets them then. */
  refuse(_request: PushRequest, refusal: PushRefused): PushAnswer {
    const status = refusal.code === 'SIGNATURE_INVALID' ? 401 : refusal.code === 'SHOP_NOT_CONNECTED' ? 404 : 400;
    return { status, contentType: TEXT, body: `${refusal.code}: ${refusal.message}` };
  }

  async read(stored: StoredPush, access: PlatformAccess, signal: AbortSignal): Promise<PushMeaning> {
    const opened = this.open(stored.body, access);
    if ('skip' in opened) return { kind: 'skip', reason: opened.skip };
    const event = opened.event;
    const orderId = event.orderId;
    if (orderId === undefined) {
      return wechatEventAction(event.event) === 'ignored'
        ? { kind: 'skip', reason: wechatIgnoredReason(event.event) }
        : { kind: 'skip', reason: `${event.event} names no order` };
    }
    const at = event.createTime > 0 ? new Date(event.createTime * 1000).toISOString() : stored.receivedAt;
    switch (wechatEventAction(event.event)) {
      case 'ignored':
        return { kind: 'skip', externalRef: orderId, reason: wechatIgnoredReason(event.event) };
      case 'completed':
        return { kind: 'completed', externalRef: orderId, at };
      case 'cancelled': {
        // Asked of WeChat before an order is cancelled on an event's word (a plain-mode signature does not cover the body).
        const order = await this.order(access, orderId, signal);
        if (!WECHAT_CANCELLED.has(order.status ?? 0))
          return { kind: 'skip', externalRef: orderId, reason: `WeChat shows the order as ${order.status}, not cancelled` };
        return { kind: 'cancelled', externalRef: orderId, at, reason: wechatCancelReason(event.cancelType) };
      }
      case 'aftersale': {
        const order = await this.order(access, orderId, signal);
        if (WECHAT_CANCELLED.has(order.status ?? 0)) return { kind: 'cancelled', externalRef: orderId, at, reason: 'all of it refunded after sale on WeChat' };
        const refunded = (order.order_detail?.product_infos ?? []).filter((p) => (p.finish_aftersale_sku_cnt ?? 0) > 0);
        if (refunded.length === 0) return { kind: 'skip', externalRef: orderId, reason: 'an after-sale request moved, nothing refunded yet' };
        return {
          kind: 'partly_refunded',
          externalRef: orderId,
          at,
          note: `refunded after sale on WeChat: ${refunded.map((p) => `${p.title ?? p.product_id} ×${p.finish_aftersale_sku_cnt}`).join(', ')}`.slice(0, 500),
        };
      }
      case 'snapshot': {
        const order = await this.order(access, orderId, signal);
        if (WECHAT_CANCELLED.has(order.status ?? 0)) return { kind: 'cancelled', externalRef: orderId, at, reason: 'cancelled on WeChat' };
        if ((order.status ?? 0) < 20) return { kind: 'skip', externalRef: orderId, reason: 'not paid yet' };
        const decoded = await this.decode(access, orderId, signal);
        const mapped = mapWechatOrder(order, decoded.info, { timeZone: access.timeZone, rules: access.rules });
        if (decoded.refused) mapped.note = `${mapped.note ? `${mapped.note}\n` : ''}${decoded.refused}`.slice(0, 1000);
        const parsed = IntakeOrderSchema.safeParse(mapped);
        if (!parsed.success) throw new UnreadablePayload(`order ${orderId} does not read as an order: ${parsed.error.message}`);
        const updated = order.update_time ?? order.create_time ?? event.createTime;
        return { kind: 'order', externalRef: orderId, externalUpdatedAt: new Date(updated * 1000).toISOString(), order: parsed.data };
      }
    }
  }

  async write(access: PlatformAccess & { externalRef: string }, status: PlatformStatus, signal: AbortSignal): Promise<{ remoteRef?: string }> {
    const order = await this.order(access, access.externalRef, signal);
    // Asked again (a retry after a lost answer, out again after a card): shipped is shipped.
    if (isShipped(order)) return { remoteRef: 'shipped' };
    if (WECHAT_CANCELLED.has(order.status ?? 0)) throw new WechatRefusal('/channels/ec/order/delivery/send', 0, 'the order is cancelled on WeChat', false);
    await this.api.call(access, '/channels/ec/order/delivery/send', wechatDeliverySendRequest(order, status), signal);
    return { remoteRef: 'shipped' };
  }

  /**
   * A signed order-paid event, as WeChat sends it: safe mode when the connection has its
   * EncodingAESKey, else plain. WeChat signs in the query string: `query` holds what goes after `?`.
   */
  samplePush(access: PlatformAccess): { contentType: string; headers: Record<string, string>; body: Buffer } & { query: Record<string, string> } {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE());
    const orderId = `37${Date.now()}${String(randomBytes(2).readUInt16BE()).padStart(5, '0')}`;
    const message = `{"ToUserName":"gh_petalpost_test","FromUserName":"petalpost-test","CreateTime":${timestamp},"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":${orderId},"pay_time":${timestamp}}}`;
    const key = access.credentials.encodingAesKey;
    if (key) {
      const encrypt = encryptWechatMessage(message, access.appKey, key);
      return {
        contentType: 'application/json',
        headers: {},
        body: Buffer.from(JSON.stringify({ ToUserName: 'gh_petalpost_test', Encrypt: encrypt })),
        query: {
          signature: wechatSignature(access.secret, timestamp, nonce),
          timestamp,
          nonce,
          encrypt_type: 'aes',
          msg_signature: wechatMsgSignature(access.secret, timestamp, nonce, encrypt),
        },
      };
    }
    return {
      contentType: 'application/json',
      headers: {},
      body: Buffer.from(message),
      query: { signature: wechatSignature(access.secret, timestamp, nonce), timestamp, nonce },
    };
  }

  /** The event in a stored push: decrypted when it came in safe mode. */
  private open(body: Buffer, access: PlatformAccess): { event: WechatEvent } | { skip: string } {
    const text = body.toString('utf8');
    let envelope: { Encrypt?: unknown };
    try {
      envelope = JSON.parse(text) as { Encrypt?: unknown };
    } catch {
      throw new UnreadablePayload('the push is not JSON');
    }
    if (typeof envelope?.Encrypt !== 'string') return { event: parseWechatEvent(text) };
    const key = access.credentials.encodingAesKey;
    if (!key)
      throw new UnreadablePayload(
        'the push is encrypted (safe mode) and the connection has no EncodingAESKey: add the one in the store’s message-push settings',
      );
    const { message, appId } = decryptWechatMessage(envelope.Encrypt, key);
    if (appId !== access.appKey) return { skip: `a push for another appid (${appId}, this connection is ${access.appKey})` };
    return { event: parseWechatEvent(message) };
  }

  private async order(access: PlatformAccess, orderId: string, signal: AbortSignal): Promise<WechatOrder> {
    const answer = await this.api.call<{ order?: WechatOrder }>(access, '/channels/ec/order/get', { order_id: orderId }, signal);
    if (!answer.order?.order_id) throw new UnreadablePayload(`/channels/ec/order/get gave no order for ${orderId}`);
    return answer.order;
  }

  /**
   * The address whole. The store decodes a limited number of orders a day (30 to start, the same
   * order counted once): when WeChat refuses, the order is read without it and held for staff,
   * who see why in its note; when WeChat is busy, the push is read again later.
   */
  private async decode(access: PlatformAccess, orderId: string, signal: AbortSignal): Promise<{ info?: WechatDecoded; refused?: string }> {
    try {
      return { info: await this.api.call<WechatDecoded>(access, '/channels/ec/order/sensitiveinfo/decode', { order_id: orderId }, signal) };
    } catch (err) {
      if (err instanceof WechatRefusal && !err.retryable) return { refused: `WeChat did not decode the address (errcode ${err.errcode} ${err.errmsg})` };
      throw err;
    }
  }
}
