import { UnreadablePayload } from '../../domain/intake-order';
import {
  decryptWechatMessage,
  encryptWechatMessage,
  matchesAny,
  parseExactJson,
  parseWechatEvent,
  wechatEventAction,
  wechatEventId,
  wechatMsgSignature,
  wechatSignature,
} from './wechat-push';

// The event of WeChat's order-callback pages, with its order id beyond 2^53.
const MESSAGE =
  '{"ToUserName":"gh_3f1e2d3c4b5a","FromUserName":"o8Hk-buyer","CreateTime":1802419200,"MsgType":"event","Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928,"pay_time":1802419200}}';
const APP_ID = 'wx9a8b7c6d5e4f3a2b';
// Key bytes 0x00…0x1f; Encrypt made apart from our code: openssl enc -aes-256-cbc -nopad over
// "0123456789abcdef" + length (big-endian) + MESSAGE + APP_ID, padded by hand to 32 bytes.
const ENCODING_AES_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const ENCRYPT =
  '4j/AuRx71kQlxVlzbpsMWCNPobW1kl/a3t7veKovNSVKJPIdM2iitpzX8Qqr0NZzP0khm5BSFzsXKMi9UbSUPX2Jdx+Kgqgg/XMxCAmoSeOBL57OSfq5f+fZrwwGT/v0svDKsYDNAhYcYZKHlSVBcUgoR9guLqZQbrPQ7bH89TCZFh19p8YhK8UfdcbQQ2IDw3Vbkxeevd1sA8FnHsujw7wdXRbaFxXxrdLIwMfYhDVour5pFCtjhYGOLqnj2nbnBhMS5Vpt6YGS4vNsIXrMgS2YgJL93KJbFuGTf5cewHTyGpzOD+Lek8c2FQ9RwlsDXdvYKzs+oZTJG4g0YKHAZQ==';

describe('WeChat push signatures', () => {
  it('computes the URL check of WeChat’s own example (Token AAAAA)', () => {
    expect(wechatSignature('AAAAA', '1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });

  it('computes the safe-mode msg_signature over Token, timestamp, nonce and Encrypt (computed apart from our code)', () => {
    expect(wechatSignature('PetalToken2027', '1802419201', '482913')).toBe('8cc27a5a93e4c5f2ce8c1059577ff6f0ea167134');
    expect(wechatMsgSignature('PetalToken2027', '1802419201', '482913', ENCRYPT)).toBe('e092ed162baf5e4b1475e8b0fc5cde5d6549f078');
  });

  it('matches a signature to any secret’s digest, and nothing that is not a digest', () => {
    const digest = wechatSignature('AAAAA', '1714036504', '1514711492');
    expect(matchesAny(digest.toUpperCase(), [wechatSignature('other', '1', '2'), digest])).toBe(true);
    expect(matchesAny(digest, [wechatSignature('other', '1', '2')])).toBe(false);
    expect(matchesAny(undefined, [digest])).toBe(false);
    expect(matchesAny('f464b24f', [digest])).toBe(false);
  });
});

describe('WeChat safe-mode message', () => {
  it('decrypts what WeChat encrypts, with the appid it was made for', () => {
    expect(decryptWechatMessage(ENCRYPT, ENCODING_AES_KEY)).toEqual({ message: MESSAGE, appId: APP_ID });
  });

  it('encrypts byte for byte as WeChat does', () => {
    expect(encryptWechatMessage(MESSAGE, APP_ID, ENCODING_AES_KEY, Buffer.from('0123456789abcdef'))).toBe(ENCRYPT);
    const fresh = encryptWechatMessage('{"Event":"x"}', APP_ID, ENCODING_AES_KEY);
    expect(decryptWechatMessage(fresh, ENCODING_AES_KEY)).toEqual({ message: '{"Event":"x"}', appId: APP_ID });
  });

  it('refuses ciphertext under another key, and a key that is not one', () => {
    expect(() => decryptWechatMessage(ENCRYPT, 'BAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8')).toThrow(UnreadablePayload);
    expect(() => decryptWechatMessage(ENCRYPT, 'short')).toThrow(/43 characters/);
  });
});

describe('WeChat events', () => {
  it('keeps an order id beyond 2^53 exact, digit for digit', () => {
    const event = parseWechatEvent(MESSAGE);
    expect(event).toMatchObject({ event: 'channels_ec_order_pay', orderId: '3705115058471208928', createTime: 1802419200, toUserName: 'gh_3f1e2d3c4b5a' });
    expect(Number('3705115058471208928').toString()).not.toBe('3705115058471208928');
    expect(parseExactJson('{"a":12,"b":1.5,"c":99999999999999999999}')).toEqual({ a: 12, b: 1.5, c: '99999999999999999999' });
  });

  it('reads the cancel type, and the order of an after-sale update', () => {
    expect(parseWechatEvent('{"Event":"channels_ec_order_cancel","CreateTime":1,"order_info":{"order_id":3705115058471208928,"cancel_type":1}}')).toMatchObject(
      {
        orderId: '3705115058471208928',
        cancelType: 1,
      },
    );
    expect(
      parseWechatEvent(
        '{"Event":"channels_ec_aftersale_update","CreateTime":1,"finder_shop_aftersale_status_update":{"after_sale_order_id":"1","status":"MERCHANT_REFUND_SUCCESS","order_id":"3705115058471208928"}}',
      ).orderId,
    ).toBe('3705115058471208928');
  });

  it('refuses what is not an event', () => {
    expect(() => parseWechatEvent('<xml></xml>')).toThrow(UnreadablePayload);
    expect(() => parseWechatEvent('{"MsgType":"event"}')).toThrow(/no Event/);
  });

  it('names one event of one order at one time, acting on pay, cancel, after-sale and confirm only', () => {
    expect(wechatEventId(parseWechatEvent(MESSAGE))).toBe('channels_ec_order_pay:3705115058471208928:1802419200');
    expect(wechatEventAction('channels_ec_order_pay')).toBe('snapshot');
    expect(wechatEventAction('channels_ec_order_cancel')).toBe('cancelled');
    expect(wechatEventAction('channels_ec_aftersale_update')).toBe('aftersale');
    expect(wechatEventAction('channels_ec_order_confirm')).toBe('completed');
    expect(wechatEventAction('channels_ec_order_new')).toBe('ignored');
    expect(wechatEventAction('channels_ec_order_deliver')).toBe('ignored');
  });
});
