import { createHash } from 'node:crypto';
import { startWechatStandIn, wechatOrder, type WechatEventInput, type WechatStandIn } from '@petalpost/testing/shop-platforms';
import { UnreadablePayload } from '../../domain/intake-order';
import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import { type PlatformAccess, PushRefused, type PushRequest } from '../platform-connector';
import { WechatApi } from './wechat-api';
import { WechatConnector } from './wechat.connector';

// WeChat cannot be reached from here: its API and the store's pushes are a local stand-in that
// signs and encrypts as WeChat does and refuses what WeChat would (libs/testing/src/shop-platforms/wechat.stand-in.ts).

const CALLBACK = 'https://petals.example/api/orders/intake/pushes/wechat/c-2';
const signal = new AbortController().signal;
const NOTE = '送达时间：2月14日 13:00-15:00；贺卡：生日快乐，永远爱你；匿名';

describe('the WeChat Store connector against the WeChat stand-in', () => {
  let wechat: WechatStandIn;
  let connector: WechatConnector;
  let access: PlatformAccess;
  let nextOrder = 3705115058471208928n;
  let callsBefore = 0;

  const request = (input: WechatEventInput): PushRequest => {
    const { query, headers, body } = wechat.eventRequest(input);
    return { method: 'POST', callbackUrl: CALLBACK, headers, query, rawBody: Buffer.from(body) };
  };
  const stored = (input: WechatEventInput) => {
    const req = request(input);
    const verdict = connector.verify(req, [wechat.pushToken]);
    if (!verdict.store) throw new Error(`not stored: ${verdict.ignored}`);
    return { topic: verdict.topic, eventId: verdict.eventId, body: req.rawBody, receivedAt: new Date().toISOString() };
  };
  const newOrder = (note = NOTE) => {
    const orderId = String(nextOrder++);
    wechat.putOrder(wechatOrder(orderId, note, { createdAt: new Date('2027-02-13T01:30:00Z'), virtualExpiresAt: new Date('2027-02-14T16:00:00Z') }));
    return orderId;
  };

  beforeAll(async () => {
    wechat = await startWechatStandIn();
    access = {
      platform: 'wechat',
      connectionId: 'c-2',
      appKey: wechat.appId,
      secret: wechat.pushToken,
      credentials: { appSecret: wechat.appSecret, encodingAesKey: wechat.encodingAesKey },
      apiOrigin: wechat.apiOrigin,
      timeZone: 'Asia/Shanghai',
      rules: DEFAULT_PLATFORM_RULES,
    };
  });
  beforeEach(() => {
    connector = new WechatConnector(new WechatApi({ timeoutMs: 2_000 }));
    callsBefore = wechat.calls().length;
  });
  /** The refusals a test provokes on purpose; any other means a request WeChat would not take. */
  let provoked: string[] = [];
  afterEach(() => {
    const refused = wechat
      .calls()
      .slice(callsBefore)
      .filter((c) => c.refused && !c.injectedFailure)
      .map((c) => `${c.path}: ${c.refused}`);
    expect(refused).toEqual(provoked);
    provoked = [];
  });
  afterAll(() => wechat.close());

  it('reads a paid order from a safe-mode push: the order fetched, the address decoded, the virtual number with its expiry', async () => {
    const orderId = newOrder();
    const push = stored({ event: 'channels_ec_order_pay', orderId, info: { pay_time: 1802482212 } });
    expect(push.topic).toBe('encrypted (read after)');
    const meaning = await connector.read(push, access, signal);
    expect(meaning).toMatchObject({
      kind: 'order',
      externalRef: orderId,
      order: {
        buyer: { name: '微信小店买家', customerId: 'o8Hk-buyer-openid' },
        recipient: {
          name: '李四',
          phone: '17100001234,5678',
          phoneExpiresAt: '2027-02-14T16:00:00.000Z',
          address: { text: '上海市黄浦区南京东路 100 号8 楼' },
        },
        deliveryWindow: { from: '2027-02-14T13:00:00+08:00', to: '2027-02-14T15:00:00+08:00' },
        cardMessage: '生日快乐，永远爱你',
        anonymousSender: true,
      },
    });
    expect(wechat.calls().map((c) => c.path)).toEqual(
      expect.arrayContaining(['/cgi-bin/token', '/channels/ec/order/get', '/channels/ec/order/sensitiveinfo/decode']),
    );
    expect(wechat.decodes(orderId)).toBe(1);
  });

  it('reads a plain-mode push the same, named by its event, order and time', async () => {
    const orderId = newOrder();
    const push = stored({ event: 'channels_ec_order_pay', orderId, mode: 'plain', createTime: 1802482212 });
    expect(push).toMatchObject({ topic: 'channels_ec_order_pay', eventId: `channels_ec_order_pay:${orderId}:1802482212` });
    expect((await connector.read(push, access, signal)).kind).toBe('order');
  });

  it('answers WeChat’s URL check with its echostr, and refuses a forged push, safe or plain', () => {
    const check = connector.verify({ method: 'GET', callbackUrl: CALLBACK, headers: {}, query: wechatGetQuery(wechat.pushToken), rawBody: Buffer.alloc(0) }, [
      wechat.pushToken,
    ]);
    expect(check.store).toBe(false);
    expect(connector.ack({ method: 'GET', callbackUrl: CALLBACK, headers: {}, query: { echostr: '4375120948345356249' }, rawBody: Buffer.alloc(0) }).body).toBe(
      '4375120948345356249',
    );
    expect(() => connector.verify(request({ event: 'channels_ec_order_pay', orderId: '1', signWith: 'not-the-token' }), [wechat.pushToken])).toThrow(
      PushRefused,
    );
    expect(() => connector.verify(request({ event: 'channels_ec_order_pay', orderId: '1', mode: 'plain', signWith: 'x' }), [wechat.pushToken])).toThrow(
      PushRefused,
    );
    expect(connector.ack(request({ event: 'channels_ec_order_pay', orderId: '1' }))).toEqual({
      status: 200,
      contentType: expect.stringMatching(/text\/plain/),
      body: 'success',
    });
  });

  it('cancels on the cancel event with WeChat’s reason once WeChat shows the order cancelled, and reads nothing without the EncodingAESKey', async () => {
    const orderId = newOrder();
    expect(await connector.read(stored({ event: 'channels_ec_order_cancel', orderId, info: { cancel_type: 1 } }), access, signal)).toMatchObject({
      kind: 'skip',
      reason: 'WeChat shows the order as 20, not cancelled',
    });
    wechat.setStatus(orderId, 250);
    expect(await connector.read(stored({ event: 'channels_ec_order_cancel', orderId, info: { cancel_type: 1 } }), access, signal)).toMatchObject({
      kind: 'cancelled',
      externalRef: orderId,
      reason: 'cancelled by the buyer on WeChat',
    });
    await expect(
      connector.read(stored({ event: 'channels_ec_order_pay', orderId }), { ...access, credentials: { appSecret: wechat.appSecret } }, signal),
    ).rejects.toBeInstanceOf(UnreadablePayload);
  });

  it('ships the order at pickup, once, whatever is asked after, and tells nothing else', async () => {
    const orderId = newOrder();
    const to = { ...access, externalRef: orderId };
    const rider = { riderId: 'rider-7', name: '王师傅', phone: '13700003333' };
    wechat.failNext(1, 503, (r) => r.path === '/channels/ec/order/delivery/send');
    await expect(connector.write(to, { facts: { status: 'out_for_delivery', happenedAt: '2027-02-14T05:00:00Z' }, rider }, signal)).rejects.toMatchObject({
      retryable: true,
    });
    await connector.write(to, { facts: { status: 'out_for_delivery', happenedAt: '2027-02-14T05:00:00Z' }, rider }, signal);
    await connector.write(to, { facts: { status: 'out_for_delivery', happenedAt: '2027-02-14T06:00:00Z', reattempt: true }, rider }, signal);
    expect(wechat.shipments().filter((s) => s.orderId === orderId)).toEqual([
      {
        orderId,
        body: {
          order_id: orderId,
          delivery_list: [
            {
              delivery_id: 'OTHER',
              waybill_id: '13700003333',
              deliver_type: 1,
              product_infos: [{ product_id: '10000038912345', sku_id: '2001', product_cnt: 1 }],
            },
          ],
        },
      },
    ]);
    expect(connector.statuses).toEqual(['out_for_delivery']);
    expect(connector.positionIntervalMs).toBeUndefined();
  });

  it('keeps its token, makes a new one once when WeChat no longer takes it; a wrong AppSecret is no retry', async () => {
    const orderId = newOrder();
    await connector.read(stored({ event: 'channels_ec_order_pay', orderId }), access, signal);
    await connector.read(stored({ event: 'channels_ec_order_pay', orderId }), access, signal);
    const made = wechat.tokensMade();
    wechat.expireTokens();
    expect((await connector.read(stored({ event: 'channels_ec_order_pay', orderId }), access, signal)).kind).toBe('order');
    expect(wechat.tokensMade()).toBe(made + 1);
    const wrongSecret = { ...access, credentials: { ...access.credentials, appSecret: 'wrong' } };
    await expect(new WechatConnector(new WechatApi()).read(stored({ event: 'channels_ec_order_pay', orderId }), wrongSecret, signal)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/40125/),
    });
    provoked = ['/channels/ec/order/get: invalid credential, access_token is invalid or not latest', '/cgi-bin/token: invalid appsecret'];
  });
});

/** WeChat's URL check, signed with this store's Token. */
function wechatGetQuery(token: string): Record<string, string> {
  const timestamp = '1714036504';
  const nonce = '1514711492';
  const signature = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return { signature, timestamp, nonce, echostr: '4375120948345356249' };
}
