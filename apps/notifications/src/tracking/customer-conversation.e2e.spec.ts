import { randomUUID } from 'node:crypto';
import type { Principal } from '@petalpost/auth';
import { TOPICS } from '@petalpost/contracts';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, uniqueName } from '@petalpost/testing';
import { LiveClient, newOrder, type Notifications, relayStandIn, type Relay, startNotifications, tokens } from '../notifications.fixture';
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

  const mintLink = (orderId: string, staff: Principal) =>
    eventually(async () => {
      const response = await fetch(`${service.url}/orders/${orderId}/tracking-link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.sign(staff)}` },
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { url: string }).url;
    }, 30_000);
  const sendFrom = (url: string, text: string) =>
    fetch(`${url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });

  /** An order both services know: its conversation open in messaging, its tracking link minted. */
  const trackedConversation = async () => {
    const shopId = uniqueName('shop');
    const order = newOrder(shopId);
    await relay.orders(order.placed());
    const staff: Principal = { role: 'staff', shopId, sub: 'alice' };
    await eventually(async () => expect((await call('GET', `/conversations/${order.orderId}`, staff)).status).toBe(200), 30_000);
    const url = await mintLink(order.orderId, staff);
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

  it('holds each link to its own limit, and the order to messaging’s: 429 with Retry-After, and the refused message goes nowhere', async () => {
    const { orderId, staff, url } = await trackedConversation();
    for (let i = 1; i <= 5; i++) expect((await sendFrom(url, `Are they coming? (${i})`)).status).toBe(201);
    // A handful a minute per link.
    const perLink = await sendFrom(url, 'Hello??');
    expect(perLink.status).toBe(429);
    expect(await perLink.json()).toMatchObject({ code: 'MESSAGE_RATE_LIMITED', details: { posts: 5, perSeconds: 60 } });
    expect(Number(perLink.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(perLink.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    // Another link of the order has its own handful; the order as a whole, messaging's ten.
    const second = await mintLink(orderId, staff);
    for (let i = 6; i <= 10; i++) expect((await sendFrom(second, `Are they coming? (${i})`)).status).toBe(201);
    const third = await mintLink(orderId, staff);
    const perOrder = await sendFrom(third, 'Anyone?');
    expect(perOrder.status).toBe(429);
    expect(await perOrder.json()).toMatchObject({ code: 'MESSAGE_RATE_LIMITED', details: { posts: 10, perSeconds: 60 } });
    expect(Number(perOrder.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    await eventually(async () => expect(await channelMessages(orderId, staff)).toHaveLength(10), 30_000);
    const shown = (await pageState(url)).messages.map((m) => m.text);
    expect(shown).not.toContain('Hello??');
    expect(shown).not.toContain('Anyone?');
  });

  it('never raises a critical alert from what a customer writes: "@staff" reaches the shop as an ordinary message', async () => {
    const { orderId, shopId, staff, url } = await trackedConversation();
    const alice = await LiveClient.connect(service, staff);
    const florist = await LiveClient.connect(service, { role: 'florist', shopId, sub: 'fay' });
    try {
      expect((await sendFrom(url, '@staff @alice @florist @fay URGENT, call me NOW')).status).toBe(201);
      const posted = await eventually(() => {
        const frames = alice.notifications().filter((f) => f.eventType === 'MessagePosted' && (f.data as { text?: string }).text?.includes('URGENT'));
        expect(frames).not.toHaveLength(0);
        return frames;
      }, 30_000);
      // Once, in the staff's inbox of the customer channel, as an ordinary message: no mention inbox, nothing to acknowledge.
      expect(posted).toEqual([expect.objectContaining({ audience: `staff:${shopId}`, critical: false })]);
      expect(posted[0].data).toMatchObject({ orderId, author: { role: 'customer' }, mentions: [], mentionRefs: [] });
      // A later message of the shop's own, to know the customer's was handled before it.
      expect((await call('POST', `/conversations/${orderId}/channels/internal/messages`, staff, { text: 'Noted, @florist' })).status).toBe(201);
      await eventually(() => expect(florist.notifications().some((f) => (f.data as { text?: string }).text === 'Noted, @florist')).toBe(true), 30_000);
      expect(florist.notifications().filter((f) => (f.data as { text?: string }).text?.includes('URGENT'))).toEqual([]);
      expect([...alice.frames, ...florist.frames].filter((f) => f.critical && (f.data as { text?: string } | undefined)?.text?.includes('URGENT'))).toEqual([]);
    } finally {
      await Promise.all([alice.close(), florist.close()]);
    }
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
