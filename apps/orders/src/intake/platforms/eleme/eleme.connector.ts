import { UnreadablePayload } from '../../domain/intake-order';
import { wgs84ToGcj02 } from '../coordinates';
import {
  type PlatformAccess,
  type PlatformConnector,
  type PlatformStatus,
  type PushAnswer,
  PushRefused,
  type PushRequest,
  type PushVerdict,
  type PushMeaning,
  type StoredPush,
} from '../platform-connector';
import { callEleme, type ElemeClock, SYSTEM_CLOCK } from './eleme-api';
import { answerEnvelope, type ElemeParams, envelopeParams, formEncoded, signedEnvelope, verifyElemeSign } from './eleme-envelope';
import { parseOrderData, pushMeaning } from './eleme-order.mapper';
import { pushVerdict, readPush } from './eleme-pushes';
import { ELEME_POSITION_INTERVAL_MS, ELEME_STATUSES, elemeWriteback } from './eleme-writeback';

/**
 * Our refusals' errno: Ele.me publishes none for a callback's answer, only that 0 is success
 * (verify); these tell the three apart in Ele.me's push log.
 */
export const ELEME_REFUSAL_ERRNO: Record<PushRefused['code'], number> = { SIGNATURE_INVALID: 1001, SHOP_NOT_CONNECTED: 1002, MALFORMED: 1003 };

const ANSWER_TYPE = 'application/json; charset=utf-8';

/**
 * Ele.me 零售 (docs/intake/eleme.md): signed envelopes both ways, `order.get` after each push (the
 * pushes carry ids only), and the shop's own riders told on one self-delivery track. The pure
 * parts are eleme-envelope, eleme-pushes, eleme-order.mapper and eleme-writeback; this wires them
 * to the port and to Ele.me's gateway (eleme-api).
 */
export class ElemeConnector implements PlatformConnector {
  readonly platform = 'eleme' as const;
  readonly statuses = ELEME_STATUSES;
  readonly positionIntervalMs = ELEME_POSITION_INTERVAL_MS;

  constructor(private readonly clock: ElemeClock = SYSTEM_CLOCK) {}

  verify(request: PushRequest, secrets: readonly string[]): PushVerdict {
    if (request.method === 'GET') return { store: false, ignored: 'a GET: Ele.me pushes are form-encoded POSTs' };
    const params = envelopeParams(request.rawBody);
    if (params === undefined) throw new PushRefused('MALFORMED', 'not an Ele.me envelope (cmd, body, source, ticket, timestamp, version, sign)');
    if (!verifyElemeSign(params, secrets)) throw new PushRefused('SIGNATURE_INVALID', 'sign error');
    for (const name of ['cmd', 'body', 'source', 'ticket', 'timestamp'] as const) {
      if (!params[name]) throw new PushRefused('MALFORMED', `${name} is missing`);
    }
    return pushVerdict(params);
  }

  ack(request: PushRequest, secret: string): PushAnswer {
    return { status: 200, contentType: ANSWER_TYPE, body: answerEnvelope(paramsOf(request), { errno: 0, error: 'success', data: {} }, this.seconds(), secret) };
  }

  /**
   * Ele.me's way: HTTP 200 and an envelope whose errno is not 0. Unsigned: a refusal is made before
   * a secret is trusted (a forged push, a connection we do not have).
   */
  refuse(request: PushRequest, refusal: PushRefused): PushAnswer {
    const result = { errno: ELEME_REFUSAL_ERRNO[refusal.code], error: refusal.message, data: null };
    return { status: 200, contentType: ANSWER_TYPE, body: answerEnvelope(paramsOf(request), result, this.seconds(), undefined) };
  }

  async read(push: StoredPush, access: PlatformAccess, signal: AbortSignal): Promise<PushMeaning> {
    const params = envelopeParams(push.body);
    if (params === undefined) throw new UnreadablePayload('not an Ele.me envelope');
    let parsed: ReturnType<typeof readPush>;
    try {
      parsed = readPush(params);
    } catch (err) {
      if (err instanceof PushRefused) throw new UnreadablePayload(err.message);
      throw err;
    }
    if (parsed === undefined) throw new UnreadablePayload(`${params.cmd ?? 'no cmd'}: not an order push`);
    const context = { rules: access.rules, timeZone: access.timeZone, storeRef: access.storeRef, pushedAt: pushedAt(params, push.receivedAt) };
    return pushMeaning(parsed, context, async (orderId) => parseOrderData(await callEleme(access, 'order.get', { order_id: orderId }, signal, this.clock)));
  }

  async write(access: PlatformAccess & { externalRef: string }, status: PlatformStatus, signal: AbortSignal): Promise<{ remoteRef?: string }> {
    const call = elemeWriteback(access.externalRef, status, wgs84ToGcj02);
    await callEleme(access, call.cmd, call.body, signal, this.clock);
    return {};
  }

  samplePush(access: PlatformAccess, _callbackUrl: string): { pushType?: string; contentType: string; headers: Record<string, string>; body: Buffer } {
    const now = this.clock.now();
    // A new order, as Ele.me announces one: its id only. The id is made up, 16 digits like Ele.me's.
    const orderId = `9${String(now.getTime()).padStart(15, '0').slice(-15)}`;
    const params = signedEnvelope(
      {
        cmd: 'order.create',
        body: { order_id: orderId, ...(access.storeRef ? { platform_shop_id: access.storeRef } : {}) },
        source: access.appKey,
        ticket: this.clock.ticket(),
        timestamp: Math.floor(now.getTime() / 1000),
      },
      access.secret,
    );
    return { contentType: 'application/x-www-form-urlencoded; charset=UTF-8', headers: {}, body: Buffer.from(formEncoded(params)) };
  }

  private seconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

/** The pushed envelope's parameters, so an answer names its cmd and ticket; a GET's are in its query. */
function paramsOf(request: PushRequest): ElemeParams {
  return (request.method === 'POST' ? envelopeParams(request.rawBody) : undefined) ?? request.query;
}

/** When Ele.me sent the push (its `timestamp`), else when it reached us. */
function pushedAt(params: ElemeParams, receivedAt: string): string {
  const seconds = /^\d{9,11}$/.test(params.timestamp ?? '') ? Number(params.timestamp) : undefined;
  return seconds !== undefined ? new Date(seconds * 1000).toISOString() : new Date(Date.parse(receivedAt)).toISOString();
}
