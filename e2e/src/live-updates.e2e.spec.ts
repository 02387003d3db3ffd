import { createOrdersClient } from '@petalpost/api-clients';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, testInfra, uniqueName } from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { WebSocket } from 'ws';

const tokens = developmentTokens();
const roses = {
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  // Next year: an order whose window is over is refused at placement.
  deliveryWindow: { from: `${new Date().getUTCFullYear() + 1}-02-14T13:00:00+01:00`, to: `${new Date().getUTCFullYear() + 1}-02-14T15:00:00+01:00` },
  buyer: { name: 'Sam Buyer' },
  recipient: { name: 'Alex Recipient', address: { text: 'Lindenlaan 3, Utrecht' } },
};
/** The WebSocket close code for a missing or invalid token. */
const CLOSE_UNAUTHENTICATED = 4401;

interface Client {
  socket: WebSocket;
  notifications: Array<{ eventType: string; audience: string; seq: number; data: { orderId: string } }>;
}

/**
 * The thin path through the whole system, each service its own process as `npm start` runs it:
 * order placed over HTTP → orders' event log → relay → orders.events → notifications → WebSocket.
 */
describe('live order updates (orders → Kafka → notifications)', () => {
  let orders: ServiceProcess;
  let notifications: ServiceProcess;
  let namespace: string;
  const clients: Client[] = [];

  const connect = async (principal: Principal): Promise<Client> => {
    // As a browser does: the token is the first message, never in the URL.
    const socket = new WebSocket(`${notifications.url.replace('http', 'ws')}/ws`);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: tokens.sign(principal) })));
    const client: Client = { socket, notifications: [] };
    let welcomed = false;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type === 'welcome') welcomed = true;
      if (message.type === 'notification') client.notifications.push(message);
    });
    clients.push(client);
    await eventually(() => expect(welcomed).toBe(true));
    return client;
  };
  const placeOrder = async (shopId: string): Promise<string> => {
    const staff = createOrdersClient(orders.url, { token: tokens.sign({ role: 'staff', shopId, sub: 'alice' }) });
    const { data, response } = await staff.POST('/orders', { body: roses });
    expect(response.status).toBe(201);
    return data!.orderId;
  };
  const heard = (client: Client, orderId: string) => client.notifications.some((n) => n.data.orderId === orderId);

  beforeAll(async () => {
    namespace = await createTestNamespace();
    [orders, notifications] = await Promise.all([
      startServiceProcess('orders', { KAFKA_NAMESPACE: namespace }),
      startServiceProcess('notifications', { KAFKA_NAMESPACE: namespace }),
    ]);
  });
  afterAll(async () => {
    for (const client of clients) client.socket.close();
    await Promise.all([orders?.stop(), notifications?.stop()]);
  });

  it('pushes a new order to the connected staff of its shop', async () => {
    const shop = uniqueName('shop');
    const staff = await connect({ role: 'staff', shopId: shop, sub: 'alice' });
    const orderId = await placeOrder(shop);
    const pushed = await eventually(() => {
      const notification = staff.notifications.find((n) => n.data.orderId === orderId);
      expect(notification).toBeDefined();
      return notification!;
    });
    expect(pushed).toMatchObject({ eventType: 'OrderPlaced', audience: `shop:${shop}`, seq: 1 });
  });

  it('tells nobody of another shop about it', async () => {
    const shop = uniqueName('shop');
    const otherShop = uniqueName('shop');
    const ownStaff = await connect({ role: 'staff', shopId: shop, sub: 'alice' });
    const otherStaff = await connect({ role: 'staff', shopId: otherShop, sub: 'bob' });
    const otherDispatcher = await connect({ role: 'dispatcher', shopId: otherShop, sub: 'carol' });
    const operator = await connect({ role: 'operator', sub: 'olga' });
    const ours = await placeOrder(shop);
    await eventually(() => expect(heard(ownStaff, ours) && heard(operator, ours)).toBe(true));
    // Their own shop's next order reaches them after ours was written: had ours been theirs, it would be there by now.
    const theirs = await placeOrder(otherShop);
    await eventually(() => expect(heard(otherStaff, theirs) && heard(otherDispatcher, theirs)).toBe(true));
    expect(heard(otherStaff, ours)).toBe(false);
    expect(heard(otherDispatcher, ours)).toBe(false);
    expect(heard(ownStaff, theirs)).toBe(false);
  });

  it('parks poison messages on the dead-letter topic and keeps every partition flowing', async () => {
    const kafka = new Kafka({ brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const poison = [
      { value: 'this is not JSON' },
      { value: JSON.stringify({ hello: 'not an event envelope' }) },
      {
        value: JSON.stringify({
          eventId: '00000000-0000-4000-8000-000000000000',
          type: 'OrderPlaced',
          schemaVersion: 1,
          streamId: 'order-x',
          streamVersion: 1,
          shopId: 's',
          data: { orderId: 'x' },
          metadata: { correlationId: 'c', occurredAt: '2026-02-14T10:00:00Z' },
        }),
      },
    ];
    // The same three on every partition, ahead of the next real order wherever it lands.
    await producer.send({ topic: `${namespace}.orders.events`, messages: [0, 1, 2].flatMap((partition) => poison.map((m) => ({ ...m, partition }))) });
    await producer.disconnect();

    const shop = uniqueName('shop');
    const staff = await connect({ role: 'staff', shopId: shop, sub: 'alice' });
    const orderId = await placeOrder(shop);
    await eventually(() => expect(heard(staff, orderId)).toBe(true));

    const dlq: Array<{ error: string; topic: string }> = [];
    const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
    await consumer.subscribe({ topic: `${namespace}.petalpost.notifications.push.dlq`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void dlq.push({ error: String(message.headers?.['dlq-error']), topic: String(message.headers?.['dlq-original-topic']) }),
    });
    try {
      await eventually(() => expect(dlq).toHaveLength(9));
      expect(dlq.every((m) => m.topic === `${namespace}.orders.events`)).toBe(true);
      expect(dlq.filter((m) => /not JSON/.test(m.error))).toHaveLength(3);
      expect(dlq.filter((m) => /envelope/.test(m.error))).toHaveLength(3);
      expect(dlq.filter((m) => /violates its schema/.test(m.error))).toHaveLength(3);
    } finally {
      await consumer.disconnect();
    }
  });

  it('closes a connection that has no valid token', async () => {
    const socket = new WebSocket(`${notifications.url.replace('http', 'ws')}/ws`);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: 'forged' })));
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(CLOSE_UNAUTHENTICATED);
  });
});
