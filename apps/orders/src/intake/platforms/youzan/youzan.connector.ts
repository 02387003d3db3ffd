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
import { YouzanApi } from './youzan-api';
import {
  parseYouzanPush,
  verifyYouzanSign,
  YOUZAN_ACK,
  youzanEventId,
  youzanIgnoredReason,
  youzanOrderRef,
  youzanPushAction,
  youzanPushSign,
  youzanVersionInstant,
} from './youzan-push';
import { mapYouzanTrade, withPlainText, youzanCiphers, youzanRefundState, type YouzanTrade } from './youzan-trade.mapper';
import { YOUZAN_LOCAL_DELIVERY_API, YOUZAN_STATUSES, youzanLocalDeliveryRequest } from './youzan-writeback';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A Youzan shop (有赞, its own followers' shop) as an intake platform: its message push verified
 * and answered as Youzan expects, each trade read with youzan.trade.get and its personal data
 * decrypted through Youzan, the shop's own riders told back with the local-delivery status API.
 * Credentials: the connection's appKey is the app's client_id, its secret the client_secret, its
 * storeRef the shop's kdt_id; `credentials.accessToken` when the shop gives a token instead of
 * letting the self-use app make one (docs/intake/youzan.md).
 */
export class YouzanConnector implements PlatformConnector {
  readonly platform = 'youzan' as const;
  readonly statuses = YOUZAN_STATUSES;
  /**
   * Youzan describes the call as syncing "status and the rider's position" but gives no rate (verify);
   * once a minute keeps the buyer's map moving without spending the app's call quota.
   */
  readonly positionIntervalMs = 60_000;

  constructor(private readonly api: YouzanApi = new YouzanApi()) {}

  verify(request: PushRequest, secrets: readonly string[]): PushVerdict {
    // Youzan checks the URL by its heartbeat POST (test: true), not a GET; a GET is someone looking.
    if (request.method === 'GET') return { store: false, ignored: 'a GET of the push URL: Youzan pushes by POST' };
    let push;
    try {
      push = parseYouzanPush(request.rawBody);
    } catch (err) {
      if (err instanceof UnreadablePayload) throw new PushRefused('MALFORMED', err.message);
      throw err;
    }
    // The heartbeat stores nothing and starts nothing, so it is answered whatever it is signed with.
    if (push.test) return { store: false, ignored: 'Youzan’s heartbeat (test message)' };
    if (!verifyYouzanSign(push, secrets)) throw new PushRefused('SIGNATURE_INVALID', 'sign is not MD5(client_id + msg + client_secret) for this connection');
    if (youzanPushAction(push.type) === 'ignored') return { store: false, ignored: youzanIgnoredReason(push.type) };
    return { store: true, eventId: youzanEventId(push), topic: push.type };
  }

  ack(): PushAnswer {
    return { status: 200, contentType: JSON_TYPE, body: YOUZAN_ACK };
  }

  /** Not `code: 0`: Youzan counts the push as failed and sends it again later (a shop fixing its secret gets it then). */
  refuse(_request: PushRequest, refusal: PushRefused): PushAnswer {
    const status = refusal.code === 'SIGNATURE_INVALID' ? 401 : refusal.code === 'SHOP_NOT_CONNECTED' ? 404 : 400;
    return { status, contentType: JSON_TYPE, body: JSON.stringify({ code: status, msg: `${refusal.code}: ${refusal.message}` }) };
  }

  async read(stored: StoredPush, access: PlatformAccess, signal: AbortSignal): Promise<PushMeaning> {
    const push = parseYouzanPush(stored.body);
    const tid = youzanOrderRef(push);
    if (access.storeRef && push.kdtId && push.kdtId !== access.storeRef) {
      return { kind: 'skip', externalRef: tid, reason: `a push for another Youzan shop (kdt_id ${push.kdtId}, this connection is ${access.storeRef})` };
    }
    if (push.clientId !== access.appKey) return { kind: 'skip', externalRef: tid, reason: `a push for another Youzan app (client_id ${push.clientId})` };
    const at = stored.receivedAt;
    switch (youzanPushAction(push.type)) {
      case 'ignored':
        return { kind: 'skip', externalRef: tid, reason: youzanIgnoredReason(push.type) };
      case 'completed':
        return { kind: 'completed', externalRef: tid, at };
      case 'closed':
        return { kind: 'cancelled', externalRef: tid, at, reason: 'the trade was closed on Youzan' };
      case 'refund':
        return refundMeaning(await this.trade(access, tid, signal), push.type, at);
      case 'snapshot': {
        const trade = await this.trade(access, tid, signal);
        const status = trade.order_info?.status;
        if (status === 'WAIT_BUYER_PAY') return { kind: 'skip', externalRef: tid, reason: 'not paid yet' };
        if (status === 'TRADE_CLOSED') return { kind: 'cancelled', externalRef: tid, at, reason: 'the trade was closed on Youzan' };
        const plain = await this.api.decrypt(access, youzanCiphers(trade), signal);
        const order = IntakeOrderSchema.safeParse(mapYouzanTrade(withPlainText(trade, plain), { timeZone: access.timeZone, rules: access.rules }));
        if (!order.success) throw new UnreadablePayload(`trade ${tid} does not read as an order: ${order.error.message}`);
        return { kind: 'order', externalRef: tid, externalUpdatedAt: youzanVersionInstant(push.version), order: order.data };
      }
    }
  }

  async write(access: PlatformAccess & { externalRef: string }, status: PlatformStatus, signal: AbortSignal): Promise<{ remoteRef?: string }> {
    if (!access.storeRef) throw new RangeError('a Youzan connection without its shop id (kdt_id)');
    const request = youzanLocalDeliveryRequest(access.externalRef, access.storeRef, status);
    await this.api.call(access, YOUZAN_LOCAL_DELIVERY_API.method, YOUZAN_LOCAL_DELIVERY_API.version, request, signal);
    return {};
  }

  samplePush(access: PlatformAccess): { contentType: string; headers: Record<string, string>; body: Buffer } {
    const tid = `E${Date.now()}SAMPLE`;
    const msg = encodeURIComponent(JSON.stringify({ tid, status: 'WAIT_SELLER_SEND_GOODS' }));
    const body = {
      client_id: access.appKey,
      id: tid,
      kdt_id: Number(access.storeRef) || access.storeRef,
      mode: 1,
      msg,
      sendCount: 0,
      sign: youzanPushSign(access.appKey, msg, access.secret),
      test: false,
      type: 'trade_TradePaid',
      version: Date.now(),
    };
    return { contentType: 'application/json', headers: {}, body: Buffer.from(JSON.stringify(body)) };
  }

  private async trade(access: PlatformAccess, tid: string, signal: AbortSignal): Promise<YouzanTrade> {
    const data = await this.api.call<{ full_order_info?: YouzanTrade }>(access, 'youzan.trade.get', '4.0.0', { tid }, signal);
    const trade = data?.full_order_info;
    if (!trade?.order_info?.tid) throw new UnreadablePayload(`youzan.trade.get gave no trade for ${tid}`);
    return trade;
  }
}

/** A refund message read against the trade as it stands: all of it refunded cancels, part alerts staff, one not done yet waits. */
function refundMeaning(trade: YouzanTrade, type: string, at: string): PushMeaning {
  const tid = trade.order_info?.tid ?? '';
  switch (youzanRefundState(trade)) {
    case 'all':
      return { kind: 'cancelled', externalRef: tid, at, reason: 'refunded in full on Youzan' };
    case 'part':
      return { kind: 'partly_refunded', externalRef: tid, at, note: 'part of the order was refunded on Youzan' };
    case 'none':
      return { kind: 'skip', externalRef: tid, reason: `a refund moved (${type}) but none is done yet` };
  }
}
