import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnreadablePayload } from '../../domain/intake-order';

/**
 * WeChat Store (微信小店 / 视频号小店) message push, as developers.weixin.qq.com describes it
 * (doc/channels/dev_before/base/message_push, doc/store/…/order callbacks):
 * - the URL is checked by a GET `?signature&timestamp&nonce&echostr`, answered with echostr as it is;
 * - `signature` = SHA1 of Token, timestamp and nonce sorted as strings and joined;
 * - events are JSON POSTs. The store allows only the safe mode (安全模式): the body is
 *   `{ ToUserName, Encrypt }`, the query adds `encrypt_type=aes` and
 *   `msg_signature` = SHA1 of Token, timestamp, nonce and Encrypt sorted and joined, and Encrypt is
 *   AES-256-CBC under the EncodingAESKey (key = base64 of it + "=", IV = its first 16 bytes,
 *   PKCS#7 to 32 bytes) of 16 random bytes, the message length (4 bytes, big-endian), the message
 *   and the appid. A plain-mode body (the event itself, `signature` only) is read as well.
 * - order events carry only `order_info.order_id` — a number beyond 2^53 in the JSON, read from
 *   its digits, never through a float.
 * - WeChat waits 5 s for `success` and retries at 0 s, 0 s, 10 s, 1 min, 5 min, 30 min, 60 min ×3.
 */

export const WECHAT_ACK = 'success';

function sha1(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''), 'utf8')
    .digest('hex');
}

/** SHA1 of the Token, timestamp and nonce, sorted as strings and joined. */
export function wechatSignature(token: string, timestamp: string, nonce: string): string {
  return sha1([token, timestamp, nonce]);
}

/** Safe mode: SHA1 of the Token, timestamp, nonce and the Encrypt field, sorted and joined. */
export function wechatMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1([token, timestamp, nonce, encrypt]);
}

/** Whether `given` is one of the expected SHA1 hex digests (each secret tried, in constant time). */
export function matchesAny(given: string | undefined, expected: readonly string[]): boolean {
  if (given === undefined || !/^[0-9a-f]{40}$/i.test(given)) return false;
  const bytes = Buffer.from(given.toLowerCase(), 'hex');
  let matched = false;
  for (const digest of expected) if (timingSafeEqual(Buffer.from(digest, 'hex'), bytes)) matched = true;
  return matched;
}

function aesKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (encodingAesKey.length !== 43 || key.length !== 32) throw new UnreadablePayload('the EncodingAESKey is not 43 characters of base64');
  return key;
}

const BLOCK = 32;

/** The Encrypt field for a message, as WeChat builds it (for samples and stand-ins; `random16` fixed in tests). */
export function encryptWechatMessage(message: string, appId: string, encodingAesKey: string, random16: Buffer = randomBytes(16)): string {
  const key = aesKey(encodingAesKey);
  const text = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(text.length);
  const plain = Buffer.concat([random16, length, text, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

/** The message inside an Encrypt field and the appid it was made for. Throws UnreadablePayload. */
export function decryptWechatMessage(encrypt: string, encodingAesKey: string): { message: string; appId: string } {
  const key = aesKey(encodingAesKey);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  } catch {
    throw new UnreadablePayload('the Encrypt field does not decrypt under this EncodingAESKey');
  }
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) throw new UnreadablePayload('the Encrypt field does not decrypt under this EncodingAESKey');
  const content = plain.subarray(16, plain.length - pad);
  const length = content.readUInt32BE(0);
  if (length > content.length - 4) throw new UnreadablePayload('the Encrypt field does not decrypt under this EncodingAESKey');
  return { message: content.subarray(4, 4 + length).toString('utf8'), appId: content.subarray(4 + length).toString('utf8') };
}

/**
 * JSON with every integer beyond 2^53 kept as its digits (a string): WeChat's order ids are such
 * numbers in its pushes. Needs JSON.parse's source text (Node 21+); without it such a number is refused.
 */
export function parseExactJson(text: string): unknown {
  return JSON.parse(text, function (this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (typeof value !== 'number' || Number.isSafeInteger(value) || !Number.isInteger(value)) return value;
    if (context?.source === undefined || !/^-?\d+$/.test(context.source)) throw new UnreadablePayload(`a number too large to read exactly: ${value}`);
    return context.source;
  } as (key: string, value: unknown) => unknown);
}

/** A WeChat Store event, as far as orders go. */
export interface WechatEvent {
  event: string;
  /** Seconds since the epoch, when WeChat made the event. */
  createTime: number;
  toUserName: string;
  /** The order's id as its exact digits. */
  orderId?: string;
  /** 1 the buyer, 2 timed out, 3 all of it after-sold, 4 the shop (oversold): on channels_ec_order_cancel. */
  cancelType?: number;
  body: Record<string, unknown>;
}

export function parseWechatEvent(message: string): WechatEvent {
  let body: unknown;
  try {
    body = parseExactJson(message);
  } catch (err) {
    if (err instanceof UnreadablePayload) throw err;
    throw new UnreadablePayload('the event is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new UnreadablePayload('the event is not a JSON object');
  const event = body as Record<string, unknown>;
  if (typeof event.Event !== 'string' || event.Event === '') throw new UnreadablePayload('the event has no Event');
  const info = (event.order_info ?? event.finder_shop_aftersale_status_update) as Record<string, unknown> | undefined;
  const id = info?.order_id ?? event.order_id;
  const orderId = typeof id === 'string' && /^\d+$/.test(id) ? id : typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : undefined;
  const cancelType = typeof info?.cancel_type === 'number' ? info.cancel_type : undefined;
  return {
    event: event.Event,
    createTime: Number(event.CreateTime) || 0,
    toUserName: typeof event.ToUserName === 'string' ? event.ToUserName : '',
    ...(orderId !== undefined ? { orderId } : {}),
    ...(cancelType !== undefined ? { cancelType } : {}),
    body: event,
  };
}

/** What an event asks of us (events from the store's order callbacks; WxJava `MessageEventConstants`). */
export type WechatEventAction = 'snapshot' | 'cancelled' | 'aftersale' | 'completed' | 'ignored';

const ACTIONS: Record<string, WechatEventAction> = {
  channels_ec_order_pay: 'snapshot',
  channels_ec_order_wait_shipping: 'snapshot',
  // The buyer's note, an address change the shop accepted: a new snapshot.
  channels_ec_order_ext_info_update: 'snapshot',
  channels_ec_order_cancel: 'cancelled',
  channels_ec_aftersale_update: 'aftersale',
  channels_ec_order_confirm: 'completed',
};

export function wechatEventAction(event: string): WechatEventAction {
  return ACTIONS[event] ?? 'ignored';
}

export function wechatIgnoredReason(event: string): string {
  switch (event) {
    case 'channels_ec_order_new':
      return 'placed, not paid yet: the pay event brings it';
    case 'channels_ec_order_deliver':
      return 'shipped: the shop’s own step, nothing to take';
    case 'channels_ec_order_settle':
      return 'settled: money, nothing of the delivery';
    default:
      return `event ${event} is not one orders are taken from`;
  }
}

export function wechatCancelReason(cancelType: number | undefined): string {
  switch (cancelType) {
    case 1:
      return 'cancelled by the buyer on WeChat';
    case 2:
      return 'cancelled on WeChat: not paid in time';
    case 3:
      return 'cancelled on WeChat: all of it refunded after sale';
    case 4:
      return 'cancelled by the shop on WeChat (oversold)';
    default:
      return 'cancelled on WeChat';
  }
}

/** A plain-mode event's id: one event of one order at one time (WeChat's retries send the same). */
export function wechatEventId(event: Pick<WechatEvent, 'event' | 'orderId' | 'createTime'>): string {
  return `${event.event}:${event.orderId ?? '-'}:${event.createTime}`;
}

/**
 * A safe-mode push's id before it is decrypted (verify needs no EncodingAESKey): its ciphertext.
 * A retry that WeChat encrypts afresh stores a second delivery; reading it changes nothing twice
 * (the order's snapshot has the same update_time, a cancelled order is cancelled once).
 */
export function wechatEncryptedEventId(encrypt: string): string {
  return `aes:${createHash('sha256').update(encrypt, 'utf8').digest('hex').slice(0, 40)}`;
}
