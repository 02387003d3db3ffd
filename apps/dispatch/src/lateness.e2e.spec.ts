import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import {
  createTestNamespace,
  customerTokenForgery,
  eventually,
  orderOnTheWire,
  rosesPlaced,
  startTestService,
  testInfra,
  uniqueName,
} from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';

const tokens = developmentTokens();
const door = { lat: 31.23, lng: 121.47 };

type Hour = { weekday: string; hour: number; hourOfWeek: number; delivered: number; late: number };
type Body = { code?: string; timeZone: string; totals: { delivered: number; late: number }; hours: Hour[] };

/** The hours that saw deliveries, as [hourOfWeek, delivered, late]. */
const busy = (body: Body) => body.hours.filter((h) => h.delivered > 0).map((h) => [h.hourOfWeek, h.delivered, h.late]);

/**
 * Which time slots run late, against the real dispatch service, Postgres and Kafka: orders' lives
 * produced to orders.events as the orders relay produces them, dispatch's own sweep flagging late
 * deliveries, and the counts read back over HTTP on the shop's clock.
 */
describe('lateness by hour of the week (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let publisher: EventPublisher;
  let topic: string;

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const call = async (token: string, path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Body & { items: Array<{ orderId: string; status: string; risk: string }> } };
  };

  /** An order's life up to its rider leaving the shop with it, window `from`–`to` (ISO with the shop's offset). */
  const outForDelivery = (shopId: string, from: string, to: string) => {
    const { orderId, ref, next } = orderOnTheWire(shopId);
    const recipient = { name: 'Li Wei', address: { text: 'Nanjing Road 100, Shanghai', geo: door } };
    return {
      orderId,
      events: [
        next({ type: 'OrderPlaced', data: rosesPlaced(ref, { deliveryWindow: { from, to }, recipient }) }),
        next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: from } }),
        next({ type: 'ArrangementFinished', data: { ...ref, finishedAt: from } }),
        next({ type: 'RiderAssigned', data: { ...ref, riderId: 'wang', assignedAt: from } }),
        next({ type: 'OutForDelivery', data: { ...ref, riderId: 'wang', pickedUpAt: from } }),
      ],
      delivered: (deliveredAt: string) =>
        next({
          type: 'OrderDelivered',
          data: { ...ref, riderId: 'wang', outcome: { kind: 'recipient' }, proof: { at: deliveredAt }, receivedBy: null, deliveredAt },
        }),
      cancelled: () => next({ type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: from } }),
    };
  };
  const publish = (...events: IntegrationEvent[]) => publisher.publish(topic, events);

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    topic = namespaced(TOPICS.ordersEvents.name, namespace);
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: namespace, ETA_REFRESH_SECONDS: '1' });
    publisher = new EventPublisher(new Kafka({ clientId: 'orders-relay-stand-in', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }));
    await publisher.connect();
    // A new group learns where to start a moment after joining: probe until an order shows.
    const probeShop = uniqueName('shop');
    await eventually(async () => {
      await publish(outForDelivery(probeShop, '2026-11-27T10:00:00+08:00', '2026-11-27T12:00:00+08:00').events[0]);
      await eventually(async () => expect((await call(as({ role: 'dispatcher', shopId: probeShop }), '/deliveries')).body.items.length).toBe(1), 2_000);
    }, 30_000);
  });
  afterAll(async () => {
    await publisher?.disconnect();
    await service?.app.close();
  });

  describe('a shop in Shanghai with two weeks of deliveries', () => {
    const shop = uniqueName('shop');
    const owner = as({ role: 'staff', shopId: shop });
    const week = '/analytics/lateness?from=2026-11-23&to=2026-11-29';
    // Friday 10:00 on the shop's clock is hour 4 × 24 + 10 of the week; Saturday 09:00 is 129, Friday 14:00 is 110.
    const [friday10, saturday9, friday14] = [106, 129, 110];
    let flagged: ReturnType<typeof outForDelivery>;

    beforeAll(async () => {
      const settings = await call(as({ role: 'dispatcher', shopId: shop }), '/dispatch-settings', {
        method: 'PUT',
        body: { autoApply: false, timeZone: 'Asia/Shanghai' },
      });
      expect(settings.status).toBe(200);

      const onTime = outForDelivery(shop, '2026-11-27T10:00:00+08:00', '2026-11-27T12:00:00+08:00');
      const late = outForDelivery(shop, '2026-11-27T10:00:00+08:00', '2026-11-27T12:00:00+08:00');
      const saturday = outForDelivery(shop, '2026-11-28T09:00:00+08:00', '2026-11-28T11:00:00+08:00');
      const cancelled = outForDelivery(shop, '2026-11-27T10:30:00+08:00', '2026-11-27T12:30:00+08:00');
      const neverDelivered = outForDelivery(shop, '2026-11-27T10:00:00+08:00', '2026-11-27T12:00:00+08:00');
      const weekBefore = outForDelivery(shop, '2026-11-20T10:00:00+08:00', '2026-11-20T12:00:00+08:00');
      const otherShops = outForDelivery(uniqueName('shop'), '2026-11-27T10:00:00+08:00', '2026-11-27T12:00:00+08:00');
      await publish(...onTime.events, onTime.delivered('2026-11-27T11:30:00+08:00'));
      await publish(...late.events, late.delivered('2026-11-27T12:20:00+08:00'));
      await publish(...saturday.events, saturday.delivered('2026-11-28T10:00:00+08:00'));
      await publish(...cancelled.events.slice(0, 2), cancelled.cancelled());
      await publish(...neverDelivered.events);
      await publish(...weekBefore.events, weekBefore.delivered('2026-11-20T13:00:00+08:00'));
      await publish(...otherShops.events, otherShops.delivered('2026-11-27T13:00:00+08:00'));

      // Out with its rider while the window closed: dispatch's sweep flags it late before the phone says it was delivered.
      flagged = outForDelivery(shop, '2026-11-27T14:00:00+08:00', '2026-11-27T16:00:00+08:00');
      await publish(...flagged.events);
      await eventually(
        async () => expect((await call(owner, '/deliveries')).body.items).toContainEqual(expect.objectContaining({ orderId: flagged.orderId, risk: 'late' })),
        20_000,
      );
      await publish(flagged.delivered('2026-11-27T15:30:00+08:00'));
      await eventually(async () => expect((await call(owner, week)).body.totals.delivered).toBe(4), 20_000);
    });

    it('counts the deliveries by the hour their window started on the shop’s clock, and those delivered after the window’s end', async () => {
      const answer = await call(owner, week);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ shopId: shop, timeZone: 'Asia/Shanghai', from: '2026-11-23', to: '2026-11-29', totals: { delivered: 4, late: 1 } });
      expect(answer.body.hours).toHaveLength(168);
      expect(answer.body.hours[friday10]).toEqual({ weekday: 'friday', hour: 10, hourOfWeek: friday10, delivered: 2, late: 1 });
      // Flagged late while the phone was out of reach, but delivered within its window: on time.
      expect(busy(answer.body)).toEqual([
        [friday10, 2, 1],
        [friday14, 1, 0],
        [saturday9, 1, 0],
      ]);
    });

    it('reads the days asked for, and the hours on another clock when asked', async () => {
      expect(busy((await call(owner, '/analytics/lateness?from=2026-11-16&to=2026-11-29')).body)).toEqual([
        [friday10, 3, 2],
        [friday14, 1, 0],
        [saturday9, 1, 0],
      ]);
      expect(busy((await call(owner, '/analytics/lateness?from=2026-11-28')).body)).toEqual([[saturday9, 1, 0]]);
      // Shanghai is 8 hours ahead of UTC: Friday 10:00 there is Friday 02:00 UTC, Saturday 09:00 is Saturday 01:00.
      const utc = await call(owner, `${week}&timeZone=UTC`);
      expect(utc.body.timeZone).toBe('UTC');
      expect(busy(utc.body)).toEqual([
        [4 * 24 + 2, 2, 1],
        [4 * 24 + 6, 1, 0],
        [5 * 24 + 1, 1, 0],
      ]);
    });

    it('counts a delivery whose time the board never kept as late only when dispatch flagged it so', async () => {
      // As a row delivered before the board kept delivery times is.
      await service.app.get(DataSource).query(`UPDATE deliveries SET delivered_at = NULL WHERE order_id = $1`, [flagged.orderId]);
      expect(busy((await call(owner, week)).body)).toEqual([
        [friday10, 2, 1],
        [friday14, 1, 1],
        [saturday9, 1, 0],
      ]);
    });

    it('answers the shop’s desks and operators naming it, and nobody else', async () => {
      expect((await call(as({ role: 'dispatcher', shopId: shop }), week)).body.totals).toEqual({ delivered: 4, late: expect.any(Number) });
      expect((await call(as({ role: 'operator' }), `${week}&shopId=${shop}`)).body.totals.delivered).toBe(4);
      expect(await call(as({ role: 'operator' }), week)).toMatchObject({ status: 400, body: { code: 'SHOP_REQUIRED' } });
      expect(await call(as({ role: 'staff', shopId: uniqueName('shop') }), `${week}&shopId=${shop}`)).toMatchObject({
        status: 404,
        body: { code: 'SHOP_NOT_FOUND' },
      });
      for (const role of ['florist', 'rider'] as const) expect((await call(as({ role, shopId: shop }), week)).status).toBe(403);
      // A customer token, as a tracking link used to carry, is no token at all.
      expect((await call(customerTokenForgery('o1'), `${week}&shopId=${shop}`)).status).toBe(401);
      // Another shop's staff asking about their own shop see none of these.
      expect((await call(as({ role: 'staff', shopId: uniqueName('shop') }), week)).body.totals).toEqual({ delivered: 0, late: 0 });
    });
  });

  it('refuses malformed questions with 400, each problem named', async () => {
    const staff = as({ role: 'staff', shopId: uniqueName('shop') });
    for (const query of ['from=2026-13-01', 'from=2026-11-29&to=2026-11-23', 'timeZone=Mars/Olympus', 'colour=red', 'from=1969-12-31']) {
      const answer = await call(staff, `/analytics/lateness?${query}`);
      expect({ query, status: answer.status, code: answer.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
  });
});
