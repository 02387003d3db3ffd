import { randomUUID } from 'node:crypto';
import type { Principal } from '@petalpost/auth';
import { TOPICS } from '@petalpost/contracts';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, uniqueName } from '@petalpost/testing';
import { newOrder, type Notifications, relayStandIn, type Relay, startNotifications, tokens } from '../notifications.fixture';
import { commandOf } from './customer-message-outbox';

type ChannelMessage = { messageId: string; text: string; author: { role: string; subject: string } | null };
type PageView = { messages: Array<{ from: string; text: string; sentAt: string }> };

/**
 * The customer's two message boxes are one: what they write on the tracking page reaches the
 * order's customer channel in the real messaging service (its own process) over messaging.commands,
 * and what the shop answers there comes back to the page over messaging.events.
 */
describe('tracking page ↔ customer channel (notifications → Kafka → messaging and back)', () => {
  let service: Notifications;
  let messaging: ServiceProcess;
  let relay: Relay;

  const call = async (method: string, path: string, principal: Principal, body?: unknown) => {
    const response = await fetch(`${messaging.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.sign(principal)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const channelMessages = async (orderId: string, staff: Principal) => {
    const { status, body } = await call('GET', `/conversations/${orderId}/channels/customer/messages?limit=200`, staff);
    expect(status).toBe(200);
    return body.items as ChannelMessage[];
  };
  const pageState = async (url: string) => (await (await fetch(`${url}/state`)).json()) as PageView;

  /** An order both services know: its conversation open in messaging, its tracking link minted. */
  const trackedConversation = async () => {
    const shopId = uniqueName('shop');
    const order = newOrder(shopId);
    await relay.orders(order.placed());
    const staff: Principal = { role: 'staff', shopId, sub: 'alice' };
    await eventually(async () => expect((await call('GET', `/conversations/${order.orderId}`, staff)).status).toBe(200), 30_000);
    const { url } = await eventually(async () => {
      const response = await fetch(`${service.url}/orders/${order.orderId}/tracking-link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.sign(staff)}` },
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { url: string };
    }, 30_000);
    return { orderId: order.orderId, shopId, staff, url };
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    [service, messaging] = await Promise.all([startNotifications(namespace), startServiceProcess('messaging', { KAFKA_NAMESPACE: namespace })]);
    relay = await relayStandIn(namespace);
  }, 120_000);
  afterAll(async () => {
    await relay?.disconnect();
    await Promise.all([messaging?.stop(), service?.app.close()]);
  });

  it('posts what the customer types on the page in the customer channel, and shows the shop’s answer on the page but never an internal message', async () => {
    const { orderId, staff, url } = await trackedConversation();

    const sent = await fetch(`${url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Could the rider ring twice?' }),
    });
    expect(sent.status).toBe(201);

    // Staff read it in messaging's customer channel, written by the order's customer.
    const [posted] = await eventually(async () => {
      const items = (await channelMessages(orderId, staff)).filter((m) => m.text === 'Could the rider ring twice?');
      expect(items).toHaveLength(1);
      return items;
    }, 30_000);
    expect(posted.author).toEqual({ role: 'customer', subject: `tracking-link:${orderId}` });

    // Staff answer in the customer channel, and say something in the internal one.
    expect(
      (await call('POST', `/conversations/${orderId}/channels/internal/messages`, staff, { text: 'Internal: the customer is picky about bells' })).status,
    ).toBe(201);
    expect((await call('POST', `/conversations/${orderId}/channels/customer/messages`, staff, { text: 'We will ring twice.' })).status).toBe(201);

    const view = await eventually(async () => {
      const state = await pageState(url);
      expect(state.messages.map((m) => [m.from, m.text])).toEqual([
        ['customer', 'Could the rider ring twice?'],
        ['shop', 'We will ring twice.'],
      ]);
      return state;
    }, 30_000);
    // The page never learns who at the shop answered, nor anything of the internal channel.
    const raw = JSON.stringify(view);
    expect(raw).not.toContain('alice');
    expect(raw).not.toContain('picky');
  });

  it('applies a command sent twice once: the command id is the message id', async () => {
    const { orderId, shopId, staff, url } = await trackedConversation();
    const sent = await fetch(`${url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Is there a card?' }),
    });
    expect(sent.status).toBe(201);
    const [posted] = await eventually(async () => {
      const items = (await channelMessages(orderId, staff)).filter((m) => m.text === 'Is there a card?');
      expect(items).toHaveLength(1);
      return items;
    }, 30_000);

    // The same command again, as a retry after a lost acknowledgement would send it.
    const again = commandOf({ messageId: posted.messageId, orderId, shopId, text: 'Is there a card?', sentAt: new Date().toISOString() });
    await relay.raw(TOPICS.messagingCommands.name, [{ key: orderId, value: JSON.stringify(again.value) }]);
    // A later message, to know the repeated one was handled before it.
    expect(
      (await fetch(`${url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Thanks!' }) })).status,
    ).toBe(201);
    await eventually(async () => expect((await channelMessages(orderId, staff)).map((m) => m.text)).toContain('Thanks!'), 30_000);
    expect((await channelMessages(orderId, staff)).filter((m) => m.text === 'Is there a card?')).toHaveLength(1);
    expect((await pageState(url)).messages.map((m) => m.text)).toEqual(['Is there a card?', 'Thanks!']);
  });

  it('holds the customer to the posting limit on the page: the eleventh message within a minute is 429 with Retry-After and goes nowhere', async () => {
    const { orderId, staff, url } = await trackedConversation();
    const send = (text: string) =>
      fetch(`${url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    for (let i = 1; i <= 10; i++) expect((await send(`Are they coming? (${i})`)).status).toBe(201);
    const refused = await send('Hello??');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'MESSAGE_RATE_LIMITED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect(await channelMessages(orderId, staff)).toHaveLength(10), 30_000);
    expect((await pageState(url)).messages.map((m) => m.text)).not.toContain('Hello??');
  });

  it('holds commands from the page to the same limit in messaging', async () => {
    const { orderId, shopId, staff } = await trackedConversation();
    const sentAt = new Date().toISOString();
    const commands = Array.from({ length: 11 }, (_, i) => commandOf({ messageId: randomUUID(), orderId, shopId, text: `Flood ${i + 1}`, sentAt }));
    await relay.raw(
      TOPICS.messagingCommands.name,
      commands.map((c) => ({ key: orderId, value: JSON.stringify(c.value) })),
    );
    await eventually(async () => expect(await channelMessages(orderId, staff)).toHaveLength(10), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await channelMessages(orderId, staff)).map((m) => m.text)).not.toContain('Flood 11');
  });
});
