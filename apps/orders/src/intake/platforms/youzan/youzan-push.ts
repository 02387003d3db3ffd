import { createHash, timingSafeEqual } from 'node:crypto';
import { UnreadablePayload } from '../../domain/intake-order';

/**
 * Youzan's message push (有赞云消息推送), as its SDKs and integrations receive it (huang-ding/api-youzan
 * `YouZanNotifyController`, `MsgPushEntity`): a JSON POST
 * `{ client_id, id, kdt_id, kdt_name?, mode?, msg, sendCount, sign, status?, test, type, version }`
 * where `msg` is the event's JSON, URL-encoded, and `sign` = MD5(client_id + msg as sent + client_secret),
 * lowercase hex. `test: true` is the heartbeat that checks the URL is alive. A newer form that
 * signs in `Event-Sign` headers exists (verify); shops set up as docs/intake/youzan.md says get this one.
 */
export interface YouzanPush {
  clientId: string;
  /** The message's id: the order number (tid, `E2024…`) for trade messages (verify for refund messages: their msg carries tid). */
  id: string;
  kdtId: string;
  /** `msg` exactly as sent, still URL-encoded: what the signature covers. */
  rawMsg: string;
  sign: string;
  test: boolean;
  type: string;
  version: number;
  sendCount: number;
}

/** The answer Youzan waits for; anything else is a failed delivery it sends again. */
export const YOUZAN_ACK = JSON.stringify({ code: 0, msg: 'success' });

/** MD5(client_id + msg + client_secret) as lowercase hex: `msg` exactly as it is in the push (URL-encoded). */
export function youzanPushSign(clientId: string, rawMsg: string, clientSecret: string): string {
  return createHash('md5').update(`${clientId}${rawMsg}${clientSecret}`, 'utf8').digest('hex');
}

/** Whether `push.sign` is right under any of `secrets` (current, previous in grace); compared in constant time. */
export function verifyYouzanSign(push: Pick<YouzanPush, 'clientId' | 'rawMsg' | 'sign'>, secrets: readonly string[]): boolean {
  if (!/^[0-9a-f]{32}$/i.test(push.sign)) return false;
  const given = Buffer.from(push.sign.toLowerCase(), 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(Buffer.from(youzanPushSign(push.clientId, push.rawMsg, secret), 'hex'), given)) matched = true;
  }
  return matched;
}

/** Reads the push envelope; throws UnreadablePayload when it is not one. */
export function parseYouzanPush(rawBody: Buffer | string): YouzanPush {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    throw new UnreadablePayload('the push is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UnreadablePayload('the push is not a JSON object');
  const push = body as Record<string, unknown>;
  const text = (name: string): string => {
    const value = push[name];
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return '';
  };
  const test = push.test === true || push.test === 'true';
  const version = Number(text('version'));
  const parsed: YouzanPush = {
    clientId: text('client_id'),
    id: text('id'),
    kdtId: text('kdt_id'),
    rawMsg: text('msg'),
    sign: text('sign'),
    test,
    type: text('type'),
    version: Number.isSafeInteger(version) && version >= 0 ? version : NaN,
    sendCount: Number(text('sendCount')) || 0,
  };
  if (test) return parsed;
  const missing = (['clientId', 'type', 'sign'] as const).filter((name) => parsed[name] === '');
  if (missing.length > 0) throw new UnreadablePayload(`the push lacks ${missing.join(', ')}`);
  if (Number.isNaN(parsed.version)) throw new UnreadablePayload(`the push's version is not a whole number: ${text('version') || '(none)'}`);
  return parsed;
}

/** The event inside `msg`: URL-decoded once, then JSON (verify: Youzan's docs describe msg as URL-encoded JSON). */
export function youzanMessage(push: Pick<YouzanPush, 'rawMsg'>): Record<string, unknown> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(push.rawMsg.replace(/\+/g, '%20'));
  } catch {
    throw new UnreadablePayload('the push msg is not URL-encoded text');
  }
  try {
    const message = JSON.parse(decoded) as unknown;
    if (typeof message === 'object' && message !== null && !Array.isArray(message)) return message as Record<string, unknown>;
  } catch {
    // fall through: not JSON
  }
  throw new UnreadablePayload('the push msg is not a JSON object');
}

/** The order a push is about: `msg.tid` when there (refund messages), else the push's id. */
export function youzanOrderRef(push: Pick<YouzanPush, 'id' | 'rawMsg'>): string {
  try {
    const tid = youzanMessage(push).tid;
    if (typeof tid === 'string' && tid !== '') return tid;
  } catch {
    // a msg that does not read names no order: the push's id does
  }
  if (push.id === '') throw new UnreadablePayload('the push names no order (no id, no msg.tid)');
  return push.id;
}

/**
 * A replay of one message (Youzan re-sends until answered, raising sendCount) stores nothing new;
 * the same order's next state comes with a higher version, so it is a new event.
 */
export function youzanEventId(push: Pick<YouzanPush, 'id' | 'type' | 'version'>): string {
  return `${push.id}:${push.type}:${push.version}`;
}

/**
 * `version` orders one order's messages: a higher one replaces a lower. IntakePlacer orders an
 * order's snapshots by an instant, so the version becomes one, keeping its order: read as epoch
 * milliseconds or seconds when it looks like one (verify which Youzan sends), else as a count of
 * milliseconds from the epoch — still strictly increasing with the version.
 */
export function youzanVersionInstant(version: number): string {
  if (!Number.isSafeInteger(version) || version < 0) throw new UnreadablePayload(`not a push version: ${version}`);
  const millis = version >= 1e12 ? version : version >= 1e9 ? version * 1000 : version;
  if (millis > 8.64e15) throw new UnreadablePayload(`a push version beyond any instant: ${version}`);
  return new Date(millis).toISOString();
}

/** What a message type asks of us. Trade types from the youzanyun push list (huang-ding `YouZanNotifyType`); refund ones (verify). */
export type YouzanPushAction =
  /** Read the trade (youzan.trade.get) and take its snapshot. */
  | 'snapshot'
  /** Youzan closed the trade: cancelled. */
  | 'closed'
  /** A refund moved: read the trade and see whether all or part of it is refunded. */
  | 'refund'
  /** The buyer confirmed receipt or the trade completed: recorded. */
  | 'completed'
  | 'ignored';

const ACTIONS: Record<string, YouzanPushAction> = {
  trade_TradePaid: 'snapshot',
  trade_TradeBuyerPay: 'snapshot',
  trade_TradeClose: 'closed',
  trade_TradeSuccess: 'completed',
};

export function youzanPushAction(type: string): YouzanPushAction {
  const action = ACTIONS[type];
  if (action) return action;
  // Youzan names refund messages trade_refund_* (verify the exact names in the console's push list).
  if (/^trade_refund_/i.test(type)) return 'refund';
  return 'ignored';
}

/** Why a type is taken but not acted on, for the delivery's record: the shop sees what came and why nothing changed. */
export function youzanIgnoredReason(type: string): string {
  switch (type) {
    case 'trade_TradeCreate':
      return 'created, not paid yet: the paid message brings it';
    case 'trade_TradeSellerShip':
    case 'trade_TradePartlySellerShip':
      return 'shipped: the shop’s own step, nothing to take';
    case 'trade_TradeMemoModified':
      return 'the seller’s memo changed: nothing of the delivery';
    default:
      return `message type ${type} is not one orders are taken from`;
  }
}
