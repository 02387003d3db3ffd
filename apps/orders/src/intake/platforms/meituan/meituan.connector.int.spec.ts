import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { meituanPaidOrder, startMeituanStandIn, type MeituanStandIn } from '@petalpost/testing/shop-platforms';
import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import { type PlatformAccess, PushRefused, type PushRequest } from '../platform-connector';
import { MeituanConnector } from './meituan.connector';

// Meituan cannot be reached from here: the connector talks to a local stand-in that signs pushes as
// Meituan does and refuses any open-API call Meituan would not accept (libs/testing/src/shop-platforms).

const signal = new AbortController().signal;
const rider = { riderId: 'rider-7', name: '王师傅', phone: '13800138000' };
let nextOrder = 100;
/** A Meituan order id: 17 digits, more than a double holds exactly. */
const newOrderId = () => `2706190033831${String(nextOrder++).padStart(4, '0')}`;

describe('the Meituan connector against the Meituan stand-in', () => {
  let meituan: MeituanStandIn;
  let receiver: Server;
  let receiverUrl: string;
  /** The last push our receiver got, as the intake's router would hand it to the connector. */
  let received: Promise<PushRequest>;
  let deliver: (request: PushRequest) => void;
  const connector = new MeituanConnector();

  const access = (overrides: Partial<PlatformAccess> = {}): PlatformAccess => ({
    platform: 'meituan',
    connectionId: 'c1',
    appKey: meituan.appId,
    secret: meituan.appSecret,
    storeRef: meituan.appPoiCode,
    credentials: {},
    apiOrigin: meituan.apiOrigin,
    timeZone: 'Asia/Shanghai',
    rules: DEFAULT_PLATFORM_RULES,
    ...overrides,
  });
  const expectPush = () => {
    received = new Promise((resolve) => (deliver = resolve));
  };

  beforeAll(async () => {
    meituan = await startMeituanStandIn();
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', receiverUrl);
        deliver({
          method: request.method as 'POST',
          callbackUrl: `${receiverUrl}${url.pathname}`,
          pushType: url.pathname.split('/').pop(),
          headers: request.headers,
          query: Object.fromEntries(url.searchParams),
          rawBody: Buffer.concat(chunks),
        });
        const answer = connector.ack();
        response.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await meituan.close();
    await new Promise((resolve) => receiver.close(resolve));
  });
  // Every call matched Meituan's documented shape, but the one signed with a wrong secret on purpose.
  afterEach(() => expect(meituan.calls().filter((c) => c.refused && c.refused !== 'sig does not match')).toEqual([]));

  it('verifies a push the stand-in signed over our callback URL, answers {"data":"ok"}, and reads the order in it', async () => {
    const orderId = newOrderId();
    expectPush();
    const sent = await meituan.sendPush({
      url: `${receiverUrl}/intake/pushes/meituan/c1/paid`,
      params: meituanPaidOrder(orderId, meituan.appPoiCode, new Date('2027-02-14T06:00:00Z')),
    });
    expect(sent).toMatchObject({ status: 200, text: '{"data":"ok"}' });
    const request = await received;

    expect(connector.verify(request, [meituan.appSecret])).toEqual({ store: true, eventId: `${orderId}:paid`, topic: 'order.paid' });
    const meaning = await connector.read(
      { topic: 'order.paid', eventId: `${orderId}:paid`, body: request.rawBody, receivedAt: new Date().toISOString() },
      access(),
      signal,
    );
    expect(meaning).toMatchObject({
      kind: 'order',
      externalRef: orderId,
      order: { cardMessage: '生日快乐，永远爱你', anonymousSender: true, recipient: { name: '李女士' }, buyer: { phone: '13900000000,5678' } },
    });
  });

  it('refuses a push signed with another secret, or over another URL, as Meituan’s 703', async () => {
    for (const push of [{ secret: 'forged' }, { signedUrl: `${receiverUrl}/elsewhere/paid` }]) {
      expectPush();
      await meituan.sendPush({
        url: `${receiverUrl}/intake/pushes/meituan/c1/paid`,
        params: meituanPaidOrder(newOrderId(), meituan.appPoiCode, new Date()),
        ...push,
      });
      const request = await received;
      let refusal: unknown;
      try {
        connector.verify(request, [meituan.appSecret]);
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toBeInstanceOf(PushRefused);
      expect(connector.refuse(request, refusal as PushRefused)).toEqual({
        status: 401,
        contentType: 'application/json; charset=utf-8',
        body: '{"data":"ng","error":{"code":703,"msg":"签名验证错误"}}',
      });
    }
  });

  it('passes the connection test: its sample push verifies at the URL it was made for, and reads as a complete order', async () => {
    // The console's test hands the connection's push URL; Meituan signs each push type's own.
    const sample = connector.samplePush(access(), `${receiverUrl}/intake/pushes/meituan/c1`);
    const url = `${receiverUrl}/intake/pushes/meituan/c1/paid`;
    const verdict = connector.verify({ method: 'POST', callbackUrl: url, pushType: sample.pushType, headers: {}, query: {}, rawBody: sample.body }, [
      meituan.appSecret,
    ]);
    expect(verdict).toMatchObject({ store: true, topic: 'order.paid' });
    const meaning = await connector.read({ topic: 'order.paid', eventId: 'sample', body: sample.body, receivedAt: new Date().toISOString() }, access(), signal);
    expect(meaning).toMatchObject({ kind: 'order', order: { cardMessage: '生日快乐！', anonymousSender: true } });
    expect(meaning.kind === 'order' && meaning.order).not.toHaveProperty('review');
  });

  it('confirms, says picked, and syncs the rider from assignment to delivery — at the shop’s pin until the rider’s first position, then where the rider was, in GCJ-02', async () => {
    const orderId = newOrderId();
    const at = '2027-02-14T05:00:00.000Z';
    const target = { ...access(), externalRef: orderId };
    await connector.write(target, { facts: { status: 'confirmed', happenedAt: at } }, signal);
    await connector.write(target, { facts: { status: 'prepared', happenedAt: at } }, signal);
    await connector.write(target, { facts: { status: 'rider_assigned', happenedAt: at, riderId: 'rider-7' }, rider }, signal);
    await connector.write(target, { facts: { status: 'location', happenedAt: at, position: { lat: 39.914266, lng: 116.403988 } }, rider }, signal);
    await connector.write(target, { facts: { status: 'delivered', happenedAt: at, riderId: 'rider-7' }, rider }, signal);

    const mine = meituan.writebacks().filter((w) => w.params.order_id === orderId);
    expect(mine.map((w) => [w.path, w.params.logistics_status])).toEqual([
      ['order/confirm', undefined],
      ['order/preparationMealComplete', undefined],
      ['ecommerce/order/logistics/sync', '10'],
      ['ecommerce/order/logistics/sync', '20'],
      ['ecommerce/order/logistics/sync', '40'],
    ]);
    expect(mine[2].params).toMatchObject({ courier_name: '王师傅', courier_phone: '13800138000', logistics_provider_code: '10015', latitude: '39.996794' });
    expect(mine[3].params).toMatchObject({ latitude: '39.915670', longitude: '116.410232' });
    // Delivered carries no position of its own: the rider's last one stands in, not the shop's pin.
    expect(mine[4].params).toMatchObject({ latitude: '39.915670', longitude: '116.410232' });
    // The shop's pin was asked once, then kept.
    expect(meituan.calls().filter((c) => c.path === '/api/v1/poi/mget')).toHaveLength(1);
  });

  it('fails a refused call retryably while Meituan is down, and for good under a wrong secret', async () => {
    const target = { ...access(), externalRef: newOrderId() };
    meituan.refuseNext(1);
    await expect(connector.write(target, { facts: { status: 'confirmed', happenedAt: '2027-02-14T05:00:00Z' } }, signal)).rejects.toEqual(
      new WritebackFailure('Meituan order/confirm: HTTP 200, Meituan error 700: 系统错误', true),
    );
    await expect(
      connector.write({ ...target, secret: 'rotated' }, { facts: { status: 'confirmed', happenedAt: '2027-02-14T05:00:00Z' } }, signal),
    ).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/703/),
    });
    expect(meituan.calls().at(-1)?.refused).toBe('sig does not match');
  });

  it('takes the real number Meituan gives after a privacy-number downgrade', async () => {
    const orderId = newOrderId();
    meituan.setRealPhone(orderId, '13811112222');
    const body = Buffer.from(new URLSearchParams({ order_id: orderId, app_poi_code: meituan.appPoiCode, timestamp: '1802485811' }).toString());
    const meaning = await connector.read(
      { topic: 'order.privacy_downgrade', eventId: `${orderId}:privacy-downgrade:`, body, receivedAt: new Date().toISOString() },
      access(),
      signal,
    );
    expect(meaning).toEqual({ kind: 'recipient_phone', externalRef: orderId, at: '2027-02-13T02:30:11.000Z', phone: { phone: '13811112222' } });
  });
});
