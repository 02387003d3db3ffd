import { startYouzanStandIn, youzanTrade, type YouzanPushInput, type YouzanStandIn } from '@petalpost/testing/shop-platforms';
import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import { type PlatformAccess, PushRefused, type PushRequest } from '../platform-connector';
import { YouzanApi } from './youzan-api';
import { YouzanConnector } from './youzan.connector';

// Youzan cannot be reached from here: its open API and pushes are a local stand-in that signs as
// Youzan does and refuses what Youzan would (libs/testing/src/shop-platforms/youzan.stand-in.ts).

const CALLBACK = 'https://petals.example/api/orders/intake/pushes/youzan/c-1';
const signal = new AbortController().signal;

describe('the Youzan connector against the Youzan stand-in', () => {
  let youzan: YouzanStandIn;
  let connector: YouzanConnector;
  let access: PlatformAccess;
  let nextTid = 20270213093000;

  const request = (push: YouzanPushInput): PushRequest => {
    const { headers, body } = youzan.pushRequest(push);
    return { method: 'POST', callbackUrl: CALLBACK, headers, query: {}, rawBody: Buffer.from(body) };
  };
  const stored = (push: YouzanPushInput) => {
    const req = request(push);
    const verdict = connector.verify(req, [youzan.clientSecret]);
    if (!verdict.store) throw new Error(`not stored: ${verdict.ignored}`);
    return { topic: verdict.topic, eventId: verdict.eventId, body: req.rawBody, receivedAt: new Date().toISOString() };
  };
  const newTrade = (orderInfo: Record<string, unknown> = {}) => {
    const tid = `E${nextTid++}0000`;
    const trade = youzanTrade(tid, { start: '2027-02-14 13:00:00', end: '2027-02-14 15:00:00' });
    youzan.putTrade({ ...trade, order_info: { ...trade.order_info, ...orderInfo } });
    return tid;
  };

  beforeAll(async () => {
    youzan = await startYouzanStandIn();
    access = {
      platform: 'youzan',
      connectionId: 'c-1',
      appKey: youzan.clientId,
      secret: youzan.clientSecret,
      storeRef: youzan.kdtId,
      credentials: {},
      apiOrigin: youzan.apiOrigin,
      timeZone: 'Asia/Shanghai',
      rules: DEFAULT_PLATFORM_RULES,
    };
  });
  let callsBefore = 0;
  /** What the stand-in refused during this test, but for failures it was told to make. */
  const refusedNow = () =>
    youzan
      .calls()
      .slice(callsBefore)
      .filter((c) => c.refused && !c.injectedFailure)
      .map((c) => `${c.path}: ${c.refused}`);
  beforeEach(() => {
    connector = new YouzanConnector(new YouzanApi({ timeoutMs: 2_000 }));
    callsBefore = youzan.calls().length;
  });
  afterAll(() => youzan.close());
  /** The refusals a test provokes on purpose; any other means a request Youzan would not take. */
  let provoked: string[] = [];
  afterEach(() => {
    expect(refusedNow()).toEqual(provoked);
    provoked = [];
  });

  it('reads a paid trade: the token made by the silent flow, personal data decrypted through Youzan, buyer apart from recipient', async () => {
    const tid = newTrade();
    const meaning = await connector.read(stored({ type: 'trade_TradePaid', id: tid, version: 1802395812000 }), access, signal);
    expect(meaning).toMatchObject({
      kind: 'order',
      externalRef: tid,
      externalUpdatedAt: new Date(1802395812000).toISOString(),
      order: {
        buyer: { name: '张三', phone: '13800002222' },
        recipient: { name: '李四', phone: '13900001111', address: { text: '上海市黄浦区南京东路 100 号 8 楼' } },
        deliveryWindow: { from: '2027-02-14T13:00:00+08:00', to: '2027-02-14T15:00:00+08:00' },
        cardMessage: '生日快乐，永远爱你',
        anonymousSender: true,
        paid: true,
      },
    });
    expect(youzan.tokensMade()).toBe(1);
    const paths = youzan.calls().map((c) => c.path);
    expect(paths).toEqual(['/auth/token', '/api/youzan.trade.get/4.0.0', '/api/youzan.cloud.secret.decrypt.batch/1.0.0']);
  });

  it('keeps its token until Youzan drops it, then makes one again once', async () => {
    const tid = newTrade();
    await connector.read(stored({ type: 'trade_TradePaid', id: tid, version: 1 }), access, signal);
    await connector.read(stored({ type: 'trade_TradePaid', id: tid, version: 2 }), access, signal);
    const made = youzan.tokensMade();
    youzan.expireTokens();
    const meaning = await connector.read(stored({ type: 'trade_TradePaid', id: tid, version: 3 }), access, signal);
    expect(meaning.kind).toBe('order');
    expect(youzan.tokensMade()).toBe(made + 1);
    provoked = ['/api/youzan.trade.get/4.0.0: expired access_token'];
  });

  it('uses the shop’s own access token when the connection has one, making none', async () => {
    const tid = newTrade();
    const made = youzan.tokensMade();
    const meaning = await connector.read(stored({ type: 'trade_TradePaid', id: tid }), { ...access, credentials: { accessToken: youzan.givenToken } }, signal);
    expect(meaning.kind).toBe('order');
    expect(youzan.tokensMade()).toBe(made);
  });

  it('refuses a forged push in Youzan’s answer shape, answers the heartbeat, and stores no type it does not take', () => {
    expect(() => connector.verify(request({ type: 'trade_TradePaid', id: 'E1', sign: '0'.repeat(32) }), [youzan.clientSecret])).toThrow(PushRefused);
    const refusal = connector.refuse(request({ type: 'trade_TradePaid', id: 'E1' }), new PushRefused('SIGNATURE_INVALID', 'bad sign'));
    expect(refusal.status).toBe(401);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: 401 });
    expect(connector.verify(request({ type: 'trade_TradePaid', id: 'E1', test: true }), [youzan.clientSecret])).toEqual({
      store: false,
      ignored: expect.stringMatching(/heartbeat/),
    });
    expect(connector.verify(request({ type: 'trade_TradeCreate', id: 'E1' }), [youzan.clientSecret])).toMatchObject({ store: false });
    expect(connector.ack()).toEqual({ status: 200, contentType: expect.stringMatching(/json/), body: '{"code":0,"msg":"success"}' });
  });

  it('reads closed, refunded and part-refunded trades, and a push for another shop changes nothing', async () => {
    const closed = newTrade();
    expect(await connector.read(stored({ type: 'trade_TradeClose', id: closed }), access, signal)).toMatchObject({ kind: 'cancelled', externalRef: closed });
    const part = newTrade({ refund_state: 2 });
    const refundMessage = { tid: part, refund_id: '201902271234', refund_state: 'SUCCESS' };
    expect(await connector.read(stored({ type: 'trade_refund_RefundSuccess', id: '201902271234', message: refundMessage }), access, signal)).toMatchObject({
      kind: 'partly_refunded',
      externalRef: part,
    });
    const other = await connector.read(stored({ type: 'trade_TradePaid', id: part, kdtId: '1' }), access, signal);
    expect(other).toMatchObject({ kind: 'skip', reason: expect.stringMatching(/another Youzan shop/) });
  });

  it('tells the local-delivery status with the rider and GCJ-02 positions, in order; a refusal is retryable when Youzan is down', async () => {
    const tid = newTrade();
    const rider = { riderId: 'rider-7', name: '王师傅', phone: '13700003333' };
    const to = { ...access, externalRef: tid };
    await connector.write(to, { facts: { status: 'rider_assigned', happenedAt: '2027-02-14T04:50:00Z', riderId: 'rider-7' }, rider }, signal);
    await connector.write(to, { facts: { status: 'out_for_delivery', happenedAt: '2027-02-14T05:00:00Z', riderId: 'rider-7' }, rider }, signal);
    await connector.write(
      to,
      { facts: { status: 'location', happenedAt: '2027-02-14T05:05:00Z', position: { lat: 31.230416, lng: 121.473701 } }, rider },
      signal,
    );
    youzan.failNext(1, 502);
    const failed = connector.write(to, { facts: { status: 'delivered', happenedAt: '2027-02-14T05:30:00Z' }, rider }, signal);
    await expect(failed).rejects.toBeInstanceOf(WritebackFailure);
    await expect(failed).rejects.toMatchObject({ retryable: true });
    await connector.write(to, { facts: { status: 'delivered', happenedAt: '2027-02-14T05:30:00Z' }, rider }, signal);
    const told = youzan.localDeliveryUpdates().filter((u) => u.orderNo === tid);
    expect(told.map((u) => u.body.delivery_status)).toEqual([2, 3, 3, 4]);
    expect(told[2].body).toMatchObject({ latitude: 31.228474, longitude: 121.478224, rider_name: '王师傅' });
  });
});
