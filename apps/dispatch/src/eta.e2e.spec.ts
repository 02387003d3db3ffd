import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, orderServiceEnvelope, outForDeliveryOnTheWire, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';

const tokens = developmentTokens();
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const shopDoor = { lat: 52.09, lng: 5.12 };
/** About `km` kilometres east of the recipient. */
const eastOf = (geo: { lat: number; lng: number }, km: number) => ({ lat: geo.lat, lng: geo.lng + km / 68.5 });

type BoardRow = { orderId: string; status: string; riderId?: string; eta?: string; risk: string; riskSince?: string };

/**
 * ETAs and risk as customers and the shop's desk receive them: order events in on orders.events,
 * a rider's phone reporting positions over HTTP, dispatch's predictions out on dispatch.events.
 */
describe('ETAs, at-risk and late deliveries (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let publisher: EventPublisher;
  let consumer: Consumer;
  let ordersTopic: string;
  const published: IntegrationEvent[] = [];

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const report = async (shopId: string, riderId: string, at: { lat: number; lng: number }) => {
    const response = await fetch(`${service.url}/riders/me/positions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${as({ role: 'rider', shopId, sub: riderId })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ positions: [{ ...at, accuracy: 5, recordedAt: new Date().toISOString() }] }),
    });
    expect(response.status).toBe(202);
  };
  const boardOf = async (shopId: string) => {
    const response = await fetch(`${service.url}/deliveries`, { headers: { authorization: `Bearer ${as({ role: 'dispatcher', shopId })}` } });
    return ((await response.json()) as { items: BoardRow[] }).items;
  };
  const rowOf = async (shopId: string, orderId: string) => (await boardOf(shopId)).find((d) => d.orderId === orderId);
  const latest = (orderId: string, type: string) => about(orderId, type).at(-1)?.data as { eta: string; flaggedAt: string } | undefined;
  const changeWindow = (shopId: string, orderId: string, version: number, window: { from: string; to: string }) =>
    publisher.publish(ordersTopic, [
      orderServiceEnvelope(shopId, `order-${orderId}`, version, {
        type: 'DeliveryWindowChanged',
        data: { orderId, shopId, deliveryWindow: window, changedAt: new Date().toISOString() },
      }),
    ]);
  /** Waits until dispatch has published exactly one `type` about the order, and gives it. */
  const flaggedOnce = (orderId: string, type: string) =>
    eventually(() => {
      const flagged = about(orderId, type);
      expect(flagged).toHaveLength(1);
      return flagged[0];
    }, 20_000);
  const about = (orderId: string, type: string) => published.filter((e) => e.type === type && (e.data as { orderId?: string }).orderId === orderId);

  /** An order out for delivery with `riderId`, delivered at `geo` within `window`. */
  const outForDelivery = async (
    shopId: string,
    riderId: string,
    geo: { lat: number; lng: number },
    window: { from: string; to: string },
    placed: { deadline?: string } = {},
  ) => {
    const { orderId, events } = outForDeliveryOnTheWire(shopId, riderId, geo, window, placed);
    await publisher.publish(ordersTopic, events);
    return orderId;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    ordersTopic = namespaced(TOPICS.ordersEvents.name, namespace);
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: namespace, ETA_REFRESH_SECONDS: '1', ETA_RIDER_DEBOUNCE_SECONDS: '0.2' });
    const kafka = new Kafka({ clientId: 'eta-test', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    consumer = kafka.consumer({ groupId: uniqueName('eta-reader'), maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: [namespaced(TOPICS.dispatchEvents.name, namespace)], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void published.push(JSON.parse(String(message.value)) as IntegrationEvent) });
    // A new group starts at the log's end, which it learns on its first fetch: probe until an order shows.
    const probeShop = uniqueName('shop');
    await eventually(async () => {
      await outForDelivery(probeShop, 'probe', shopDoor, { from: minutesFromNow(60), to: minutesFromNow(120) });
      await eventually(async () => expect((await boardOf(probeShop)).length).toBeGreaterThan(0), 2_000);
    }, 30_000);
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await publisher?.disconnect();
    await service?.app.close();
  });

  it('tells the ETA of a rider’s stop, keyed by order, and tells it again when the rider’s position moves it', async () => {
    const shop = uniqueName('shop');
    const rider = uniqueName('rider');
    const orderId = await outForDelivery(shop, rider, shopDoor, { from: minutesFromNow(-30), to: minutesFromNow(240) });

    await report(shop, rider, eastOf(shopDoor, 6));
    const [far] = await eventually(() => {
      const etas = about(orderId, 'EtaUpdated');
      expect(etas.length).toBeGreaterThan(0);
      return etas;
    }, 20_000);
    // 6 km × 1.3 road detour at 15 km/h on the default bicycle ≈ 31 minutes.
    const farMinutes = (Date.parse((far.data as { eta: string }).eta) - Date.now()) / 60_000;
    expect(farMinutes).toBeGreaterThan(20);
    expect(farMinutes).toBeLessThan(40);
    expect(far).toMatchObject({ shopId: shop, data: { orderId, riderId: rider } });

    await report(shop, rider, eastOf(shopDoor, 0.5));
    const near = await eventually(() => {
      const etas = about(orderId, 'EtaUpdated');
      expect(etas.length).toBeGreaterThan(1);
      return etas[etas.length - 1];
    }, 20_000);
    expect(Date.parse((near.data as { eta: string }).eta)).toBeLessThan(Date.parse((far.data as { eta: string }).eta) - 20 * 60_000);
    // Comfortably inside the window: never at risk.
    expect(about(orderId, 'DeliveryAtRisk')).toEqual([]);
  });

  it('flags a delivery at risk, once, when its ETA passes the window’s end minus the margin', async () => {
    const shop = uniqueName('shop');
    const rider = uniqueName('rider');
    const orderId = await outForDelivery(shop, rider, shopDoor, { from: minutesFromNow(-30), to: minutesFromNow(20) });

    // 10 km out on a bicycle: about 52 minutes, well past 20 − 15.
    await report(shop, rider, eastOf(shopDoor, 10));
    const risk = await flaggedOnce(orderId, 'DeliveryAtRisk');
    expect(risk).toMatchObject({ shopId: shop, data: { orderId, riderId: rider, marginMinutes: 15 } });
    await report(shop, rider, eastOf(shopDoor, 9));
    // Several sweeps later it is still flagged once.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(about(orderId, 'DeliveryAtRisk')).toHaveLength(1);
  });

  it('flags at once a funeral order whose ETA is past its hard deadline, naming the deadline', async () => {
    const shop = uniqueName('shop');
    const rider = uniqueName('rider');
    const deadline = minutesFromNow(30);
    const orderId = await outForDelivery(shop, rider, shopDoor, { from: minutesFromNow(-30), to: minutesFromNow(25) }, { deadline });

    // 10 km out on a bicycle: about 52 minutes, past the service at 30.
    await report(shop, rider, eastOf(shopDoor, 10));
    const risk = await flaggedOnce(orderId, 'DeliveryAtRisk');
    expect(risk).toMatchObject({ shopId: shop, data: { orderId, riderId: rider, deadline: new Date(deadline).toISOString() } });
  });

  it('calls a delivery late once its window closed undelivered', async () => {
    const shop = uniqueName('shop');
    const rider = uniqueName('rider');
    // Out with its rider while the window is still open, as it would be in a shop: only then does the window close.
    const { orderId, events } = outForDeliveryOnTheWire(shop, rider, shopDoor, { from: minutesFromNow(-90), to: minutesFromNow(60) });
    await publisher.publish(ordersTopic, events);
    await eventually(async () => expect(await boardOf(shop)).toEqual([expect.objectContaining({ orderId, riderId: rider })]), 20_000);
    const closed = { from: minutesFromNow(-90), to: minutesFromNow(-5) };
    await publisher.publish(ordersTopic, [
      orderServiceEnvelope(shop, `order-${orderId}`, events.length + 1, {
        type: 'DeliveryWindowChanged',
        data: { orderId, shopId: shop, riderId: rider, deliveryWindow: closed, changedAt: new Date().toISOString() },
      }),
    ]);

    const late = await flaggedOnce(orderId, 'DeliveryLate');
    expect(late).toMatchObject({ shopId: shop, data: { orderId, riderId: rider } });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(about(orderId, 'DeliveryLate')).toHaveLength(1);
  });

  describe('on the board (GET /deliveries)', () => {
    it('carries each delivery’s latest ETA, moving as the rider moves', async () => {
      const shop = uniqueName('shop');
      const rider = uniqueName('rider');
      const orderId = await outForDelivery(shop, rider, shopDoor, { from: minutesFromNow(-30), to: minutesFromNow(240) });

      await report(shop, rider, eastOf(shopDoor, 6));
      const far = await eventually(async () => {
        const row = await rowOf(shop, orderId);
        expect(row?.eta).toBeDefined();
        expect(row?.eta).toBe(latest(orderId, 'EtaUpdated')?.eta);
        return row!;
      }, 20_000);
      expect(far).toMatchObject({ riderId: rider, risk: 'on_time' });
      expect(far).not.toHaveProperty('riskSince');

      await report(shop, rider, eastOf(shopDoor, 0.5));
      await eventually(async () => {
        const row = await rowOf(shop, orderId);
        expect(Date.parse(row!.eta!)).toBeLessThan(Date.parse(far.eta!) - 20 * 60_000);
        expect(row!.eta).toBe(latest(orderId, 'EtaUpdated')?.eta);
      }, 20_000);
    });

    it('shows at risk and late as dispatch flagged them, with since when, for the window they were flagged for', async () => {
      const shop = uniqueName('shop');
      const rider = uniqueName('rider');
      const { orderId, events } = outForDeliveryOnTheWire(shop, rider, shopDoor, { from: minutesFromNow(-30), to: minutesFromNow(20) });
      await publisher.publish(ordersTopic, events);

      // 10 km out on a bicycle: about 52 minutes, well past 20 − 15.
      await report(shop, rider, eastOf(shopDoor, 10));
      const atRisk = await flaggedOnce(orderId, 'DeliveryAtRisk');
      await eventually(async () => {
        expect(await rowOf(shop, orderId)).toMatchObject({ risk: 'at_risk', riskSince: (atRisk.data as { flaggedAt: string }).flaggedAt });
      }, 20_000);

      // The window closes undelivered: late outranks at risk.
      await changeWindow(shop, orderId, events.length + 1, { from: minutesFromNow(-90), to: minutesFromNow(-5) });
      const late = await flaggedOnce(orderId, 'DeliveryLate');
      await eventually(async () => {
        expect(await rowOf(shop, orderId)).toMatchObject({ risk: 'late', riskSince: (late.data as { flaggedAt: string }).flaggedAt });
      }, 20_000);

      // Given a new window with time to spare, the flags of the old ones no longer hold.
      const roomy = { from: minutesFromNow(-30), to: minutesFromNow(300) };
      await changeWindow(shop, orderId, events.length + 2, roomy);
      const onTime = await eventually(async () => {
        const row = await rowOf(shop, orderId);
        expect(row).toMatchObject({ risk: 'on_time' });
        return row!;
      }, 20_000);
      expect(onTime).not.toHaveProperty('riskSince');
      expect(about(orderId, 'DeliveryAtRisk').map((e) => (e.data as { windowTo: string }).windowTo)).not.toContain(new Date(roomy.to).toISOString());
    });

    it('drops the ETA of a rider who no longer has the order', async () => {
      const shop = uniqueName('shop');
      const [first, second] = [uniqueName('rider'), uniqueName('rider')];
      // Ready at the shop with the first rider, who is 3 km out.
      const { orderId, events } = outForDeliveryOnTheWire(shop, first, shopDoor, { from: minutesFromNow(-30), to: minutesFromNow(240) });
      const readyWithRider = events.slice(0, 4);
      await publisher.publish(ordersTopic, readyWithRider);
      await report(shop, first, eastOf(shopDoor, 3));
      await eventually(
        async () => expect(await rowOf(shop, orderId)).toMatchObject({ status: 'ready_for_pickup', riderId: first, eta: expect.any(String) }),
        20_000,
      );

      // Handed to a rider who has not reported where they are: nobody can say when it arrives.
      const at = new Date().toISOString();
      await publisher.publish(ordersTopic, [
        orderServiceEnvelope(shop, `order-${orderId}`, 5, { type: 'RiderUnassigned', data: { orderId, shopId: shop, riderId: first, unassignedAt: at } }),
        orderServiceEnvelope(shop, `order-${orderId}`, 6, { type: 'RiderAssigned', data: { orderId, shopId: shop, riderId: second, assignedAt: at } }),
      ]);
      const handedOver = await eventually(async () => {
        const row = await rowOf(shop, orderId);
        expect(row).toMatchObject({ riderId: second });
        return row!;
      }, 20_000);
      expect(handedOver).not.toHaveProperty('eta');
    });
  });
});
