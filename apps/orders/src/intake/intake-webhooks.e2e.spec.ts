import { randomUUID } from 'node:crypto';
import { developmentTokens } from '@petalpost/auth';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../orders.config';
import { ordersService } from '../orders.service';
import { orderStream } from '../orders/domain/order.events';
import { IntakeOrderSchema } from './domain/intake-order';
import { IntakePlacer } from './placing/intake-placer.service';
import { IntakeDeliveries } from './webhooks/intake-deliveries.store';
import { IntakeDeliveryWorker } from './webhooks/intake-delivery.worker';
import {
  pingWooCommerce,
  publishedWooOrder,
  sendRequest,
  sendWooCommerce,
  shopifyOrder,
  shopifyRequest,
  signature,
  type ShopifyDelivery,
} from './shop-webhooks.fixture';
import { StaffSocket, waitUntilConsuming } from './intake-e2e.fixture';

const tokens = developmentTokens();
// Valentine's Day of next year: never over, and Amsterdam keeps +01:00 all month.
const valentines = `${new Date().getUTCFullYear() + 1}-02-14`;
const SHOPIFY_SECRET = 'shpss_e2e_0123456789abcdef0123456789abcdef';

/**
 * Orders from shop systems, end to end: Shopify- and WooCommerce-shaped deliveries, sent signed as
 * those platforms send them, to the real orders service (Postgres, its relay to Kafka) and on to
 * the notifications service (its own process) and a staff member's WebSocket. The platforms
 * themselves are not involved: their requests are made here, by the rules of their docs.
 */
describe('intake webhooks (orders → Kafka → notifications → staff WebSocket)', () => {
  let orders: RunningService<OrdersConfig>;
  let notifications: ServiceProcess;
  let shop: string;
  let staff: StaffSocket;
  let shopDomain: string;
  let shopifyConnection: string;
  let wooConnection: string;
  let wooSecret: string;
  const siteUrl = 'https://blooms.example.com/';
  const sockets: StaffSocket[] = [];

  const staffToken = () => tokens.sign({ role: 'staff', shopId: shop, sub: 'alice' });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${orders.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${staffToken()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const shopifyUrl = () => `${orders.url}/intake/shopify/webhooks`;
  const wooUrl = () => `${orders.url}/intake/woocommerce/webhooks/${wooConnection}`;
  const sendShopify = (delivery: Omit<ShopifyDelivery, 'shopDomain' | 'secret'> & Partial<ShopifyDelivery>) =>
    sendRequest(shopifyUrl(), shopifyRequest({ shopDomain, secret: SHOPIFY_SECRET, ...delivery }));
  const count = async (sql: string): Promise<number> => Number((await orders.app.get(DataSource).query(sql))[0].n);
  const storedDeliveries = () => count(`SELECT count(*) AS n FROM intake_deliveries`);
  const loggedEvents = () => count(`SELECT count(*) AS n FROM events`);
  /** What became of a delivery, once the worker has processed it. */
  const outcomeOf = (connectionId: string, deliveryId: unknown) =>
    eventually(async () => {
      const { body } = await call('GET', `/intake/connections/${connectionId}/deliveries?limit=100`);
      const delivery = (body.deliveries as Array<Record<string, unknown>>).find((d) => d.deliveryId === deliveryId);
      expect(delivery?.state).toBe('processed');
      return delivery!;
    });

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    notifications = await startServiceProcess('notifications', { KAFKA_NAMESPACE: namespace });
    await waitUntilConsuming(notifications.url, namespace);
    orders = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace, ORDERS_INTAKE_WORKER_POLL_MS: '200' });
    shop = uniqueName('shop');
    shopDomain = `${uniqueName('petals').toLowerCase().replace(/_/g, '-')}.myshopify.com`;
    staff = await StaffSocket.open(notifications.url, { role: 'staff', shopId: shop, sub: 'alice' });
    sockets.push(staff);
    const shopify = await call('POST', '/intake/connections', {
      platform: 'shopify',
      label: 'Web shop',
      shopDomain,
      timeZone: 'Europe/Amsterdam',
      webhookSecret: SHOPIFY_SECRET,
    });
    expect(shopify.status).toBe(201);
    shopifyConnection = (shopify.body.connection as { connectionId: string }).connectionId;
    const woo = await call('POST', '/intake/connections', { platform: 'woocommerce', label: 'WordPress shop', siteUrl, timeZone: 'Europe/Amsterdam' });
    expect(woo.status).toBe(201);
    wooConnection = (woo.body.connection as { connectionId: string }).connectionId;
    wooSecret = woo.body.webhookSecret as string;
    expect(woo.body.webhookUrl).toMatch(new RegExp(`/intake/woocommerce/webhooks/${wooConnection}$`));
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.socket.close();
    await orders?.app.close();
    await notifications?.stop();
  });

  it('places a Shopify orders/create as the order it describes, and the shop’s staff hear of it on their WebSocket', async () => {
    const id = Date.now();
    const sent = await sendShopify({ topic: 'orders/create', order: shopifyOrder(id, valentines) });
    expect(sent).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    const delivery = await outcomeOf(shopifyConnection, sent.body.deliveryId);
    expect(delivery).toMatchObject({ outcome: 'placed', externalRef: String(id), orderId: expect.any(String) });

    const order = await call('GET', `/orders/${delivery.orderId}`);
    expect(order.body).toMatchObject({
      shopId: shop,
      status: 'placed',
      source: 'web',
      reference: `#${id % 100000}`,
      items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
      deliveryWindow: { from: `${valentines}T13:00:00+01:00`, to: `${valentines}T15:00:00+01:00`, timeZone: 'Europe/Amsterdam' },
      buyer: { name: 'Sam Buyer', email: 'sam@example.com' },
      recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 5, 3511 AB Utrecht, NL' } },
      cardMessage: 'Love, Sam',
      price: { amountMinor: 4995, currency: 'EUR' },
      paid: true,
    });
    const pushed = await staff.heard('OrderPlaced', (data) => data.orderId === delivery.orderId);
    expect(pushed.data.recipient).toMatchObject({ name: 'Alex Recipient' });
  });

  it('places a WooCommerce order.created (the published order with a delivery-date plug-in’s meta) and answers WooCommerce’s ping', async () => {
    expect(await pingWooCommerce(wooUrl())).toMatchObject({ status: 200, body: { received: false, ignored: 'ping' } });
    const published = publishedWooOrder();
    const id = Date.now();
    // The published order has no delivery date; Order Delivery Date (Tyche) adds these meta keys.
    const order = {
      ...published,
      id,
      date_modified_gmt: '2026-02-10T09:00:00',
      meta_data: [
        ...(published.meta_data as unknown[]),
        { id: 13107, key: 'Delivery Date', value: `14 February, ${valentines.slice(0, 4)}` },
        { id: 13108, key: '_orddd_lite_timestamp', value: String(Date.parse(`${valentines}T00:00:00Z`) / 1000) },
        { id: 13109, key: '_orddd_time_slot', value: '10:00 - 12:00' },
      ],
    };
    const sent = await sendWooCommerce(wooUrl(), { secret: wooSecret, topic: 'order.created', order, siteUrl });
    expect(sent).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    const delivery = await outcomeOf(wooConnection, sent.body.deliveryId);
    expect(delivery).toMatchObject({ outcome: 'placed', externalRef: String(id) });

    const placed = await call('GET', `/orders/${delivery.orderId}`);
    expect(placed.body).toMatchObject({
      status: 'placed',
      reference: '727',
      items: [
        { sku: '93', name: 'Woo Single #1', quantity: 2 },
        { sku: 'Bar3', name: 'Ship Your Idea – Color: Black, Size: M Test', quantity: 1 },
      ],
      deliveryWindow: { from: `${valentines}T10:00:00+01:00`, to: `${valentines}T12:00:00+01:00` },
      buyer: { name: 'John Doe', email: 'john.doe@example.com' },
      recipient: { name: 'John Doe', address: { text: '969 Market, 94103 San Francisco, CA, US' } },
      price: { amountMinor: 2935, currency: 'USD' },
      paid: true,
    });
    await staff.heard('OrderPlaced', (data) => data.orderId === delivery.orderId);
  });

  it('answers a replayed delivery 200 and stores and appends nothing more', async () => {
    const request = shopifyRequest({ shopDomain, secret: SHOPIFY_SECRET, topic: 'orders/create', order: shopifyOrder(Date.now(), valentines) });
    const first = await sendRequest(shopifyUrl(), request);
    await outcomeOf(shopifyConnection, first.body.deliveryId);
    const [deliveries, events] = [await storedDeliveries(), await loggedEvents()];

    const replay = await sendRequest(shopifyUrl(), request);
    expect(replay).toMatchObject({ status: 200, body: { received: true, duplicate: true, deliveryId: first.body.deliveryId } });
    // The same event from a second subscription (a new delivery, the same snapshot): recorded, nothing placed.
    const again = await sendRequest(shopifyUrl(), { ...request, headers: { ...request.headers, 'x-shopify-event-id': randomUUID() } });
    expect((await outcomeOf(shopifyConnection, again.body.deliveryId)).outcome).toBe('duplicate');
    expect(await storedDeliveries()).toBe(deliveries + 1);
    expect(await loggedEvents()).toBe(events);
  });

  it.each([
    ['a signature under another secret', { hmac: signature('not-the-secret-at-all', '{}') }],
    ['no signature', { hmac: null }],
    ['a hex signature', { hmac: 'ab'.repeat(32) }],
  ])('refuses %s with 401 and stores nothing', async (_case, forgery) => {
    const [deliveries, events] = [await storedDeliveries(), await loggedEvents()];
    const sent = await sendShopify({ topic: 'orders/create', order: shopifyOrder(Date.now(), valentines), ...forgery });
    expect(sent).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    expect(await storedDeliveries()).toBe(deliveries);
    expect(await loggedEvents()).toBe(events);
  });

  it('refuses a body changed after it was signed (401), and a WooCommerce delivery signed with the Shopify secret', async () => {
    const deliveries = await storedDeliveries();
    const request = shopifyRequest({ shopDomain, secret: SHOPIFY_SECRET, topic: 'orders/create', order: shopifyOrder(Date.now(), valentines) });
    const tampered = await sendRequest(shopifyUrl(), { ...request, body: request.body.replace('49.95', '0.01') });
    expect(tampered.status).toBe(401);
    const crossed = await sendWooCommerce(wooUrl(), { secret: SHOPIFY_SECRET, topic: 'order.created', order: publishedWooOrder(), siteUrl });
    expect(crossed.status).toBe(401);
    expect(await storedDeliveries()).toBe(deliveries);
  });

  it('applies a newer update, ignores an older one that arrives after it and records that it did', async () => {
    const id = Date.now();
    const created = await sendShopify({ topic: 'orders/create', order: shopifyOrder(id, valentines) });
    const { orderId } = await outcomeOf(shopifyConnection, created.body.deliveryId);
    const at = (time: string, slot: string) =>
      shopifyOrder(id, valentines, {
        updated_at: time,
        note_attributes: [
          { name: 'Delivery-Date', value: valentines },
          { name: 'Delivery-Time', value: slot },
        ],
      });

    const newer = await sendShopify({ topic: 'orders/updated', order: at('2026-02-10T12:00:00+01:00', '16:00 - 18:00') });
    expect(await outcomeOf(shopifyConnection, newer.body.deliveryId)).toMatchObject({ outcome: 'updated', orderId });
    const older = await sendShopify({ topic: 'orders/updated', order: at('2026-02-10T11:00:00+01:00', '09:00 - 11:00') });
    expect(await outcomeOf(shopifyConnection, older.body.deliveryId)).toMatchObject({ outcome: 'stale', orderId, reason: expect.stringContaining('older') });

    const order = await call('GET', `/orders/${orderId}`);
    expect(order.body.deliveryWindow).toMatchObject({ from: `${valentines}T16:00:00+01:00`, to: `${valentines}T18:00:00+01:00` });
    const history = await call('GET', `/orders/${orderId}/history`);
    expect((history.body.items as Array<{ type: string }>).map((e) => e.type)).toEqual(['OrderPlaced', 'DeliveryWindowChanged']);
  });

  it('places a burst of creates and updates for many orders: each delivery once, each order once, its update after its create', async () => {
    const ORDERS = 30;
    const first = Date.now() * 1000;
    const CREATED = '2026-02-10T10:00:00+01:00';
    const UPDATED = '2026-02-10T11:00:00+01:00';
    const snapshot = (id: number, updatedAt: string, slot: string) =>
      shopifyOrder(id, valentines, {
        updated_at: updatedAt,
        note_attributes: [
          { name: 'Delivery-Date', value: valentines },
          { name: 'Delivery-Time', value: slot },
        ],
      });
    // The worker holds off while the burst is received (as a burst outruns it), so each batch it
    // then claims holds the create and the update of several orders together.
    const deliveries = orders.app.get(IntakeDeliveries);
    const holdOff = jest.spyOn(deliveries, 'claim').mockResolvedValue([]);
    // IntakePlacer watched, not changed: when each order's deliveries start and end.
    const placer = orders.app.get(IntakePlacer);
    const receive = placer.receive.bind(placer);
    const calls: string[] = [];
    const watch = jest.spyOn(placer, 'receive').mockImplementation(async (shopId, source, ref, updatedAt, order, options) => {
      calls.push(`${ref} ${updatedAt} start`);
      try {
        return await receive(shopId, source, ref, updatedAt, order, options);
      } finally {
        calls.push(`${ref} ${updatedAt} end`);
      }
    });
    const sent: Array<{ ref: string; create: string; update: string }> = [];
    try {
      for (let i = 0; i < ORDERS; i++) {
        const create = await sendShopify({ topic: 'orders/create', order: snapshot(first + i, CREATED, '13:00 - 15:00') });
        const update = await sendShopify({ topic: 'orders/updated', order: snapshot(first + i, UPDATED, '16:00 - 18:00') });
        expect([create.status, update.status]).toEqual([200, 200]);
        sent.push({ ref: String(first + i), create: create.body.deliveryId as string, update: update.body.deliveryId as string });
      }
      holdOff.mockRestore();
      orders.app.get(IntakeDeliveryWorker).nudge();

      const database = orders.app.get(DataSource);
      const rows = await eventually(async () => {
        const found = await database.query<Array<{ delivery_id: string; state: string; outcome: string; order_id: string; attempts: number }>>(
          `SELECT delivery_id, state, outcome, order_id, attempts FROM intake_deliveries WHERE delivery_id = ANY($1)`,
          [sent.flatMap((s) => [s.create, s.update])],
        );
        expect(found.filter((d) => d.state === 'processed')).toHaveLength(2 * ORDERS);
        return new Map(found.map((d) => [d.delivery_id, d]));
      }, 60_000);
      // One order's deliveries one after another, in the order received.
      for (const { ref } of sent) {
        expect(calls.filter((call) => call.startsWith(`${ref} `))).toEqual([
          `${ref} ${CREATED} start`,
          `${ref} ${CREATED} end`,
          `${ref} ${UPDATED} start`,
          `${ref} ${UPDATED} end`,
        ]);
      }
      // Each delivery claimed once; each create placed an order its update changed.
      for (const { create, update } of sent) {
        expect(rows.get(create)).toMatchObject({ outcome: 'placed', attempts: 1 });
        expect(rows.get(update)).toMatchObject({ outcome: 'updated', attempts: 1, order_id: rows.get(create)!.order_id });
      }
      const orderIds = sent.map((s) => rows.get(s.create)!.order_id);
      expect(new Set(orderIds).size).toBe(ORDERS);
      const [intake] = await database.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM intake_orders WHERE shop_id = $1 AND external_ref = ANY($2)`, [
        shop,
        sent.map((s) => s.ref),
      ]);
      expect(Number(intake.n)).toBe(ORDERS);
      const logged = await database.query<Array<{ types: string[] }>>(
        `SELECT array_agg(type ORDER BY stream_version) AS types FROM events WHERE stream_id = ANY($1) GROUP BY stream_id`,
        [orderIds.map(orderStream)],
      );
      expect(logged).toHaveLength(ORDERS);
      for (const { types } of logged) expect(types).toEqual(['OrderPlaced', 'DeliveryWindowChanged']);
    } finally {
      holdOff.mockRestore();
      watch.mockRestore();
    }
  });

  it('cancels the order when Shopify says orders/cancelled', async () => {
    const id = Date.now();
    const created = await sendShopify({ topic: 'orders/create', order: shopifyOrder(id, valentines) });
    const { orderId } = await outcomeOf(shopifyConnection, created.body.deliveryId);
    const cancel = shopifyOrder(id, valentines, {
      updated_at: '2026-02-10T13:00:00+01:00',
      cancelled_at: '2026-02-10T13:00:00+01:00',
      cancel_reason: 'customer',
    });
    const sent = await sendShopify({ topic: 'orders/cancelled', order: cancel });
    expect(await outcomeOf(shopifyConnection, sent.body.deliveryId)).toMatchObject({ outcome: 'cancelled', orderId });
    expect((await call('GET', `/orders/${orderId}`)).body.status).toBe('cancelled');
  });

  it('holds an order without a delivery date for staff, alerts them live, and places it once they give the window', async () => {
    const id = Date.now();
    const undated = shopifyOrder(id, valentines, { note_attributes: [{ name: 'Checkout-Method', value: 'delivery' }] });
    const events = await loggedEvents();
    const sent = await sendShopify({ topic: 'orders/create', order: undated });
    const delivery = await outcomeOf(shopifyConnection, sent.body.deliveryId);
    expect(delivery).toMatchObject({ outcome: 'needs_attention', reason: 'missing_delivery_date', intakeId: expect.any(String) });
    expect(delivery.orderId).toBeUndefined();

    const alert = await staff.heard('IntakeOrderNeedsAttention', (data) => data.intakeId === delivery.intakeId);
    expect(alert).toMatchObject({ audience: `staff:${shop}`, critical: true });
    expect(alert.data).toMatchObject({ shopId: shop, source: `shopify:${shopDomain}`, externalRef: String(id), reason: 'missing_delivery_date' });
    // No personal data goes out with the alert: staff open the held order through the API.
    expect(JSON.stringify(alert.data)).not.toContain('Alex');
    expect(await loggedEvents()).toBe(events + 1);

    const held = await call('GET', '/intake/attention');
    expect(held.body.items).toContainEqual(
      expect.objectContaining({
        intakeId: delivery.intakeId,
        reason: 'missing_delivery_date',
        summary: expect.objectContaining({ recipientName: 'Alex Recipient', items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }] }),
      }),
    );

    const window = { from: `${valentines}T10:00:00+01:00`, to: `${valentines}T12:00:00+01:00`, timeZone: 'Europe/Amsterdam' };
    const placed = await call('POST', `/intake/attention/${delivery.intakeId}/place`, { deliveryWindow: window });
    expect(placed).toMatchObject({ status: 201, body: { outcome: 'placed', intakeId: delivery.intakeId, orderId: expect.any(String) } });
    expect((await call('GET', `/orders/${placed.body.orderId}`)).body).toMatchObject({ deliveryWindow: window, recipient: { name: 'Alex Recipient' } });
    await staff.heard('IntakeOrderResolved', (data) => data.intakeId === delivery.intakeId && data.resolution === 'placed');
    const after = await call('GET', '/intake/attention');
    expect((after.body.items as Array<{ intakeId: string }>).map((i) => i.intakeId)).not.toContain(delivery.intakeId);
  });

  it('holds an order without the recipient’s address, with that reason', async () => {
    const sent = await sendShopify({ topic: 'orders/create', order: shopifyOrder(Date.now(), valentines, { shipping_address: null }) });
    const delivery = await outcomeOf(shopifyConnection, sent.body.deliveryId);
    expect(delivery).toMatchObject({ outcome: 'needs_attention', reason: 'missing_address' });
    await staff.heard('IntakeOrderNeedsAttention', (data) => data.intakeId === delivery.intakeId && data.reason === 'missing_address');
  });

  it('answers a store nobody connected 404, and stores nothing', async () => {
    const deliveries = await storedDeliveries();
    const sent = await sendShopify({ shopDomain: 'nobody-here.myshopify.com', topic: 'orders/create', order: shopifyOrder(Date.now(), valentines) });
    expect(sent).toMatchObject({ status: 404, body: { code: 'SHOP_NOT_CONNECTED' } });
    const woo = await sendWooCommerce(`${orders.url}/intake/woocommerce/webhooks/${randomUUID()}`, {
      secret: wooSecret,
      topic: 'order.created',
      order: publishedWooOrder(),
      siteUrl,
    });
    expect(woo.status).toBe(404);
    expect(await storedDeliveries()).toBe(deliveries);
  });

  it('takes a large order above the service’s usual body limit, and refuses an oversized delivery with 413 before reading it', async () => {
    // A big order (a long note, many lines) is still an order: webhooks have a limit of their own, above HTTP_BODY_LIMIT_BYTES.
    const large = shopifyOrder(Date.now(), valentines, { note: 'x'.repeat(orders.config.HTTP_BODY_LIMIT_BYTES + 1024) });
    const taken = await sendShopify({ topic: 'orders/create', order: large });
    expect(taken.status).toBe(200);
    expect((await outcomeOf(shopifyConnection, taken.body.deliveryId)).outcome).toBe('placed');
    const deliveries = await storedDeliveries();
    const huge = shopifyOrder(Date.now(), valentines, { note: 'x'.repeat(orders.config.ORDERS_INTAKE_WEBHOOK_MAX_BYTES) });
    const sent = await sendShopify({ topic: 'orders/create', order: huge });
    expect(sent).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await storedDeliveries()).toBe(deliveries);
  });

  it('after a rotation, accepts the new secret and, during the grace, the previous one; the test sends a signed sample that places nothing', async () => {
    const rotated = await call('POST', `/intake/connections/${shopifyConnection}/secret/rotate`);
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.webhookSecret as string;
    expect(rotated.body.connection).toMatchObject({ secretHint: `…${newSecret.slice(-4)}`, previousSecretValidUntil: expect.any(String) });
    expect(JSON.stringify((await call('GET', '/intake/connections')).body)).not.toContain(newSecret);

    const withNew = await sendShopify({ secret: newSecret, topic: 'orders/create', order: shopifyOrder(Date.now(), valentines) });
    expect(withNew.status).toBe(200);
    const withOld = await sendShopify({ secret: SHOPIFY_SECRET, topic: 'orders/create', order: shopifyOrder(Date.now() + 1, valentines) });
    expect(withOld.status).toBe(200);

    expect((await outcomeOf(shopifyConnection, withNew.body.deliveryId)).outcome).toBe('placed');
    expect((await outcomeOf(shopifyConnection, withOld.body.deliveryId)).outcome).toBe('placed');

    const events = await loggedEvents();
    const tested = await call('POST', `/intake/connections/${shopifyConnection}/test`);
    expect(tested).toMatchObject({ status: 200, body: { delivery: { state: 'processed', outcome: 'tested', reason: 'would be placed' } } });
    expect(await loggedEvents()).toBe(events);
  });

  it('places an order once when two snapshots of it are taken at the same moment (an update racing its create)', async () => {
    const placer = orders.app.get(IntakePlacer);
    const order = IntakeOrderSchema.parse({
      buyer: { name: 'Sam Buyer' },
      recipient: { name: 'Alex Recipient', address: { text: 'Lindenlaan 5, Utrecht' } },
      items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
      deliveryWindow: { from: `${valentines}T13:00:00+01:00`, to: `${valentines}T15:00:00+01:00` },
    });
    const ref = uniqueName('race');
    const results = await Promise.all([
      placer.receive(shop, 'pos:till-1', ref, '2026-02-10T10:00:00Z', order),
      placer.receive(shop, 'pos:till-1', ref, '2026-02-10T10:00:01Z', { ...order, paid: true }),
    ]);
    const orderIds = new Set(results.map((r) => r.orderId).filter(Boolean));
    expect(orderIds.size).toBe(1);
    expect(results.map((r) => r.outcome).sort()).toEqual(expect.arrayContaining(['placed']));
    expect(results.filter((r) => r.outcome === 'placed')).toHaveLength(1);
    const [orderId] = [...orderIds];
    // Whichever came second, the newer snapshot (paid) is what the order holds in the end.
    await eventually(async () => expect((await call('GET', `/orders/${orderId}`)).body.paid).toBe(true));
  });

  it('answers another shop’s staff 404 for this shop’s connection', async () => {
    const other = tokens.sign({ role: 'staff', shopId: uniqueName('shop'), sub: 'mallory' });
    const response = await fetch(`${orders.url}/intake/connections/${shopifyConnection}/deliveries`, { headers: { authorization: `Bearer ${other}` } });
    expect(response.status).toBe(404);
  });
});
