import { elemeOrderDetail, startElemeStandIn, type ElemeStandIn } from '@petalpost/testing/shop-platforms';
import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import type { PlatformAccess, PlatformStatus, StoredPush } from '../platform-connector';
import { formEncoded, signedEnvelope } from './eleme-envelope';
import { ElemeConnector } from './eleme.connector';

// Ele.me's gateway cannot be reached from here: the connector calls a local stand-in that checks
// every envelope's sign and shape as Ele.me does (libs/testing/src/shop-platforms/eleme.stand-in.ts).

describe('the Ele.me connector against Ele.me’s gateway (stand-in)', () => {
  let eleme: ElemeStandIn;
  let access: PlatformAccess;
  const connector = new ElemeConnector();
  const signal = new AbortController().signal;
  const rider = { riderId: 'rider-7', name: '王师傅', phone: '13900001111' };

  beforeAll(async () => {
    eleme = await startElemeStandIn({ accessToken: 'shop-token' });
    access = {
      platform: 'eleme',
      connectionId: 'c-1',
      appKey: eleme.source,
      secret: eleme.secret,
      storeRef: eleme.shopId,
      credentials: { accessToken: 'shop-token' },
      apiOrigin: eleme.apiOrigin,
      timeZone: 'Asia/Shanghai',
      rules: DEFAULT_PLATFORM_RULES,
    };
  });
  afterAll(() => eleme.close());
  /** Refusals a case asked for; any other is a call Ele.me would not take. */
  const meantRefusals: string[] = [];
  afterEach(() => expect(eleme.calls().filter((c) => c.refused && !meantRefusals.includes(c.refused))).toEqual([]));

  const stored = (cmd: string, body: unknown): StoredPush => ({
    topic: cmd,
    eventId: `${cmd}:x`,
    receivedAt: new Date().toISOString(),
    body: Buffer.from(formEncoded(signedEnvelope({ cmd, body, source: eleme.source, ticket: 'T-1', timestamp: Math.floor(Date.now() / 1000) }, eleme.secret))),
  });
  const write = (orderId: string, status: PlatformStatus) => connector.write({ ...access, externalRef: orderId }, status, signal);

  it('reads a new order through a signed order.get carrying the shop’s access token', async () => {
    eleme.putOrder(elemeOrderDetail('3035779590075503', eleme.shopId));
    const meaning = await connector.read(stored('order.create', { order_id: '3035779590075503' }), access, signal);
    expect(meaning).toMatchObject({
      kind: 'order',
      externalRef: '3035779590075503',
      order: {
        buyer: { name: '饿了么顾客' },
        recipient: { name: '李女士', phone: '13800138000,1234' },
        cardMessage: '生日快乐，永远爱你',
        deliveryWindow: { from: '2026-02-14T14:00:00+08:00', to: '2026-02-14T15:00:00+08:00' },
      },
    });
    const asked = eleme.calls().at(-1)!;
    expect(new URLSearchParams(asked.body).get('access_token')).toBe('shop-token');
  });

  it('fails the read as retryable while Ele.me is busy, and reads it after', async () => {
    eleme.putOrder(elemeOrderDetail('3035779590075504', eleme.shopId));
    eleme.refuseNext(1, ['order.get']);
    const busy = await connector.read(stored('order.create', { order_id: '3035779590075504' }), access, signal).catch((err: unknown) => err);
    expect(busy).toBeInstanceOf(WritebackFailure);
    expect(busy).toMatchObject({ retryable: true, message: expect.stringContaining('系统繁忙') });
    expect((await connector.read(stored('order.create', { order_id: '3035779590075504' }), access, signal)).kind).toBe('order');
  });

  it('fails the read for good for an order Ele.me does not have', async () => {
    const missing = await connector.read(stored('order.create', { order_id: '1' }), access, signal).catch((err: unknown) => err);
    expect(missing).toMatchObject({ name: 'WritebackFailure', retryable: false, message: expect.stringContaining('订单不存在') });
    meantRefusals.push('order.get: no order 1 in this shop');
    expect(eleme.calls().at(-1)?.refused).toBe('order.get: no order 1 in this shop');
  });

  it('writes the whole self-delivery track, in order, and Ele.me takes each', async () => {
    eleme.putOrder(elemeOrderDetail('3035779590075505', eleme.shopId));
    const at = new Date().toISOString();
    await write('3035779590075505', { facts: { status: 'confirmed', happenedAt: at } });
    await write('3035779590075505', { facts: { status: 'prepared', happenedAt: at } });
    await write('3035779590075505', { facts: { status: 'rider_assigned', happenedAt: at, riderId: 'rider-7' }, rider });
    await write('3035779590075505', { facts: { status: 'out_for_delivery', happenedAt: at, riderId: 'rider-7' }, rider });
    await write('3035779590075505', { facts: { status: 'location', happenedAt: at, riderId: 'rider-7', position: { lat: 39.914266, lng: 116.403988 } } });
    await write('3035779590075505', { facts: { status: 'delivered', happenedAt: at, riderId: 'rider-7' }, rider });

    const calls = eleme.writebacks('3035779590075505');
    expect(calls.map((c) => [c.cmd, c.body.selfStatus])).toEqual([
      ['order.confirm', undefined],
      ['order.pickcomplete', undefined],
      ['order.selfDeliveryStateSync', 3],
      ['order.selfDeliveryStateSync', 20],
      ['order.selfDeliveryLocationSync', undefined],
      ['order.selfDeliveryStateSync', 30],
    ]);
    expect(calls[4].body.location).toMatchObject({ latitude: 39.91567, longitude: 116.410232 });
    expect(calls[2].body.knight).toEqual({ id: 'rider-7', name: '王师傅', phone: '13900001111' });
  });

  it('fails a write-back Ele.me refuses as busy as retryable', async () => {
    eleme.putOrder(elemeOrderDetail('3035779590075506', eleme.shopId));
    eleme.refuseNext(1);
    const failure = await write('3035779590075506', { facts: { status: 'confirmed', happenedAt: new Date().toISOString() } }).catch((err: unknown) => err);
    expect(failure).toMatchObject({ name: 'WritebackFailure', retryable: true });
    expect(eleme.writebacks('3035779590075506')).toEqual([]);
  });
});
