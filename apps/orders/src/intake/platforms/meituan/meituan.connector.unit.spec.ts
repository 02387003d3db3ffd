import { UnreadablePayload } from '../../domain/intake-order';
import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import { type PlatformAccess, PushRefused, type PushRequest } from '../platform-connector';
import { signedPushBody } from './domain/meituan-push';
import { MeituanConnector } from './meituan.connector';

const NOW_S = 1_802_485_811;
const connector = new MeituanConnector(() => NOW_S * 1000);
const SECRET = 'a7f8c1e2b3d4';
const BASE = 'https://petals.example/api/orders/intake/pushes/meituan/c1';
const access: PlatformAccess = {
  platform: 'meituan',
  connectionId: 'c1',
  appKey: '6',
  secret: SECRET,
  storeRef: 'petals-1',
  credentials: {},
  apiOrigin: 'https://waimaiopen.meituan.com',
  timeZone: 'Asia/Shanghai',
  rules: DEFAULT_PLATFORM_RULES,
};
const pushOf = (pushType: string | undefined, params: Record<string, string>, overrides: Partial<PushRequest> = {}): PushRequest => ({
  method: 'POST',
  callbackUrl: pushType ? `${BASE}/${pushType}` : BASE,
  ...(pushType ? { pushType } : {}),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  query: {},
  rawBody: Buffer.from(signedPushBody(pushType ? `${BASE}/${pushType}` : BASE, { app_id: '6', timestamp: String(NOW_S), ...params }, SECRET)),
  ...overrides,
});
const refusalOf = (request: PushRequest): PushRefused => {
  try {
    connector.verify(request, [SECRET]);
  } catch (err) {
    if (err instanceof PushRefused) return err;
    throw err;
  }
  throw new Error('not refused');
};

describe('the Meituan connector at our push URLs', () => {
  it('stores a signed push once per order and push type', () => {
    expect(connector.verify(pushOf('cancelled', { order_id: '27061900338318741', reason: '用户取消' }), [SECRET])).toEqual({
      store: true,
      eventId: '27061900338318741:cancelled',
      topic: 'order.cancelled',
    });
  });

  it('takes a push Meituan sends as a GET with its fields in the query', () => {
    const params = new URLSearchParams(pushOf('reminder', { order_id: '27061900338318741', remind_id: '3' }).rawBody.toString());
    // The query is decoded once by the router, as a form body is.
    const query = Object.fromEntries(params);
    expect(connector.verify(pushOf('reminder', {}, { method: 'GET', query, rawBody: Buffer.alloc(0) }), [SECRET])).toMatchObject({
      store: true,
      eventId: '27061900338318741:reminder:3',
    });
  });

  it('answers a bare GET probe of a push URL {"data":"ok"} and stores nothing', () => {
    expect(connector.verify(pushOf('paid', {}, { method: 'GET', query: {}, rawBody: Buffer.alloc(0) }), [SECRET])).toEqual({
      store: false,
      ignored: 'a probe of the push URL',
    });
    expect(connector.ack()).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', body: '{"data":"ok"}' });
  });

  it.each([
    ['without sig', pushOf('paid', { order_id: '1' }, { rawBody: Buffer.from(`order_id=1&app_id=6&timestamp=${NOW_S}`) }), 'SIGNATURE_INVALID'],
    ['four days old', pushOf('paid', { order_id: '1', timestamp: String(NOW_S - 4 * 86400) }), 'SIGNATURE_INVALID'],
    ['at the push URL of no type', pushOf(undefined, { order_id: '1' }), 'MALFORMED'],
    ['of a type not taken', pushOf('settlement', { order_id: '1' }), 'MALFORMED'],
    ['naming no order', pushOf('paid', { app_poi_code: 'petals-1' }), 'MALFORMED'],
  ])('refuses a push %s', (_case, request, code) => {
    expect(refusalOf(request).code).toBe(code);
  });

  it('answers each refusal in Meituan’s shape', () => {
    const request = pushOf('paid', {});
    expect(connector.refuse(request, new PushRefused('SHOP_NOT_CONNECTED', 'x'))).toEqual({
      status: 404,
      contentType: 'application/json; charset=utf-8',
      body: '{"data":"ng","error":{"code":803,"msg":"不存在此门店"}}',
    });
    expect(JSON.parse(connector.refuse(request, new PushRefused('MALFORMED', 'x')).body)).toEqual({ data: 'ng', error: { code: 705, msg: '参数格式错误' } });
  });
});

describe('the Meituan connector reading a stored push', () => {
  const stored = (topic: string, params: Record<string, string>) => ({
    topic,
    eventId: 'e',
    body: pushOf('x', params).rawBody,
    receivedAt: '2027-02-13T02:30:12.000Z',
  });
  const signal = new AbortController().signal;

  it('skips a push for another store of the same app, which Meituan sends to the app’s one set of URLs', async () => {
    expect(await connector.read(stored('order.cancelled', { order_id: '27061900338318741', app_poi_code: 'other-store' }), access, signal)).toEqual({
      kind: 'skip',
      reason: "a push for Meituan store other-store, not this connection's petals-1",
    });
  });

  it('rejects what is not a Meituan push', async () => {
    await expect(connector.read(stored('petalpost/test', { order_id: '1' }), access, signal)).rejects.toThrow(UnreadablePayload);
  });
});
