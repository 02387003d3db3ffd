import {
  checkPushTimestamp,
  MeituanPushRefusal,
  onceDecodedParams,
  pushIdentity,
  pushSigMatches,
  pushValues,
  refundTaken,
  signedPushBody,
} from './meituan-push';
import { meituanSig } from './meituan-sig';

const CALLBACK = 'https://shop.example.cn/api/orders/intake/pushes/meituan/c1/paid';
const SECRET = 'a7f8c1e2b3d4';
const NOW = 1_771_000_000;
const body = (text: string) => Buffer.from(text);

describe('a Meituan push as it arrives', () => {
  // 贺卡 A+B: UTF-8 E8 B4 BA E5 8D A1, Java's URLEncoder writes the space as + and the plus as %2B; the form encodes that again.
  const twice = 'app_id=6&order_id=27061900338318741&caution=%25E8%25B4%25BA%25E5%258D%25A1%2BA%252BB&timestamp=1771000000';
  const once = 'app_id=6&order_id=27061900338318741&caution=%E8%B4%BA%E5%8D%A1+A%2BB&timestamp=1771000000';

  it('reads a form body and the query together, each value decoded once', () => {
    expect(onceDecodedParams({ app_id: '6' }, body('order_id=1&caution=a+b%21'))).toEqual({ app_id: '6', order_id: '1', caution: 'a b!' });
  });

  it('refuses a parameter given twice, in the body or between the query and the body', () => {
    expect(() => onceDecodedParams({}, body('order_id=1&order_id=2'))).toThrow(MeituanPushRefusal);
    expect(() => onceDecodedParams({ order_id: '1' }, body('order_id=2'))).toThrow(/order_id is given twice/);
  });

  it('decodes the values of a push encoded twice a second time: the note reads as the buyer typed it, + and all', () => {
    expect(pushValues(onceDecodedParams({}, body(twice))).caution).toBe('贺卡 A+B');
  });

  it('leaves the values of a push encoded once as they are: a typed + or % survives', () => {
    expect(pushValues(onceDecodedParams({}, body(once))).caution).toBe('贺卡 A+B');
    expect(pushValues(onceDecodedParams({}, body('order_id=1&caution=100%25+sure+%2B1'))).caution).toBe('100% sure +1');
  });

  it('writes a push as Meituan sends it: every value URL-encoded, then the form encoded', () => {
    const params = { app_id: '6', order_id: '27061900338318741', caution: '贺卡 A+B', timestamp: '1771000000' };
    const sig = meituanSig(CALLBACK, params, SECRET);
    expect(signedPushBody(CALLBACK, params, SECRET)).toBe(`${twice}&sig=${sig}`);
    expect(signedPushBody(CALLBACK, params, SECRET, 1)).toBe(`${once}&sig=${sig}`);
  });

  describe('its sig', () => {
    const params = { app_id: '6', order_id: '27061900338318741', caution: '贺卡 A+B', timestamp: '1771000000' };

    it('matches over the plain values whether the push was encoded twice or once', () => {
      for (const encodings of [1, 2] as const) {
        expect(pushSigMatches(CALLBACK, onceDecodedParams({}, body(signedPushBody(CALLBACK, params, SECRET, encodings))), [SECRET])).toBe(true);
      }
    });

    it('does not match at another URL, under another secret, or with a value changed on the way', () => {
      const sent = signedPushBody(CALLBACK, params, SECRET);
      expect(pushSigMatches(CALLBACK.replace('/paid', '/confirmed'), onceDecodedParams({}, body(sent)), [SECRET])).toBe(false);
      expect(pushSigMatches(CALLBACK, onceDecodedParams({}, body(sent)), ['another'])).toBe(false);
      expect(pushSigMatches(CALLBACK, onceDecodedParams({}, body(sent.replace('27061900338318741', '27061900338318742'))), [SECRET])).toBe(false);
    });
  });

  describe('its timestamp', () => {
    it('passes one a few minutes or two days old: a late retry of Meituan is taken', () => {
      expect(() => checkPushTimestamp(String(NOW - 300), NOW)).not.toThrow();
      expect(() => checkPushTimestamp(String(NOW - 2 * 86400), NOW)).not.toThrow();
    });

    it('refuses one days old or from the future as a bad signature, and one that is no time as malformed', () => {
      expect(() => checkPushTimestamp(String(NOW - 4 * 86400), NOW)).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
      expect(() => checkPushTimestamp(String(NOW + 3600), NOW)).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }));
      expect(() => checkPushTimestamp('1771000000000', NOW)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
      expect(() => checkPushTimestamp(undefined, NOW)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    });
  });
});

describe('what a Meituan push is stored as', () => {
  const order = '27061900338318741';

  it('is the order and the push type: a repeat of the paid push is the same event, the confirmed push another', () => {
    expect(pushIdentity('paid', { order_id: order, timestamp: '1' })).toEqual({ eventId: `${order}:paid`, topic: 'order.paid' });
    expect(pushIdentity('paid', { order_id: order, timestamp: '2' }).eventId).toBe(`${order}:paid`);
    expect(pushIdentity('confirmed', { order_id: order })).toEqual({ eventId: `${order}:confirmed`, topic: 'order.confirmed' });
  });

  it('keeps each step of a full refund apart: the request and the money going back are two events', () => {
    const apply = pushIdentity('refunded', { order_id: order, refund_id: '88', notify_type: 'apply' });
    const agree = pushIdentity('refunded', { order_id: order, refund_id: '88', notify_type: 'agree' });
    expect(apply.eventId).not.toBe(agree.eventId);
    expect(agree).toEqual({ eventId: `${order}:refunded:88:taken`, topic: 'order.refunded' });
  });

  it('takes a partial refund once, whether `part` or `agree` comes first; another refund of the order is another event', () => {
    const part = pushIdentity('partly-refunded', { order_id: order, refund_id: '90', notify_type: 'part' });
    expect(pushIdentity('partly-refunded', { order_id: order, refund_id: '90', notify_type: 'agree' })).toEqual(part);
    expect(pushIdentity('partly-refunded', { order_id: order, refund_id: '91', notify_type: 'agree' }).eventId).not.toBe(part.eventId);
    expect(part.topic).toBe('order.partly_refunded');
  });

  it('keeps each 催单 of an order: the buyer may chase it twice', () => {
    const first = pushIdentity('reminder', { order_id: order, remind_id: '1', timestamp: '1771000000' });
    const again = pushIdentity('reminder', { order_id: order, remind_id: '2', timestamp: '1771000600' });
    expect(first.eventId).not.toBe(again.eventId);
    expect(pushIdentity('reminder', { order_id: order, remind_id: '1', timestamp: '1771000300' })).toEqual(first);
  });

  it('names the completed order by the shown id when that is all it carries', () => {
    expect(pushIdentity('completed', { wm_order_id_view: order }).eventId).toBe(`${order}:completed`);
  });

  it('refuses a push that names no order, except a privacy-number downgrade for the whole store', () => {
    expect(() => pushIdentity('cancelled', { reason: '用户取消' })).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    expect(() => pushIdentity('paid', { order_id: 'ABC' })).toThrow(MeituanPushRefusal);
    expect(pushIdentity('privacy-downgrade', { app_poi_code: 'p1', timestamp: '1771000000' }).eventId).toBe('store:p1:privacy-downgrade:1771000000');
  });
});

describe('whether a refund push gave the money back', () => {
  it.each([
    ['refunded', { notify_type: 'agree' }, true],
    ['refunded', { notify_type: 'apply' }, false],
    ['refunded', { notify_type: 'reject' }, false],
    ['refunded', { notify_type: 'part' }, false],
    ['partly-refunded', { notify_type: 'part' }, true],
    ['partly-refunded', { notify_type: 'cancelRefund' }, false],
    ['refunded', { status: '21' }, true],
    ['refunded', { status: '1' }, false],
  ] as const)('%s %j → %s', (pushType, values, taken) => {
    expect(refundTaken(pushType, values)).toBe(taken);
  });
});
