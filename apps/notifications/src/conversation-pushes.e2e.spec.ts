import { randomUUID } from 'node:crypto';
import type { Principal } from '@petalpost/auth';
import { type IntegrationEvent, TOPICS } from '@petalpost/contracts';
import { createTestNamespace, customerTokenForgery, eventually, type ServiceProcess, startServiceProcess, uniqueName } from '@petalpost/testing';
import {
  type Frame,
  LiveClient,
  newOrder,
  type Notifications,
  refusedSocket,
  relayStandIn,
  type Relay,
  startNotifications,
  tokens,
  waitUntilConsuming,
} from './notifications.fixture';

/**
 * What is said in an order's conversation reaches exactly those who may read its channel: the real
 * messaging service (its own process, as `npm start` runs it) publishes on messaging.events, this
 * service routes it, and each party's app hears it over a real WebSocket.
 */
describe('conversation messages, pushed by channel (messaging → Kafka → notifications)', () => {
  let service: Notifications;
  let messaging: ServiceProcess;
  let relay: Relay;
  const clients: LiveClient[] = [];

  const call = async (method: string, path: string, principal: Principal, body?: unknown) => {
    const response = await fetch(`${messaging.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.sign(principal)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const say = async (orderId: string, channel: 'internal' | 'customer', author: Principal, text: string): Promise<string> => {
    const { status, body } = await call('POST', `/conversations/${orderId}/channels/${channel}/messages`, author, { text });
    expect({ status, code: body.code }).toEqual({ status: 201, code: undefined });
    return body.messageId as string;
  };
  const connect = async (principal: Principal) => {
    const client = await LiveClient.connect(service, principal);
    clients.push(client);
    return client;
  };
  const framesOf = (client: LiveClient, messageId: string): Frame[] => client.notifications().filter((f) => f.data?.messageId === messageId);

  /**
   * An order of `shop` whose conversation messaging holds, with `riderId` taking part, and whose
   * events this service has routed: its desk hears of its placing, and a client connected
   * before that is done would hear it too, ahead of anything said in its conversation.
   */
  const conversationOf = async (shop: string, riderId: string) => {
    const order = newOrder(shop);
    const staff: Principal = { role: 'staff', shopId: shop, sub: 'alice' };
    const desk = await LiveClient.connect(service, staff);
    try {
      const [placed, assigned] = [order.placed(), order.assigned(riderId)];
      await relay.orders(placed, assigned);
      await eventually(
        async () => expect(await call('GET', `/conversations/${order.orderId}`, staff)).toMatchObject({ status: 200, body: { riderId } }),
        10_000,
      );
      // One order's events share a partition: once its assignment is routed, its placing was too.
      await eventually(() => expect(desk.eventIds()).toContain(assigned.eventId), 10_000);
    } finally {
      await desk.close();
    }
    return order;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    [service, messaging] = await Promise.all([startNotifications(namespace), startServiceProcess('messaging', { KAFKA_NAMESPACE: namespace })]);
    relay = await relayStandIn(namespace);
    await waitUntilConsuming(service, relay);
    await untilMessagingConsumesOrders();
    await untilConsumingMessagingEvents();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await relay?.disconnect();
    await Promise.all([messaging?.stop(), service?.app.close()]);
  });

  /** Messaging's new consumer group starts at the end of orders.events: place orders until it opens a conversation. */
  async function untilMessagingConsumesOrders(): Promise<void> {
    const shop = uniqueName('probe');
    await eventually(async () => {
      const order = newOrder(shop);
      await relay.orders(order.placed());
      await eventually(
        async () => expect((await call('GET', `/conversations/${order.orderId}`, { role: 'staff', shopId: shop, sub: 'probe' })).status).toBe(200),
        2_000,
      );
    }, 30_000);
  }

  /** Ours starts at the end of messaging.events as well: probe each partition until an operator hears it. */
  async function untilConsumingMessagingEvents(): Promise<void> {
    const operator = await LiveClient.connect(service, { role: 'operator', sub: 'probe' });
    try {
      for (let partition = 0; partition < TOPICS.messagingEvents.partitions; partition++) {
        await eventually(async () => {
          const probe = conversationOpened(uniqueName('probe'));
          await relay.raw(TOPICS.messagingEvents.name, [{ key: probe.streamId, value: JSON.stringify(probe), partition }]);
          await eventually(() => expect(operator.eventIds()).toContain(probe.eventId), 2_000);
        }, 30_000);
      }
    } finally {
      await operator.close();
    }
  }

  it('tells staff of the customer channel and keeps it from dispatchers, florists and riders; a customer token hears nothing', async () => {
    const shop = uniqueName('shop');
    const order = await conversationOf(shop, 'li');
    const staffPrincipal: Principal = { role: 'staff', shopId: shop, sub: 'alice' };
    const [staff, dispatcher, florist, rider] = await Promise.all([
      connect(staffPrincipal),
      connect({ role: 'dispatcher', shopId: shop, sub: 'carol' }),
      connect({ role: 'florist', shopId: shop, sub: 'fay' }),
      connect({ role: 'rider', shopId: shop, sub: 'li' }),
    ]);

    // One order's messages share a partition: each is routed after the one before it.
    const internal = await say(order.orderId, 'internal', staffPrincipal, 'Ribbon in the shop colours, please');
    const toCustomer = await say(order.orderId, 'customer', staffPrincipal, 'Your roses leave the shop at 13:00');
    const after = await say(order.orderId, 'internal', staffPrincipal, 'Packed');

    await eventually(() => {
      for (const insider of [dispatcher, florist, rider]) expect(framesOf(insider, after)).toHaveLength(1);
      expect(framesOf(staff, after)).toHaveLength(1);
    });
    const [heard] = framesOf(staff, toCustomer);
    expect(framesOf(staff, toCustomer)).toHaveLength(1);
    expect(heard).toMatchObject({
      eventType: 'MessagePosted',
      audience: `staff:${shop}`,
      critical: false,
      data: { channel: 'customer', text: 'Your roses leave the shop at 13:00' },
    });
    expect(heard.data).not.toHaveProperty('riderId');

    // Routed before what they did hear: had it been theirs, it would be there by now.
    for (const insider of [dispatcher, florist, rider]) {
      expect(framesOf(insider, toCustomer)).toEqual([]);
      expect(framesOf(insider, internal)).toHaveLength(1);
    }
    expect(framesOf(rider, internal)).toEqual([expect.objectContaining({ audience: `rider:${shop}:li`, data: expect.objectContaining({ riderId: 'li' }) })]);
    // The customer reads the customer channel on the tracking page; a customer token (what a tracking link used to carry) is refused.
    expect(await refusedSocket(service, customerTokenForgery(order.orderId))).toEqual({ code: 4401, frames: [] });
    expect(await refusedSocket(service, customerTokenForgery(randomUUID()))).toEqual({ code: 4401, frames: [] });
  });

  it('tells every florist of the shop of an @florist as a critical notification, and nobody of another role', async () => {
    const shop = uniqueName('shop');
    const order = await conversationOf(shop, 'li');
    const staffPrincipal: Principal = { role: 'staff', shopId: shop, sub: 'alice' };
    const [fay, gus, dispatcher, floristElsewhere] = await Promise.all([
      connect({ role: 'florist', shopId: shop, sub: 'fay' }),
      connect({ role: 'florist', shopId: shop, sub: 'gus' }),
      connect({ role: 'dispatcher', shopId: shop, sub: 'carol' }),
      connect({ role: 'florist', shopId: uniqueName('shop'), sub: 'fay' }),
    ]);

    const asked = await say(order.orderId, 'internal', staffPrincipal, '@florist is the ribbon on?');

    for (const florist of [fay, gus]) {
      const frames = await eventually(() => {
        expect(framesOf(florist, asked)).toHaveLength(2);
        return framesOf(florist, asked);
      });
      // As a person's @mention: its own inbox, critical, alerting — and the channel's copy as usual.
      expect(frames.find((f) => f.audience === `role:${shop}:florist`)).toMatchObject({
        eventType: 'MessagePosted',
        critical: true,
        alert: true,
        data: { channel: 'internal', text: '@florist is the ribbon on?', mentionRefs: [{ kind: 'role', role: 'florist' }] },
      });
      expect(frames.find((f) => f.audience === `florist:${shop}`)).toMatchObject({ critical: false });
    }
    await eventually(() => expect(framesOf(dispatcher, asked)).toHaveLength(1));
    expect(framesOf(dispatcher, asked)).toEqual([expect.objectContaining({ audience: `shop:${shop}`, critical: false })]);
    expect(framesOf(floristElsewhere, asked)).toEqual([]);

    // Acknowledged like a person's mention: the re-sends stop for whoever did.
    const [mention] = framesOf(fay, asked).filter((f) => f.critical);
    fay.send({ type: 'ack', audience: mention.audience, seq: mention.seq });
    await eventually(() => expect(fay.of('acked')).toEqual([{ type: 'acked', audience: mention.audience, seq: mention.seq }]));
  });

  it("tells every rider of the shop what is said in the shop's channels, and the rider @mentioned as critical; no rider of another shop", async () => {
    const shop = uniqueName('shop');
    const staffPrincipal: Principal = { role: 'staff', shopId: shop, sub: 'alice' };
    const li: Principal = { role: 'rider', shopId: shop, sub: 'li' };
    const opened = await call('POST', `/shops/${shop}/channels`, staffPrincipal, { name: 'Riders' });
    const channelId = opened.body.channelId as string;
    const [liApp, moApp, florist, elsewhere] = await Promise.all([
      connect(li),
      connect({ role: 'rider', shopId: shop, sub: 'mo' }),
      connect({ role: 'florist', shopId: shop, sub: 'fay' }),
      connect({ role: 'rider', shopId: uniqueName('shop'), sub: 'mo' }),
    ]);
    const post = async (author: Principal, text: string) => {
      const { status, body } = await call('POST', `/shops/${shop}/channels/${channelId}/messages`, author, { text });
      expect(status).toBe(201);
      return body.messageId as string;
    };
    const flat = await post(li, 'Flat tyre at the bridge, 20 minutes late');
    const answer = await post(staffPrincipal, '@li I am sending Mo');

    // One channel's messages share a partition: the answer is routed after the rider's message.
    await eventually(() => {
      expect(framesOf(moApp, answer)).toHaveLength(1);
      expect(framesOf(liApp, answer)).toHaveLength(2);
    });
    expect(framesOf(moApp, flat)).toEqual([
      expect.objectContaining({
        eventType: 'ShopChannelMessagePosted',
        audience: `riders:${shop}`,
        critical: false,
        data: expect.objectContaining({ text: 'Flat tyre at the bridge, 20 minutes late' }),
      }),
    ]);
    expect(
      framesOf(liApp, answer)
        .map((f) => [f.audience, f.critical])
        .sort(),
    ).toEqual([
      [`person:${shop}:li`, true],
      [`riders:${shop}`, false],
    ]);
    expect(framesOf(florist, flat)).toEqual([]);
    expect(framesOf(elsewhere, flat)).toEqual([]);
    expect(framesOf(elsewhere, answer)).toEqual([]);
  });

  it('tells the rider who reported an exception that the shop acknowledged it and what it decided; no other rider', async () => {
    const shop = uniqueName('shop');
    const order = await conversationOf(shop, 'li');
    const li: Principal = { role: 'rider', shopId: shop, sub: 'li' };
    const staffPrincipal: Principal = { role: 'staff', shopId: shop, sub: 'alice' };
    const [liApp, moApp] = await Promise.all([connect(li), connect({ role: 'rider', shopId: shop, sub: 'mo' })]);
    const reported = await eventually(async () => {
      const answer = await call('POST', `/orders/${order.orderId}/exceptions`, li, {
        details: { type: 'recipient_absent', note: 'Nobody answers the bell' },
        position: { lat: 52.09, lng: 5.12 },
      });
      expect(answer.status).toBe(201);
      return answer.body;
    });
    const exceptionId = reported.exceptionId as string;
    expect((await call('POST', `/exceptions/${exceptionId}/acknowledge`, staffPrincipal, {})).status).toBe(200);
    expect((await call('POST', `/exceptions/${exceptionId}/resolve`, staffPrincipal, { outcome: 'redelivered', note: 'Try the neighbour at 5' })).status).toBe(
      200,
    );

    const ofReport = (client: LiveClient) => client.notifications().filter((f) => f.data?.exceptionId === exceptionId);
    await eventually(() => expect(ofReport(liApp).map((f) => f.eventType)).toEqual(['ExceptionReported', 'ExceptionAcknowledged', 'ExceptionResolved']));
    expect(ofReport(liApp)[1]).toMatchObject({ audience: `rider:${shop}:li`, data: { acknowledgedBy: { role: 'staff', subject: 'alice' }, riderId: 'li' } });
    expect(ofReport(liApp)[2]).toMatchObject({ audience: `rider:${shop}:li`, data: { outcome: 'redelivered', note: 'Try the neighbour at 5' } });
    expect(ofReport(moApp)).toEqual([]);
  });

  it('tells the rider taking part that an internal message was recalled', async () => {
    const shop = uniqueName('shop');
    const order = await conversationOf(shop, 'li');
    const staffPrincipal: Principal = { role: 'staff', shopId: shop, sub: 'alice' };
    const rider = await connect({ role: 'rider', shopId: shop, sub: 'li' });
    const said = await say(order.orderId, 'internal', staffPrincipal, 'Use the back door');
    const { status } = await call('POST', `/conversations/${order.orderId}/channels/internal/messages/${said}/recall`, staffPrincipal);
    expect(status).toBe(200);
    await eventually(() => expect(framesOf(rider, said).map((f) => f.eventType)).toEqual(['MessagePosted', 'MessageRecalled']));
    expect(framesOf(rider, said)[1]).toMatchObject({ audience: `rider:${shop}:li`, data: { channel: 'internal', riderId: 'li' } });
  });
});

/** A conversation's first event as the messaging relay publishes it. */
function conversationOpened(shopId: string): IntegrationEvent {
  const orderId = randomUUID();
  const occurredAt = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'ConversationOpened',
    schemaVersion: 1,
    streamId: `conversation-${orderId}`,
    streamVersion: 1,
    shopId,
    data: { orderId, shopId, channels: ['internal', 'customer'], openedAt: occurredAt },
    metadata: { correlationId: randomUUID(), occurredAt },
  };
}
