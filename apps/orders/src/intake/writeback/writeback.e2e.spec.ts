import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { namespaced, TOPICS } from '@petalpost/contracts';
import type { RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import {
  startShopifyAdminStandIn,
  sendWooCommerceWebhook,
  startWooCommerceStandIn,
  wooCommerceOrderSample,
  type ShopifyAdminStandIn,
  type WooCommerceStandIn,
  type WooOrder,
} from '@petalpost/testing/shop-platforms';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../../orders.config';
import { ordersService } from '../../orders.service';
import { type Connection, sourceOf } from '../connections/intake-connections.store';
import type { IntakeOrderInput } from '../domain/intake-order';
import { IntakePlacer } from '../placing/intake-placer.service';
import { PollMarksStore } from './reconciliation/poll-marks.store';

// Our Kafka and PostgreSQL are real; Shopify's GraphQL Admin API and WooCommerce's REST API cannot
// be reached from here, so each is a local stand-in that refuses any request their documentation
// would not accept (libs/testing/src/shop-platforms), and every spec checks none was refused.

const tokens = developmentTokens();
const MAX_ATTEMPTS = 3;
const nextYear = new Date().getUTCFullYear() + 1;
const window = { from: `${nextYear}-02-14T13:00:00+01:00`, to: `${nextYear}-02-14T15:00:00+01:00`, timeZone: 'Europe/Amsterdam' };
const anOrder = (displayRef: string): IntakeOrderInput => ({
  displayRef,
  channel: 'web',
  buyer: { name: 'Sam Buyer', email: 'sam@example.com' },
  recipient: { name: 'Alex Recipient', address: { text: 'Lindenlaan 3, Utrecht' } },
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: window,
  paid: true,
});
/** WooCommerce's published order, as a site with the Order Delivery Date plug-in holds it (its default labels). */
const wooOrder = (id: number, modified: string): WooOrder => ({
  ...wooCommerceOrderSample(),
  id,
  number: String(id),
  date_modified_gmt: modified,
  meta_data: [
    { id: 1, key: 'Delivery Date', value: `${nextYear}-02-14` },
    { id: 2, key: '_orddd_time_slot', value: '13:00 - 15:00' },
  ],
});

describe('status back to Shopify and WooCommerce, and the WooCommerce reconciliation poll (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let namespace: string;
  let shopify: ShopifyAdminStandIn;
  let woo: WooCommerceStandIn;
  let polledWoo: WooCommerceStandIn;
  let shop: string;
  let staff: string;
  let shopifyConnection: Connection;
  let wooConnection: Connection;
  let externalId = Date.now();

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };
  const db = () => service.app.get(DataSource);
  const writebacksOf = (orderId: string) =>
    db().query<Array<{ writeback_id: string; status: string; state: string; attempts: number }>>(
      `SELECT writeback_id, status, state, attempts FROM intake_writebacks WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );

  /** An order of the shop system, placed through the one intake path every channel uses. */
  const placeFrom = async (connection: Connection, externalRef: string, updatedAt = new Date().toISOString()) => {
    const result = await service.app.get(IntakePlacer).receive(shop, sourceOf(connection), externalRef, updatedAt, anOrder(`#${externalRef}`) as never);
    expect(result).toMatchObject({ outcome: 'placed', orderId: expect.any(String) });
    return result.orderId!;
  };
  /** The shop's staff take the order from the counter to the road. */
  const sendOut = async (orderId: string) => {
    for (const [path, body] of [
      ['accept', {}],
      ['production/start', {}],
      ['production/finish', {}],
      ['rider', { riderId: 'rider-7' }],
      ['pickup', {}],
    ] as const) {
      expect((await call('POST', `/orders/${orderId}/${path}`, staff, body)).status).toBe(200);
    }
  };
  const deliver = async (orderId: string) =>
    expect((await call('POST', `/orders/${orderId}/delivery`, staff, { outcome: { kind: 'recipient' } })).status).toBe(200);
  const allDone = async (orderId: string, count: number) =>
    eventually(async () => {
      const rows = await writebacksOf(orderId);
      expect(rows.map((r) => r.state)).toEqual(Array(count).fill('done'));
      return rows;
    }, 30_000);

  /** The owner connects a store in the console: POST /intake/connections. */
  const connect = async (body: Record<string, unknown>, webhookSecret = randomUUID()) => {
    const created = await call('POST', '/intake/connections', staff, { timeZone: 'Europe/Amsterdam', webhookSecret, ...body });
    expect(created.status).toBe(201);
    return created.body.connection as Connection;
  };
  const pollMark = async (connectionId: string) =>
    (
      await db().query<Array<{ last_error: string | null; orders_seen: string }>>(
        `SELECT last_error, orders_seen FROM intake_poll_marks WHERE connection_id = $1`,
        [connectionId],
      )
    )[0];

  beforeAll(async () => {
    [shopify, woo, polledWoo] = await Promise.all([startShopifyAdminStandIn(), startWooCommerceStandIn(), startWooCommerceStandIn()]);
    namespace = await createTestNamespace();
    service = await startTestService(ordersService, {
      KAFKA_NAMESPACE: namespace,
      ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN: shopify.adminOrigin,
      ORDERS_INTAKE_SHOPIFY_API_VERSION: shopify.apiVersion,
      ORDERS_INTAKE_WRITEBACK_POLL_MS: '50',
      ORDERS_INTAKE_WRITEBACK_BASE_DELAY_MS: '50',
      ORDERS_INTAKE_WRITEBACK_MAX_DELAY_MS: '200',
      ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      // Each site is checked once when connected; the spec asks for the checks it needs after that.
      ORDERS_INTAKE_WOO_POLL_SECONDS: '3600',
    });
    shop = uniqueName('shop');
    staff = tokens.sign({ role: 'staff', shopId: shop, sub: 'alice' } as Principal);
    shopifyConnection = await connect({ platform: 'shopify', label: 'Storefront', shopDomain: shopify.shopDomain, adminAccessToken: shopify.accessToken });
    wooConnection = await connect({
      platform: 'woocommerce',
      label: 'Shop site',
      siteUrl: woo.siteUrl,
      consumerKey: woo.consumerKey,
      consumerSecret: woo.consumerSecret,
    });
  });
  afterAll(async () => {
    await service?.app.close();
    await Promise.all([shopify?.close(), woo?.close(), polledWoo?.close()]);
  });
  afterEach(() => {
    for (const standIn of [shopify, woo, polledWoo]) expect(standIn.calls().filter((c) => c.refused)).toEqual([]);
  });

  it('writes a delivered Shopify order back once, with the fulfillment and each step, also when the first attempt fails', async () => {
    const id = String(externalId++);
    const { orderGid } = shopify.addOrder(id, [{ quantity: 1 }]);
    const orderId = await placeFrom(shopifyConnection, id);
    shopify.failNext(1, 503);
    await sendOut(orderId);
    await allDone(orderId, 1);
    await deliver(orderId);
    const rows = await allDone(orderId, 2);

    expect(rows.map((r) => r.status)).toEqual(['out_for_delivery', 'delivered']);
    expect(rows[0].attempts).toBe(2);
    expect(shopify.calls().filter((c) => c.injectedFailure)).toHaveLength(1);
    expect(shopify.fulfillments().filter((f) => f.orderGid === orderGid)).toEqual([
      expect.objectContaining({
        notifyCustomer: true,
        events: [expect.objectContaining({ status: 'OUT_FOR_DELIVERY' }), expect.objectContaining({ status: 'DELIVERED' })],
      }),
    ]);
  });

  it('writes a delivered WooCommerce order back once, completed with a note for each step, also when the first attempt fails', async () => {
    const id = externalId++;
    woo.putOrder({ ...wooCommerceOrderSample(), id, date_modified_gmt: '2020-01-01T00:00:00' });
    const orderId = await placeFrom(wooConnection, String(id));
    woo.failNext(1, 502, (request) => request.path.endsWith(`/orders/${id}/notes`));
    await sendOut(orderId);
    await deliver(orderId);
    await allDone(orderId, 2);

    expect(woo.order(id)!.status).toBe('completed');
    expect(woo.notes(id).map((n) => n.customer_note)).toEqual([true, true]);
    expect(woo.calls().filter((c) => c.injectedFailure)).toHaveLength(1);
  });

  it('writes nothing twice when orders.events delivers an order event again', async () => {
    const id = String(externalId++);
    const { orderGid } = shopify.addOrder(id);
    const orderId = await placeFrom(shopifyConnection, id);
    await sendOut(orderId);
    expect((await call('POST', `/orders/${orderId}/delivery/carded`, staff, { note: 'nobody home' })).status).toBe(200);
    await allDone(orderId, 2);

    // The relay's messages for this order, produced again as a broker redelivers them.
    const published = await publishedFor(orderId, ['OutForDelivery', 'DeliveryCarded']);
    const kafka = new Kafka({ brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: namespaced(TOPICS.ordersEvents.name, namespace),
      messages: published.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    });
    await producer.disconnect();
    // Events after the redelivered ones, on the order's partition: once they are written back, the redelivery was read.
    expect((await call('POST', `/orders/${orderId}/delivery/reattempt`, staff, {})).status).toBe(200);
    await deliver(orderId);
    const rows = await allDone(orderId, 4);

    expect(rows.map((r) => r.status)).toEqual(['out_for_delivery', 'carded', 'out_for_delivery', 'delivered']);
    expect(shopify.fulfillments().filter((f) => f.orderGid === orderGid)).toEqual([
      expect.objectContaining({
        events: ['OUT_FOR_DELIVERY', 'ATTEMPTED_DELIVERY', 'OUT_FOR_DELIVERY', 'DELIVERED'].map((status) => expect.objectContaining({ status })),
      }),
    ]);
  });

  it('lists a write-back as dead after its last attempt failed, and a retry by staff sends it', async () => {
    const id = externalId++;
    woo.putOrder({ ...wooCommerceOrderSample(), id, date_modified_gmt: '2020-01-01T00:00:00' });
    const orderId = await placeFrom(wooConnection, String(id));
    woo.failNext(MAX_ATTEMPTS, 503, (request) => request.path.endsWith(`/orders/${id}/notes`));
    await sendOut(orderId);

    const dead = await eventually(async () => {
      const { body } = await call('GET', '/intake/writebacks?state=dead', staff);
      const found = (body.writebacks as Array<Record<string, unknown>>).find((w) => w.orderId === orderId);
      expect(found).toMatchObject({
        platform: 'woocommerce',
        status: 'out_for_delivery',
        state: 'dead',
        attempts: MAX_ATTEMPTS,
        lastError: expect.stringMatching(/HTTP 503/),
      });
      return found!;
    }, 30_000);
    expect(woo.notes(id)).toEqual([]);

    const stranger = tokens.sign({ role: 'staff', shopId: uniqueName('other-shop'), sub: 'eve' } as Principal);
    expect((await call('POST', `/intake/writebacks/${dead.writebackId}/retry`, stranger, {})).status).toBe(404);
    expect((await call('GET', '/intake/writebacks?state=dead', stranger)).body.writebacks).toEqual([]);

    const retried = await call('POST', `/intake/writebacks/${dead.writebackId}/retry`, staff, {});
    expect(retried).toMatchObject({ status: 202, body: { state: 'pending', attempts: 0 } });
    await allDone(orderId, 1);
    expect(woo.notes(id)).toHaveLength(1);
    expect((await call('POST', `/intake/writebacks/${dead.writebackId}/retry`, staff, {})).status).toBe(409);
  });

  it('the WooCommerce poll takes an order the webhook missed, and does not double one it already has', async () => {
    const webhookSecret = randomUUID();
    const connection = await connect(
      {
        platform: 'woocommerce',
        label: 'Second site',
        siteUrl: polledWoo.siteUrl,
        consumerKey: polledWoo.consumerKey,
        consumerSecret: polledWoo.consumerSecret,
      },
      webhookSecret,
    );
    const checks = () => polledWoo.calls().filter((c) => c.method === 'GET' && c.path === '/wp-json/wc/v3/orders');
    // A new connection is checked at once: nothing there yet.
    await eventually(() => expect(checks().length).toBe(1), 30_000);

    const modified = new Date().toISOString().slice(0, 19);
    const brought = wooOrder(externalId++, modified);
    const missed = wooOrder(externalId++, modified);
    polledWoo.putOrder(brought);
    polledWoo.putOrder(missed);
    // One a webhook delivery brought, signed as WooCommerce signs it; the other's delivery was lost.
    const delivery = await sendWooCommerceWebhook({
      url: `${service.url}/intake/woocommerce/webhooks/${connection.connectionId}`,
      secret: webhookSecret,
      siteUrl: polledWoo.siteUrl,
      topic: 'order.created',
      payload: brought,
    });
    expect(delivery.status).toBe(200);
    const intakeRows = () =>
      db().query<Array<{ external_ref: string; order_id: string | null }>>(
        `SELECT external_ref, order_id FROM intake_orders WHERE shop_id = $1 AND source = $2 ORDER BY external_ref`,
        [shop, sourceOf(connection)],
      );
    const placedEvents = async () =>
      Number(
        (
          await db().query<Array<{ n: string }>>(
            `SELECT count(*) AS n FROM events WHERE type = 'OrderPlaced' AND data->>'shopId' = $1 AND data->>'reference' IN ($2, $3)`,
            [shop, String(brought.number), String(missed.number)],
          )
        )[0].n,
      );
    const broughtOrderId = await eventually(async () => {
      const [row] = await intakeRows();
      expect(row).toMatchObject({ external_ref: String(brought.id), order_id: expect.any(String) });
      return row.order_id;
    }, 30_000);
    await service.app.get(PollMarksStore).dueNow(connection.connectionId);
    await eventually(async () => {
      const rows = await intakeRows();
      expect(rows.map((r) => r.external_ref)).toEqual([String(brought.id), String(missed.id)].sort());
      expect(rows.every((r) => r.order_id !== null)).toBe(true);
    }, 30_000);
    expect(checks()[1].query.get('modified_after')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);

    // Each check that read both counts them: 2 once the second check is through, 4 after the third.
    await eventually(async () => expect(await pollMark(connection.connectionId)).toMatchObject({ last_error: null, orders_seen: '2' }), 30_000);
    // Another check finds both again and changes nothing.
    await service.app.get(PollMarksStore).dueNow(connection.connectionId);
    await eventually(async () => expect(await pollMark(connection.connectionId)).toMatchObject({ last_error: null, orders_seen: '4' }), 30_000);
    const rows = await intakeRows();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.external_ref === String(brought.id))?.order_id).toBe(broughtOrderId);
    expect(await placedEvents()).toBe(2);
  });

  /** The messages the relay published for an order, of the given types, as they are on the topic. */
  async function publishedFor(orderId: string, types: string[]): Promise<KafkaMessage[]> {
    const kafka = new Kafka({ brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: uniqueName('probe') });
    const seen: KafkaMessage[] = [];
    await consumer.subscribe({ topic: namespaced(TOPICS.ordersEvents.name, namespace), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (String(message.key) === `order-${orderId}`) seen.push(message);
      },
    });
    try {
      return await eventually(() => {
        const found = types.map((type) => seen.find((m) => JSON.parse(String(m.value)).type === type));
        expect(found.every(Boolean)).toBe(true);
        return found as KafkaMessage[];
      });
    } finally {
      await consumer.disconnect();
    }
  }
});
