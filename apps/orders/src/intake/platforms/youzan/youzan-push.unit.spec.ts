import { UnreadablePayload } from '../../domain/intake-order';
import {
  parseYouzanPush,
  verifyYouzanSign,
  youzanEventId,
  youzanMessage,
  youzanOrderRef,
  youzanPushAction,
  youzanPushSign,
  youzanVersionInstant,
} from './youzan-push';

const CLIENT_ID = '6f1e2d3c4b5a69788796';
const SECRET = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
// {"tid":"E20270214093000012345678","status":"WAIT_SELLER_SEND_GOODS"}, URL-encoded as Youzan sends msg.
const MSG = '%7B%22tid%22%3A%22E20270214093000012345678%22%2C%22status%22%3A%22WAIT_SELLER_SEND_GOODS%22%7D';
// Hand-computed: printf '%s' "<client_id><msg><secret>" | md5sum
const SIGN = 'e378a34df889db6c0deb32b57092172c';
const SIGN_UNDER_PREVIOUS = '02616f1cdc4c3b842c2418aa61ae3440';

const pushBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    client_id: CLIENT_ID,
    id: 'E20270214093000012345678',
    kdt_id: 91234567,
    kdt_name: '花间小店',
    mode: 1,
    msg: MSG,
    sendCount: 0,
    sign: SIGN,
    status: 'WAIT_SELLER_SEND_GOODS',
    test: false,
    type: 'trade_TradePaid',
    version: 1770000000123,
    ...overrides,
  });

describe('Youzan push signature', () => {
  it('is MD5 of client_id + msg as sent (still URL-encoded) + client_secret, lowercase hex', () => {
    expect(youzanPushSign(CLIENT_ID, MSG, SECRET)).toBe(SIGN);
    expect(youzanPushSign(CLIENT_ID, MSG, 'previous-secret')).toBe(SIGN_UNDER_PREVIOUS);
  });

  it('verifies a push signed with the current secret or the previous one in grace, whatever the case of its hex', () => {
    expect(verifyYouzanSign({ clientId: CLIENT_ID, rawMsg: MSG, sign: SIGN }, [SECRET])).toBe(true);
    expect(verifyYouzanSign({ clientId: CLIENT_ID, rawMsg: MSG, sign: SIGN.toUpperCase() }, [SECRET])).toBe(true);
    expect(verifyYouzanSign({ clientId: CLIENT_ID, rawMsg: MSG, sign: SIGN_UNDER_PREVIOUS }, [SECRET, 'previous-secret'])).toBe(true);
  });

  it('refuses a signature over the decoded msg, another client id, a wrong secret, or no signature at all', () => {
    expect(verifyYouzanSign({ clientId: CLIENT_ID, rawMsg: decodeURIComponent(MSG), sign: SIGN }, [SECRET])).toBe(false);
    expect(verifyYouzanSign({ clientId: 'another-client', rawMsg: MSG, sign: SIGN }, [SECRET])).toBe(false);
    expect(verifyYouzanSign({ clientId: CLIENT_ID, rawMsg: MSG, sign: SIGN }, ['not-the-secret'])).toBe(false);
    expect(verifyYouzanSign({ clientId: CLIENT_ID, rawMsg: MSG, sign: '' }, [SECRET])).toBe(false);
    expect(verifyYouzanSign({ clientId: CLIENT_ID, rawMsg: MSG, sign: 'not-hex-at-all-but-32-characters' }, [SECRET])).toBe(false);
  });
});

describe('Youzan push envelope', () => {
  it('reads the envelope with msg kept as sent, and the event inside it', () => {
    const push = parseYouzanPush(Buffer.from(pushBody()));
    expect(push).toEqual({
      clientId: CLIENT_ID,
      id: 'E20270214093000012345678',
      kdtId: '91234567',
      rawMsg: MSG,
      sign: SIGN,
      test: false,
      type: 'trade_TradePaid',
      version: 1770000000123,
      sendCount: 0,
    });
    expect(youzanMessage(push)).toEqual({ tid: 'E20270214093000012345678', status: 'WAIT_SELLER_SEND_GOODS' });
  });

  it('reads a heartbeat without asking for the rest', () => {
    expect(parseYouzanPush(JSON.stringify({ test: true, client_id: CLIENT_ID })).test).toBe(true);
  });

  it('refuses what is not a push: not JSON, an array, no type or signature, a version that is not a number', () => {
    expect(() => parseYouzanPush('type=trade_TradePaid')).toThrow(UnreadablePayload);
    expect(() => parseYouzanPush('[]')).toThrow(UnreadablePayload);
    expect(() => parseYouzanPush(pushBody({ type: undefined }))).toThrow(/lacks type/);
    expect(() => parseYouzanPush(pushBody({ sign: undefined }))).toThrow(/lacks sign/);
    expect(() => parseYouzanPush(pushBody({ version: 'v2' }))).toThrow(/version/);
  });

  it('takes the order from msg.tid (refund messages carry their own id), else the push id', () => {
    const refundMsg = encodeURIComponent(JSON.stringify({ tid: 'E2027021400001', refund_id: '201902271234' }));
    expect(youzanOrderRef({ id: '201902271234', rawMsg: refundMsg })).toBe('E2027021400001');
    expect(youzanOrderRef({ id: 'E2027021400002', rawMsg: encodeURIComponent('{}') })).toBe('E2027021400002');
    expect(() => youzanOrderRef({ id: '', rawMsg: '' })).toThrow(UnreadablePayload);
  });
});

describe('Youzan push identity and order', () => {
  it('names one event by id, type and version: a re-send (higher sendCount) is the same event, a new version is not', () => {
    const first = parseYouzanPush(pushBody());
    const resent = parseYouzanPush(pushBody({ sendCount: 3 }));
    const next = parseYouzanPush(pushBody({ version: 1770000000999 }));
    expect(youzanEventId(resent)).toBe(youzanEventId(first));
    expect(youzanEventId(next)).not.toBe(youzanEventId(first));
    expect(youzanEventId(first)).toBe('E20270214093000012345678:trade_TradePaid:1770000000123');
  });

  it('turns a version into an instant that keeps the versions’ order, whether milliseconds, seconds or a count', () => {
    expect(youzanVersionInstant(1770000000123)).toBe('2026-02-02T02:40:00.123Z');
    expect(youzanVersionInstant(1770000000)).toBe('2026-02-02T02:40:00.000Z');
    expect(Date.parse(youzanVersionInstant(7))).toBeLessThan(Date.parse(youzanVersionInstant(8)));
    for (const [lower, higher] of [
      [1770000000123, 1770000000124],
      [1770000000, 1770000001],
      [41, 42],
    ]) {
      expect(Date.parse(youzanVersionInstant(lower))).toBeLessThan(Date.parse(youzanVersionInstant(higher)));
    }
    expect(() => youzanVersionInstant(-1)).toThrow(UnreadablePayload);
  });

  it('acts on paid, closed, success and refund messages, and lets the rest pass', () => {
    expect(youzanPushAction('trade_TradePaid')).toBe('snapshot');
    expect(youzanPushAction('trade_TradeBuyerPay')).toBe('snapshot');
    expect(youzanPushAction('trade_TradeClose')).toBe('closed');
    expect(youzanPushAction('trade_TradeSuccess')).toBe('completed');
    expect(youzanPushAction('trade_refund_RefundSuccess')).toBe('refund');
    expect(youzanPushAction('trade_TradeCreate')).toBe('ignored');
    expect(youzanPushAction('trade_TradeSellerShip')).toBe('ignored');
    expect(youzanPushAction('SCRM_CUSTOMER_EVENT')).toBe('ignored');
  });
});
