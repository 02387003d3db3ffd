import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, type MessagingCommandMessage, namespaced, TOPICS } from '@petalpost/contracts';
import { commandMetadata, EventStore } from '@petalpost/event-store';
import { commandMessage, EventPublisher } from '@petalpost/kafka';
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
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { MessagingConfig } from '../messaging.config';
import { messagingService } from '../messaging.service';
import { type ConversationEvent, conversationStream } from './domain/conversation.events';
import { ConversationReadPositions1768000000000 } from './projections/conversation-messages/conversation-read-positions.migration';

const tokens = developmentTokens();
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

type Body = Record<string, unknown> & { code?: string; items?: Array<Record<string, unknown>> };

/**
 * Per-order conversations over HTTP, fed by integration events produced to the namespaced
 * orders.events as the orders relay produces them, and published on messaging.events.
 */
describe('conversations (real service, Postgres and Kafka)', () => {
  let service: RunningService<MessagingConfig>;
  let publisher: EventPublisher;
  let ordersTopic: string;
  let namespace: string;
  let probe: Consumer;
  const published: Array<{ key: string; value: IntegrationEvent }> = [];

  const shop = uniqueName('shop');
  const otherShop = uniqueName('shop');
  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
  const florist = as({ role: 'florist', shopId: shop, sub: 'flo' });
  const dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dan' });
  const riderLi = as({ role: 'rider', shopId: shop, sub: 'li' });
  const riderMo = as({ role: 'rider', shopId: shop, sub: 'mo' });
  const operator = as({ role: 'operator', sub: 'olga' });
  const staffElsewhere = as({ role: 'staff', shopId: otherShop, sub: 'bob' });
  const riderElsewhere = as({ role: 'rider', shopId: otherShop, sub: 'li' });

  const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Body, headers: response.headers };
  };
  const messagesOf = (orderId: string, channel: string, token: string) => call('GET', `/conversations/${orderId}/channels/${channel}/messages`, token);
  const say = (orderId: string, channel: string, token: string, body: unknown, headers?: Record<string, string>) =>
    call('POST', `/conversations/${orderId}/channels/${channel}/messages`, token, body, headers);
  const eventsOf = async (orderId: string) =>
    Number((await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`conversation-${orderId}`]))[0].n);

  /** One order's stream on orders.events, each event numbered after the last. */
  const newOrder = (shopId = shop) => {
    const { orderId, ref, next } = orderOnTheWire(shopId);
    return {
      orderId,
      /** What the order's tracking link used to carry: a customer token, which no service takes any more. */
      customer: customerTokenForgery(orderId, `buyer-${orderId.slice(0, 8)}`),
      placed: (placedAt = minutesAgo(180)) => next({ type: 'OrderPlaced', data: rosesPlaced(ref, { placedAt }) }),
      assigned: (riderId: string) => next({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: minutesAgo(170) } }),
      unassigned: (riderId: string) => next({ type: 'RiderUnassigned', data: { ...ref, riderId, unassignedAt: new Date().toISOString() } }),
      pickedUp: (riderId: string) => next({ type: 'OutForDelivery', data: { ...ref, riderId, pickedUpAt: minutesAgo(160) } }),
      delivered: (riderId: string, deliveredAt: string) =>
        next({ type: 'OrderDelivered', data: { ...ref, riderId, outcome: { kind: 'recipient' }, proof: { at: deliveredAt }, receivedBy: null, deliveredAt } }),
    };
  };
  const publish = (...events: IntegrationEvent[]) => publisher.publish(ordersTopic, events);
  /** What a customer writes on the tracking page reaches messaging as the notifications service sends it: a command. */
  const customerWrites = (orderId: string, text: string) => {
    const commandId = randomUUID();
    const command: MessagingCommandMessage<'PostCustomerMessage'> = {
      commandId,
      type: 'PostCustomerMessage',
      schemaVersion: 1,
      orderId,
      shopId: shop,
      data: { text },
      metadata: { correlationId: commandId, actor: { role: 'customer', subject: `tracking-link:${orderId}` }, issuedAt: new Date().toISOString() },
    };
    return publisher.send(namespaced(TOPICS.messagingCommands.name, namespace), [commandMessage(command)]);
  };

  /** An order whose conversation is open, with rider li in it when asked. */
  const conversationWith = async (rider?: string) => {
    const order = newOrder();
    await publish(order.placed(), ...(rider ? [order.assigned(rider)] : []));
    await eventually(async () => {
      const { status, body } = await call('GET', `/conversations/${order.orderId}`, staff);
      expect({ status, riderId: body.riderId }).toEqual({ status: 200, riderId: rider });
    });
    return order;
  };

  beforeAll(async () => {
    namespace = await createTestNamespace();
    ordersTopic = namespaced(TOPICS.ordersEvents.name, namespace);
    service = await startTestService(messagingService, { KAFKA_NAMESPACE: namespace });
    const kafka = new Kafka({ clientId: 'orders-relay-stand-in', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    probe = kafka.consumer({ groupId: uniqueName('probe') });
    await probe.subscribe({ topic: namespaced(TOPICS.messagingEvents.name, namespace), fromBeginning: true });
    await probe.run({
      eachMessage: async ({ message }) => {
        published.push({ key: String(message.key), value: JSON.parse(String(message.value)) as IntegrationEvent });
      },
    });
    // A new group starts at the log's end, which it learns a moment after joining: probe until an order shows.
    await eventually(async () => {
      const order = newOrder();
      await publish(order.placed());
      await eventually(async () => expect((await call('GET', `/conversations/${order.orderId}`, staff)).status).toBe(200), 2_000);
    }, 30_000);
  });
  afterAll(async () => {
    await probe?.disconnect();
    await publisher?.disconnect();
    await service?.app.close();
  });

  it('opens a conversation with two channels for a placed order; an unknown order is 404', async () => {
    const order = await conversationWith();
    const { status, body } = await call('GET', `/conversations/${order.orderId}`, staff);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      orderId: order.orderId,
      shopId: shop,
      channels: [
        { channel: 'internal', unread: 0, canPost: true },
        { channel: 'customer', unread: 0, canPost: true },
      ],
    });
    expect((await call('GET', `/conversations/${randomUUID()}`, staff)).body.code).toBe('CONVERSATION_NOT_FOUND');
    expect((await call('GET', `/conversations/${randomUUID()}`, staff)).status).toBe(404);
    expect((await say(randomUUID(), 'internal', staff, { text: 'hello?' })).status).toBe(404);
    expect((await messagesOf(order.orderId, 'shouting', staff)).status).toBe(404);
  });

  describe('who may read and post in each channel', () => {
    let order: Awaited<ReturnType<typeof conversationWith>>;
    beforeAll(async () => {
      order = await conversationWith('li');
    });
    const otherCustomer = customerTokenForgery(randomUUID(), 'stranger');
    const who: Record<string, () => string> = {
      'staff of the shop': () => staff,
      'florist of the shop': () => florist,
      'dispatcher of the shop': () => dispatcher,
      'the assigned rider': () => riderLi,
      'another rider of the shop': () => riderMo,
      "the order's customer token": () => order.customer,
      "another order's customer token": () => otherCustomer,
      'an operator': () => operator,
      'staff of another shop': () => staffElsewhere,
    };
    // [who, channel, GET messages, POST message]
    const table: Array<[string, 'internal' | 'customer', number, number]> = [
      ['staff of the shop', 'internal', 200, 201],
      ['staff of the shop', 'customer', 200, 201],
      ['florist of the shop', 'internal', 200, 201],
      ['florist of the shop', 'customer', 404, 404],
      ['dispatcher of the shop', 'internal', 200, 201],
      ['dispatcher of the shop', 'customer', 404, 404],
      ['the assigned rider', 'internal', 200, 201],
      ['the assigned rider', 'customer', 404, 404],
      ['another rider of the shop', 'internal', 404, 404],
      ['another rider of the shop', 'customer', 404, 404],
      // A customer reads and writes the customer channel on the tracking page only: a customer token is no token.
      ["the order's customer token", 'customer', 401, 401],
      ["the order's customer token", 'internal', 401, 401],
      ["another order's customer token", 'customer', 401, 401],
      ['an operator', 'internal', 200, 403],
      ['an operator', 'customer', 200, 403],
      ['staff of another shop', 'internal', 404, 404],
      ['staff of another shop', 'customer', 404, 404],
    ];
    it.each(table)('%s, %s channel: reads %i, posts %i', async (person, channel, reads, posts) => {
      const token = who[person]();
      const before = await eventsOf(order.orderId);
      const read = await messagesOf(order.orderId, channel, token);
      const posted = await say(order.orderId, channel, token, { text: `hello from ${person}` });
      expect({ read: read.status, posted: posted.status }).toEqual({ read: reads, posted: posts });
      expect(await eventsOf(order.orderId)).toBe(before + (posts === 201 ? 1 : 0));
      if (reads === 404) expect(read.body.code).toBe('CONVERSATION_NOT_FOUND');
      if (reads === 401) expect([read.body.code, posted.body.code]).toEqual(['TOKEN_INVALID', 'TOKEN_INVALID']);
    });
  });

  it('takes the rider out on unassignment, history included, while staff still read what they wrote', async () => {
    const order = await conversationWith('li');
    expect((await say(order.orderId, 'internal', riderLi, { text: 'Picking up at 10' })).status).toBe(201);
    await publish(order.unassigned('li'));
    await eventually(async () => expect((await messagesOf(order.orderId, 'internal', riderLi)).status).toBe(404));
    expect((await call('GET', `/conversations/${order.orderId}`, riderLi)).status).toBe(404);
    expect((await say(order.orderId, 'internal', riderLi, { text: 'still there?' })).status).toBe(404);
    const history = await messagesOf(order.orderId, 'internal', staff);
    expect(history.body.items?.map((m) => m.text)).toEqual(['Picking up at 10']);
  });

  it('keeps the rider in for the grace period after delivery and takes them out after it', async () => {
    const justDelivered = await conversationWith('li');
    const longDelivered = await conversationWith('li');
    await publish(justDelivered.pickedUp('li'), justDelivered.delivered('li', minutesAgo(5)));
    await publish(longDelivered.pickedUp('li'), longDelivered.delivered('li', minutesAgo(61)));
    // Apps word what the progress messages say (`system`) for their reader; the text is the English fallback.
    const progress = (items: Body['items']) => items?.map(({ text, system }) => ({ text, system }));
    const internalProgress = [
      { text: 'Out for delivery with li', system: { kind: 'out_for_delivery', riderId: 'li' } },
      { text: 'Delivered', system: { kind: 'delivered' } },
    ];
    await eventually(async () => expect(progress((await messagesOf(justDelivered.orderId, 'internal', staff)).body.items)).toEqual(internalProgress));
    await eventually(async () => expect((await messagesOf(longDelivered.orderId, 'internal', staff)).body.items).toHaveLength(2));
    expect(progress((await messagesOf(justDelivered.orderId, 'internal', riderLi)).body.items)).toEqual(internalProgress);
    expect((await messagesOf(longDelivered.orderId, 'internal', riderLi)).status).toBe(404);
    expect((await call('GET', `/conversations/${longDelivered.orderId}`, riderLi)).status).toBe(404);
    await eventually(async () => {
      const ridersList = (await call('GET', '/conversations?limit=200', riderLi)).body.items?.map((i) => i.orderId);
      expect(ridersList).toContain(justDelivered.orderId);
      expect(ridersList).not.toContain(longDelivered.orderId);
    });
    // The customer channel (what the tracking page shows) tells of the progress without saying who rides it.
    expect(progress((await messagesOf(justDelivered.orderId, 'customer', staff)).body.items)).toEqual([
      { text: 'Out for delivery', system: { kind: 'out_for_delivery' } },
      { text: 'Delivered', system: { kind: 'delivered' } },
    ]);
    expect((await messagesOf(justDelivered.orderId, 'customer', justDelivered.customer)).status).toBe(401);
  });

  it('refuses a mention of someone who may not see the channel, or whom the conversation does not know, storing nothing', async () => {
    const order = await conversationWith('li');
    const before = await eventsOf(order.orderId);
    const notAllowed = await say(order.orderId, 'customer', staff, { text: '@li is on the way to you' });
    expect(notAllowed).toMatchObject({ status: 400, body: { code: 'MENTION_NOT_ALLOWED', details: { mentions: ['li'] } } });
    const florists = await say(order.orderId, 'customer', staff, { text: '@florist please check' });
    expect(florists).toMatchObject({ status: 400, body: { code: 'MENTION_NOT_ALLOWED', details: { mentions: ['@florist'] } } });
    const unknown = await say(order.orderId, 'internal', staff, { text: '@ghost are you there?' });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'MENTION_UNKNOWN', details: { mentions: ['ghost'] } } });
    expect(await eventsOf(order.orderId)).toBe(before);

    const ok = await say(order.orderId, 'internal', staff, { text: '@li @dispatcher ring twice' });
    expect(ok).toMatchObject({
      status: 201,
      body: {
        mentions: [
          { kind: 'person', subject: 'li' },
          { kind: 'role', role: 'dispatcher' },
        ],
      },
    });
  });

  it('answers a retried request with the first result and stores the message once', async () => {
    const order = await conversationWith();
    const key = { 'idempotency-key': uniqueName('key') };
    const first = await say(order.orderId, 'internal', florist, { text: 'Bouquet is ready' }, key);
    const again = await say(order.orderId, 'internal', florist, { text: 'Bouquet is ready' }, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.messageId).toBe(first.body.messageId);
    expect(await eventsOf(order.orderId)).toBe(2);
    expect((await say(order.orderId, 'internal', florist, { text: 'Something else' }, key)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses empty, blank and oversized messages with 400 and stores nothing', async () => {
    const order = await conversationWith();
    const before = await eventsOf(order.orderId);
    const empty = await say(order.orderId, 'internal', staff, { text: '' });
    const blank = await say(order.orderId, 'internal', staff, { text: '  \u0007 \n ' });
    const long = await say(order.orderId, 'internal', staff, { text: 'x'.repeat(2001) });
    const unknownField = await say(order.orderId, 'internal', staff, { text: 'hi', html: '<b>hi</b>' });
    expect([empty.status, blank.status, long.status, unknownField.status]).toEqual([400, 400, 400, 400]);
    expect([blank.body.code, long.body.code]).toEqual(['MESSAGE_EMPTY', 'MESSAGE_TOO_LONG']);
    expect(await eventsOf(order.orderId)).toBe(before);
    // Plain text, kept as written (trimmed): markup is text like any other.
    expect((await say(order.orderId, 'internal', staff, { text: '  <b>hi</b>  ' })).body.text).toBe('<b>hi</b>');
  });

  it("posts the shop's quick replies by id", async () => {
    const order = await conversationWith('li');
    const replies = { replies: [{ id: 'on-my-way', text: 'On my way' }] };
    expect((await call('PUT', `/shops/${shop}/quick-replies`, staff, replies)).status).toBe(200);
    expect((await call('PUT', `/shops/${shop}/quick-replies`, riderLi, replies)).status).toBe(403);
    expect((await call('GET', `/shops/${shop}/quick-replies`, riderLi)).body).toMatchObject(replies);
    expect((await call('GET', `/shops/${shop}/quick-replies`, staffElsewhere)).status).toBe(404);
    const posted = await say(order.orderId, 'internal', riderLi, { quickReplyId: 'on-my-way' });
    expect(posted).toMatchObject({ status: 201, body: { text: 'On my way', quickReplyId: 'on-my-way' } });
    expect((await say(order.orderId, 'internal', riderLi, { quickReplyId: 'nope' })).body.code).toBe('QUICK_REPLY_UNKNOWN');
  });

  it("offers riders' common replies in en and zh-CN to a shop that set none, posts them by id, and drops them once the shop sets its own", async () => {
    const opened = await call('POST', `/shops/${otherShop}/channels`, staffElsewhere, { name: 'Riders' });
    const channel = `/shops/${otherShop}/channels/${opened.body.channelId as string}/messages`;
    const offered = await call('GET', `/shops/${otherShop}/quick-replies`, riderElsewhere);
    expect(offered.body).toMatchObject({ shopId: otherShop, defaults: true });
    const replies = offered.body.replies as Array<{ id: string; text: string; locale: string }>;
    expect(replies.filter((r) => r.locale === 'zh-CN').map((r) => r.text)).toEqual(['还有5分钟到', '已到门口', '找不到入口', '会晚一点到']);
    expect(replies.filter((r) => r.locale === 'en').map((r) => r.text)).toEqual(['5 minutes away', 'At the door', "Can't find the entrance", 'Running late']);
    const atTheDoor = replies.find((r) => r.text === '已到门口')!;
    expect((await call('POST', channel, riderElsewhere, { quickReplyId: atTheDoor.id })).body).toMatchObject({ text: '已到门口', quickReplyId: atTheDoor.id });

    const own = { replies: [{ id: 'side-door', text: 'Ring at the side door', locale: 'en' }] };
    expect((await call('PUT', `/shops/${otherShop}/quick-replies`, staffElsewhere, own)).body).toEqual({ shopId: otherShop, ...own, defaults: false });
    expect((await call('GET', `/shops/${otherShop}/quick-replies`, riderElsewhere)).body).toEqual({ shopId: otherShop, ...own, defaults: false });
    expect((await call('POST', channel, riderElsewhere, { quickReplyId: atTheDoor.id })).body.code).toBe('QUICK_REPLY_UNKNOWN');
    expect((await call('PUT', `/shops/${otherShop}/quick-replies`, staffElsewhere, { replies: [{ id: 'x', text: 'y', locale: 'not a tag' }] })).status).toBe(
      400,
    );
  });

  it('pages messages with a cursor and counts what each reader has not read', async () => {
    const order = await conversationWith();
    for (const text of ['one', 'two', 'three']) expect((await say(order.orderId, 'internal', staff, { text })).status).toBe(201);
    // Pages come from the read model, a few milliseconds behind the log.
    await eventually(async () => expect((await messagesOf(order.orderId, 'internal', florist)).body.items).toHaveLength(3));
    const first = await call('GET', `/conversations/${order.orderId}/channels/internal/messages?limit=2`, florist);
    expect(first.body.items?.map((m) => m.text)).toEqual(['one', 'two']);
    const rest = await call('GET', `/conversations/${order.orderId}/channels/internal/messages?limit=2&after=${first.body.nextCursor as string}`, florist);
    expect(rest.body).toMatchObject({ items: [{ text: 'three' }], nextCursor: null });

    await eventually(async () =>
      expect((await call('GET', `/conversations/${order.orderId}`, florist)).body.channels).toEqual([{ channel: 'internal', unread: 3, canPost: true }]),
    );
    const read = await call('POST', `/conversations/${order.orderId}/channels/internal/read`, florist, { upToMessageId: first.body.items?.[1].messageId });
    expect(read).toMatchObject({ status: 200, body: { channel: 'internal', unread: 1 } });
    await eventually(async () =>
      expect((await call('GET', `/conversations/${order.orderId}`, florist)).body.channels).toEqual([{ channel: 'internal', unread: 1, canPost: true }]),
    );
    expect((await call('GET', `/conversations/${order.orderId}`, staff)).body.channels).toMatchObject([
      { channel: 'internal', unread: 0, canPost: true },
      { channel: 'customer', unread: 0, canPost: true },
    ]);
  });

  describe('how far each reader has read', () => {
    const overview = async (orderId: string, token: string) => (await call('GET', `/conversations/${orderId}`, token)).body;
    const readersOf = (body: Body, channel: string) =>
      (body.channels as Array<{ channel: string; readers?: Array<{ reader: { subject: string }; upToMessageId: string; upToSeq: number }> }>)
        .find((c) => c.channel === channel)
        ?.readers?.map((r) => `${r.reader.subject}→${r.upToSeq}`);

    it("tells the shop's staff, dispatchers and operators who read up to which message of each channel they may read, and when", async () => {
      const order = await conversationWith('li');
      const one = await say(order.orderId, 'internal', staff, { text: 'one' });
      const two = await say(order.orderId, 'internal', staff, { text: 'two' });
      await customerWrites(order.orderId, 'Is it on its way?');
      await eventually(async () => expect((await messagesOf(order.orderId, 'customer', staff)).body.items).toHaveLength(1));
      const read = (token: string, channel: string, upToMessageId: unknown) =>
        call('POST', `/conversations/${order.orderId}/channels/${channel}/read`, token, { upToMessageId });
      expect((await read(florist, 'internal', one.body.messageId)).status).toBe(200);
      expect((await read(riderLi, 'internal', two.body.messageId)).status).toBe(200);
      // Reading back to an older message moves no one backwards.
      expect((await read(riderLi, 'internal', one.body.messageId)).status).toBe(200);

      // Posting counts as having read: staff up to their own "two", the customer up to what they wrote.
      await eventually(async () => expect(readersOf(await overview(order.orderId, staff), 'internal')).toEqual(['alice→2', 'flo→1', 'li→2']));
      const asStaff = await overview(order.orderId, staff);
      expect(readersOf(asStaff, 'customer')).toEqual([`tracking-link:${order.orderId}→3`]);
      const internal = (asStaff.channels as Array<{ readers: Array<Record<string, unknown>> }>)[0].readers;
      expect(internal[0]).toEqual({ reader: { role: 'staff', subject: 'alice' }, upToMessageId: two.body.messageId, upToSeq: 2, readAt: two.body.postedAt });
      expect(internal.map((r) => Date.parse(r.readAt as string))).toEqual([...internal.map((r) => Date.parse(r.readAt as string))].sort());
      expect(internal[1]).toMatchObject({ reader: { role: 'florist', subject: 'flo' }, upToMessageId: one.body.messageId });

      // Dispatchers see the internal channel's readers; operators every channel's.
      const asDispatcher = await overview(order.orderId, dispatcher);
      expect(readersOf(asDispatcher, 'internal')).toEqual(['alice→2', 'flo→1', 'li→2']);
      expect(readersOf(await overview(order.orderId, operator), 'customer')).toEqual([`tracking-link:${order.orderId}→3`]);

      // Florists and riders read the channel without learning who else did.
      expect((await overview(order.orderId, florist)).channels).toEqual([{ channel: 'internal', unread: 1, canPost: true }]);
      expect((await overview(order.orderId, riderLi)).channels).toEqual([{ channel: 'internal', unread: 0, canPost: true }]);
      expect((await call('GET', `/conversations/${order.orderId}`, staffElsewhere)).status).toBe(404);

      // Staff reading the customer's message shows up beside the customer's own position.
      const customerMessage = (await messagesOf(order.orderId, 'customer', staff)).body.items![0];
      expect((await read(staff, 'customer', customerMessage.messageId)).status).toBe(200);
      await eventually(async () =>
        expect(readersOf(await overview(order.orderId, staff), 'customer')).toEqual([`tracking-link:${order.orderId}→3`, 'alice→3']),
      );
    });

    it('fills the positions of reads made before the read model kept them from the log, as the projection keeps them', async () => {
      const order = await conversationWith('li');
      const first = await say(order.orderId, 'internal', staff, { text: 'first' });
      await say(order.orderId, 'internal', riderLi, { text: 'second' });
      await call('POST', `/conversations/${order.orderId}/channels/internal/read`, florist, { upToMessageId: first.body.messageId });
      await eventually(async () => expect(readersOf(await overview(order.orderId, staff), 'internal')).toEqual(['alice→1', 'li→2', 'flo→1']));
      const db = service.app.get(DataSource);
      const positions = () => db.query(`SELECT * FROM conversation_read_positions WHERE order_id = $1 ORDER BY reader_subject`, [order.orderId]);
      const kept = await positions();
      // The migration again on an empty table, in one transaction, so the running projection waits for it.
      const runner = db.createQueryRunner();
      await runner.startTransaction();
      try {
        await runner.query(`DROP TABLE conversation_read_positions`);
        await new ConversationReadPositions1768000000000().up(runner);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      expect(await positions()).toEqual(kept);
      expect(kept).toHaveLength(3);
    });
  });

  it('lists the conversations each reader may see with their unread counts, and filters the unread ones', async () => {
    const order = await conversationWith('mo');
    const quiet = await conversationWith();
    const riderMoToken = riderMo;
    const shown = (items: Array<Record<string, unknown>> | undefined, orderId: string) => items?.find((i) => i.orderId === orderId);
    expect((await say(order.orderId, 'internal', staff, { text: 'Vase in the van' })).status).toBe(201);
    await customerWrites(order.orderId, 'Can you call before?');

    // The list is a read model: it trails the log, and the two messages may reach it in different batches.
    await eventually(async () => {
      const forFlorist = (await call('GET', '/conversations?unread=true', florist)).body.items;
      expect(shown(forFlorist, order.orderId)).toMatchObject({ channels: [{ channel: 'internal', unread: 1 }] });
      expect(shown(forFlorist, quiet.orderId)).toBeUndefined();
      const forStaff = (await call('GET', '/conversations', staff)).body.items;
      expect(shown(forStaff, order.orderId)).toMatchObject({
        channels: expect.arrayContaining([
          { channel: 'internal', unread: 0 },
          { channel: 'customer', unread: 1 },
        ]),
      });
      expect(shown(forStaff, quiet.orderId)).toBeDefined();
    });
    expect(shown((await call('GET', '/conversations', riderMoToken)).body.items, order.orderId)).toMatchObject({
      channels: [{ channel: 'internal', unread: 1 }],
    });
    expect(shown((await call('GET', '/conversations', riderLi)).body.items, order.orderId)).toBeUndefined();
    const customersList = await call('GET', '/conversations', order.customer);
    expect(customersList.status).toBe(401);
    expect(customersList.body.items).toBeUndefined();
    expect(shown((await call('GET', '/conversations', staffElsewhere)).body.items, order.orderId)).toBeUndefined();

    const messages = (await messagesOf(order.orderId, 'internal', florist)).body.items!;
    await call('POST', `/conversations/${order.orderId}/channels/internal/read`, florist, { upToMessageId: messages[0].messageId });
    await eventually(async () => expect(shown((await call('GET', '/conversations?unread=true', florist)).body.items, order.orderId)).toBeUndefined());
  });

  describe('pages through the list of conversations', () => {
    // A shop of its own, so that its list is exactly these conversations.
    const pagingShop = uniqueName('shop');
    const owner = as({ role: 'staff', shopId: pagingShop, sub: 'paula' });
    const orderIds: string[] = [];
    let talkedOf: string[];
    const list = (token: string, query: string) => call('GET', `/conversations?${query}`, token);
    const idsOf = (body: Body) => body.items?.map((i) => i.orderId as string);

    beforeAll(async () => {
      // All opened at the same instant: five of them stay tied on it, so only the order id tells them apart.
      const placedAt = minutesAgo(240);
      const orders = Array.from({ length: 7 }, () => newOrder(pagingShop));
      await publish(...orders.map((order) => order.placed(placedAt)));
      orderIds.push(...orders.map((o) => o.orderId));
      await eventually(async () => expect(idsOf((await list(owner, 'limit=50')).body)).toHaveLength(7));
      talkedOf = [orderIds[4], orderIds[1]];
      for (const orderId of talkedOf) expect((await say(orderId, 'internal', owner, { text: `about ${orderId}` })).status).toBe(201);
      await eventually(async () => expect((await list(owner, 'limit=50')).body.items?.filter((i) => i.lastMessageAt !== null)).toHaveLength(2));
    });

    /** Follows nextCursor from the first page to the last. */
    const allPages = async (token: string, query: string) => {
      const pages: Body[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: Body } = await list(token, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.status).toBe(200);
        pages.push(page.body);
        cursor = page.body.nextCursor as string | null;
      } while (cursor !== null && pages.length < 10);
      return pages;
    };

    it('answers 3 + 3 + 1 for seven conversations with limit 3: newest activity first, ties by order id, none twice, none missed', async () => {
      const pages = await allPages(owner, 'limit=3');
      expect(pages.map((p) => p.items?.length)).toEqual([3, 3, 1]);
      expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
      const seen = pages.flatMap((p) => idsOf(p)!);
      const tied = orderIds
        .filter((id) => !talkedOf.includes(id))
        .sort()
        .reverse();
      // The last message first; then the five that only opened, at the same instant.
      expect(seen).toEqual([talkedOf[1], talkedOf[0], ...tied]);
      expect(pages.flatMap((p) => p.items!).every((i) => (i.channels as unknown[]).length === 2)).toBe(true);
    });

    it("keeps each reader's scope while paging: florists page through the same conversations, other shops see none", async () => {
      const shopFlorist = as({ role: 'florist', shopId: pagingShop, sub: 'fleur' });
      const pages = await allPages(shopFlorist, 'limit=2');
      expect(pages.map((p) => p.items?.length)).toEqual([2, 2, 2, 1]);
      expect(new Set(pages.flatMap((p) => idsOf(p)!))).toEqual(new Set(orderIds));
      expect(
        pages.flatMap((p) => p.items!).every((i) => JSON.stringify(i.channels) === JSON.stringify([{ channel: 'internal', unread: i.lastMessageAt ? 1 : 0 }])),
      ).toBe(true);
      const unread = await allPages(shopFlorist, 'unread=true&limit=1');
      expect(unread.flatMap((p) => idsOf(p)!)).toEqual([talkedOf[1], talkedOf[0]]);
      expect(unread.at(-1)?.nextCursor).toBeNull();
      const elsewhere = await list(as({ role: 'staff', shopId: uniqueName('shop'), sub: 'eve' }), 'limit=3');
      expect(elsewhere.body).toEqual({ items: [], nextCursor: null });
    });

    it('refuses a cursor it did not give, and a limit out of bounds, with 400; the list is as it was', async () => {
      const before = await list(owner, 'limit=3');
      const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const cursor of [
        'not-a-cursor',
        forged(['2026-02-30T00:00:00.000000Z', orderIds[0]]),
        forged({ after: 3 }),
        forged(['2026-02-14T09:00:00Z', orderIds[0]]),
      ]) {
        const refused = await list(owner, `limit=3&cursor=${encodeURIComponent(cursor)}`);
        expect(refused).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
      }
      for (const limit of ['0', '201', 'ten']) expect((await list(owner, `limit=${limit}`)).body.code).toBe('VALIDATION_FAILED');
      expect((await list(owner, 'limit=3')).body).toEqual(before.body);
      const second = await list(owner, `limit=3&cursor=${encodeURIComponent(before.body.nextCursor as string)}`);
      expect(second.status).toBe(200);
      expect(second.body.items).toHaveLength(3);
    });

    it('documents the cursor and nextCursor in the OpenAPI document', async () => {
      type Parameter = { name: string; in: string };
      const document = (await (await fetch(`${service.url}/docs/json`)).json()) as {
        paths: Record<
          string,
          Record<string, { parameters?: Parameter[]; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>
        >;
        components: { schemas: Record<string, { properties?: Record<string, unknown>; example?: unknown }> };
      };
      const operation = document.paths['/conversations'].get;
      expect(operation.parameters?.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(expect.arrayContaining(['unread', 'cursor', 'limit']));
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404']));
      const answer = document.components.schemas[operation.responses['200'].content!['application/json'].schema.$ref!.split('/').pop()!];
      expect(answer.properties).toHaveProperty('nextCursor');
      expect(answer.example).toBeDefined();
    });
  });

  it('refuses an eleventh message within a minute from one author with 429 and Retry-After, storing nothing, while others still post', async () => {
    const order = await conversationWith();
    for (let i = 1; i <= 10; i++) expect((await say(order.orderId, 'internal', florist, { text: `Is the vase here yet? (${i})` })).status).toBe(201);
    const before = await eventsOf(order.orderId);
    const refused = await say(order.orderId, 'internal', florist, { text: 'Hello??' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'MESSAGE_RATE_LIMITED', details: { posts: 10, perSeconds: 60 } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await eventsOf(order.orderId)).toBe(before);
    // The limit is per author: the rest of the shop can still answer.
    expect((await say(order.orderId, 'internal', staff, { text: 'It is on the way' })).status).toBe(201);
  });

  it('reads a conversation and its channel’s messages from the read models, in pages, without folding the conversation’s stream', async () => {
    const order = await conversationWith();
    for (const text of ['one', 'two', 'three']) expect((await say(order.orderId, 'internal', staff, { text })).status).toBe(201);
    const db = service.app.get(DataSource);
    await eventually(async () =>
      expect(await db.query(`SELECT seq, text FROM conversation_messages WHERE order_id = $1 ORDER BY seq`, [order.orderId])).toEqual([
        { seq: 1, text: 'one' },
        { seq: 2, text: 'two' },
        { seq: 3, text: 'three' },
      ]),
    );
    // What the read model holds is what is served: the log is not read per request.
    await db.query(`UPDATE conversation_messages SET text = 'two (from the read model)' WHERE order_id = $1 AND seq = 2`, [order.orderId]);
    const first = await call('GET', `/conversations/${order.orderId}/channels/internal/messages?limit=2`, florist);
    expect(first.body.items?.map((m) => m.text)).toEqual(['one', 'two (from the read model)']);
    const rest = await call('GET', `/conversations/${order.orderId}/channels/internal/messages?limit=2&after=${first.body.nextCursor as string}`, florist);
    expect(rest.body).toMatchObject({ items: [{ text: 'three', seq: 3 }], nextCursor: null });
    expect((await messagesOf(order.orderId, 'internal', riderLi)).status).toBe(404);
    // So is the conversation's overview: its unread counts are the inbox read model's.
    await eventually(async () =>
      expect((await call('GET', `/conversations/${order.orderId}`, florist)).body.channels).toEqual([{ channel: 'internal', unread: 3, canPost: true }]),
    );
    await db.query(`INSERT INTO conversation_reads (order_id, channel, reader, read_count) VALUES ($1, 'internal', 'florist:flo', 2)`, [order.orderId]);
    expect((await call('GET', `/conversations/${order.orderId}`, florist)).body.channels).toEqual([{ channel: 'internal', unread: 1, canPost: true }]);
  });

  it('keeps the text before an edit for staff, and shows a recalled message as "recalled" to everyone but staff', async () => {
    const order = await conversationWith('li');
    const path = (messageId: unknown) => `/conversations/${order.orderId}/channels/internal/messages/${String(messageId)}`;
    const first = await say(order.orderId, 'internal', riderLi, { text: 'At the door' });
    expect((await call('PATCH', path(first.body.messageId), staff, { text: 'not mine' })).body.code).toBe('NOT_THE_AUTHOR');
    // Its author is told until when they may recall it (MESSAGING_RECALL_SECONDS, 120 by default); no one else is.
    expect(Date.parse(first.body.recallableUntil as string) - Date.parse(first.body.postedAt as string)).toBe(120_000);
    const edited = await call('PATCH', path(first.body.messageId), riderLi, { text: 'At the side door' });
    expect(edited).toMatchObject({
      status: 200,
      body: { text: 'At the side door', editedAt: expect.any(String), recallableUntil: first.body.recallableUntil },
    });
    expect(edited.body).not.toHaveProperty('edits');
    const second = await say(order.orderId, 'internal', riderLi, { text: 'Wrong order, sorry' });
    // Recalling takes no fields: one sent anyway is refused, and the message stays.
    expect((await call('POST', `${path(second.body.messageId)}/recall`, riderLi, { forEveryone: true })).status).toBe(400);
    expect((await call('POST', `${path(second.body.messageId)}/recall`, riderLi)).body).toMatchObject({ recalled: true, text: 'recalled' });

    const asStaff = await eventually(async () => {
      const items = (await messagesOf(order.orderId, 'internal', staff)).body.items;
      expect(items?.[1]).toMatchObject({ recalled: true });
      return items;
    });
    expect(asStaff).toMatchObject([
      { text: 'At the side door', edits: [{ previousText: 'At the door' }], recalled: false },
      { text: 'Wrong order, sorry', recalled: true },
    ]);
    const asDispatcher = (await messagesOf(order.orderId, 'internal', dispatcher)).body.items;
    expect(asDispatcher).toMatchObject([
      { text: 'At the side door', recalled: false },
      { text: 'recalled', recalled: true },
    ]);
    expect(asDispatcher?.[0]).not.toHaveProperty('edits');
    expect(asDispatcher?.[0]).not.toHaveProperty('recallableUntil');
    const asAuthor = (await messagesOf(order.orderId, 'internal', riderLi)).body.items;
    expect(asAuthor?.[0].recallableUntil).toBe(first.body.recallableUntil);
    // Once recalled there is nothing left to recall.
    expect(asAuthor?.[1]).not.toHaveProperty('recallableUntil');
    expect(JSON.stringify(asDispatcher)).not.toContain('Wrong order');
  });

  describe('shop-wide channels', () => {
    let channelId: string;
    beforeAll(async () => {
      const opened = await call('POST', `/shops/${shop}/channels`, staff, { name: "Today's deliveries" });
      expect(opened).toMatchObject({ status: 201, body: { shopId: shop, name: "Today's deliveries" } });
      channelId = opened.body.channelId as string;
    });
    const table: Array<[string, () => string, number, number]> = [
      ['staff of the shop', () => staff, 200, 201],
      ['a florist of the shop', () => florist, 200, 201],
      ['a dispatcher of the shop', () => dispatcher, 200, 201],
      ['a rider of the shop', () => riderLi, 200, 201],
      ['a customer token', () => customerTokenForgery(randomUUID(), 'someone'), 401, 401],
      ['an operator', () => operator, 200, 403],
      ['staff of another shop', () => staffElsewhere, 404, 404],
      ['a rider of another shop', () => riderElsewhere, 404, 404],
    ];
    it.each(table)('%s: reads %i, posts %i', async (_who, token, reads, posts) => {
      const read = await call('GET', `/shops/${shop}/channels/${channelId}/messages`, token());
      const posted = await call('POST', `/shops/${shop}/channels/${channelId}/messages`, token(), { text: 'Van 2 leaves at 11' });
      expect({ read: read.status, posted: posted.status }).toEqual({ read: reads, posted: posts });
    });
    it("lists the shop's channels to its staff, florists, dispatchers and riders, and to nobody of another shop", async () => {
      for (const token of [staff, florist, dispatcher, riderLi, operator]) {
        await eventually(async () => {
          const listed = await call('GET', `/shops/${shop}/channels`, token);
          expect(listed.status).toBe(200);
          expect(listed.body.items).toContainEqual(expect.objectContaining({ channelId, shopId: shop, name: "Today's deliveries" }));
        });
      }
      for (const token of [riderElsewhere, staffElsewhere]) expect((await call('GET', `/shops/${shop}/channels`, token)).body.code).toBe('SHOP_NOT_FOUND');
      const theirs = await call('GET', `/shops/${otherShop}/channels`, riderElsewhere);
      expect(theirs.status).toBe(200);
      expect(theirs.body.items!.map((c) => c.channelId)).not.toContain(channelId);
    });
    it('counts its messages and their last time in the list', async () => {
      const posted = await call('POST', `/shops/${shop}/channels/${channelId}/messages`, riderLi, { text: 'Scooter 3 has a flat' });
      await eventually(async () => {
        const listed = await call('GET', `/shops/${shop}/channels`, riderLi);
        const row = listed.body.items!.find((c) => c.channelId === channelId)!;
        expect(row.lastMessageAt).toBe(posted.body.postedAt);
        const read = await call('GET', `/shops/${shop}/channels/${channelId}/messages?limit=200`, riderLi);
        expect(row.messageCount).toBe(read.body.items!.length);
      });
    });
    it('lets a rider of the shop post, and be @mentioned once they have posted; riders do not open channels', async () => {
      const own = await call('POST', `/shops/${shop}/channels`, staff, { name: 'Riders' });
      const id = own.body.channelId as string;
      expect((await call('POST', `/shops/${shop}/channels/${id}/messages`, staff, { text: '@li are you near Lindenlaan?' })).body.code).toBe('MENTION_UNKNOWN');
      expect((await call('POST', `/shops/${shop}/channels/${id}/messages`, riderLi, { text: 'On the ring road' })).status).toBe(201);
      const mention = await call('POST', `/shops/${shop}/channels/${id}/messages`, staff, { text: '@li take Lindenlaan 3 too' });
      expect(mention).toMatchObject({ status: 201, body: { mentions: [{ kind: 'person', subject: 'li' }] } });
      const read = await call('GET', `/shops/${shop}/channels/${id}/messages`, riderLi);
      expect(read.body.items!.map((m) => [m.author, m.text])).toEqual([
        [{ role: 'rider', subject: 'li' }, 'On the ring road'],
        [{ role: 'staff', subject: 'alice' }, '@li take Lindenlaan 3 too'],
      ]);
      expect((await call('POST', `/shops/${shop}/channels`, riderLi, { name: 'riders' })).body.code).toBe('CHANNEL_OPEN_NOT_ALLOWED');
    });
    it('answers a retried post with the first message and stores it once; the key with another text is 409', async () => {
      const key = { 'idempotency-key': uniqueName('key') };
      const countOf = async () =>
        Number((await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`shop-channel-${channelId}`]))[0].n);
      const first = await call('POST', `/shops/${shop}/channels/${channelId}/messages`, riderLi, { text: 'At the depot' }, key);
      const before = await countOf();
      const again = await call('POST', `/shops/${shop}/channels/${channelId}/messages`, riderLi, { text: 'At the depot' }, key);
      expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), messageId: again.body.messageId }).toEqual({
        status: 201,
        replayed: 'true',
        messageId: first.body.messageId,
      });
      expect(await countOf()).toBe(before);
      const reused = await call('POST', `/shops/${shop}/channels/${channelId}/messages`, riderLi, { text: 'Leaving the depot' }, key);
      expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await countOf()).toBe(before);
    });
    it('is opened by staff only, is 404 under another shop, and is published without an order', async () => {
      expect((await call('POST', `/shops/${shop}/channels`, customerTokenForgery(randomUUID(), 'someone'), { name: 'riders' })).status).toBe(401);
      expect((await call('GET', `/shops/${otherShop}/channels/${channelId}/messages`, staffElsewhere)).status).toBe(404);
      const posted = await call('POST', `/shops/${shop}/channels/${channelId}/messages`, staff, { text: '@florist more peonies' });
      expect(posted.body.mentions).toEqual([{ kind: 'role', role: 'florist' }]);
      const found = await eventually(() => {
        const m = published.find((p) => (p.value.data as { messageId?: string }).messageId === posted.body.messageId);
        expect(m).toBeDefined();
        return m!;
      });
      expect(found).toMatchObject({
        key: `shop-channel-${channelId}`,
        value: { type: 'ShopChannelMessagePosted', shopId: shop, data: { channelId, mentions: [], mentionRefs: [{ kind: 'role', role: 'florist' }] } },
      });
    });
  });

  it('publishes messages on messaging.events keyed by order id, with channel, mentions and the rider only on internal ones', async () => {
    const order = await conversationWith('li');
    const internal = await say(order.orderId, 'internal', staff, { text: '@li @dispatcher gate code 1234' });
    const customer = await say(order.orderId, 'customer', staff, { text: 'Your flowers are on their way' });
    const find = (messageId: unknown) => published.find((m) => (m.value.data as { messageId?: string }).messageId === messageId);
    const [i, c] = await eventually(() => {
      expect(find(internal.body.messageId)).toBeDefined();
      expect(find(customer.body.messageId)).toBeDefined();
      return [find(internal.body.messageId)!, find(customer.body.messageId)!];
    });
    expect(i.key).toBe(order.orderId);
    expect(i.value).toMatchObject({ type: 'MessagePosted', schemaVersion: 1, shopId: shop, streamId: `conversation-${order.orderId}` });
    expect(i.value.data).toMatchObject({
      orderId: order.orderId,
      shopId: shop,
      channel: 'internal',
      riderId: 'li',
      mentions: ['li'],
      mentionRefs: [
        { kind: 'person', subject: 'li' },
        { kind: 'role', role: 'dispatcher' },
      ],
      author: { role: 'staff', subject: 'alice' },
    });
    expect(c.value.data).toMatchObject({ orderId: order.orderId, channel: 'customer', mentions: [] });
    expect(c.value.data).not.toHaveProperty('riderId');
    expect(published.some((m) => m.key === order.orderId && m.value.type === 'ConversationOpened')).toBe(true);
    expect(published.some((m) => m.key === order.orderId && m.value.type === 'RiderJoined')).toBe(true);
  });

  it('publishes what the progress messages say, naming the rider only on the internal one', async () => {
    const order = await conversationWith('li');
    await publish(order.pickedUp('li'));
    const posted = (channel: string) =>
      published.find((m) => m.key === order.orderId && m.value.type === 'MessagePosted' && (m.value.data as { channel?: string }).channel === channel);
    const [internal, customer] = await eventually(() => {
      expect(posted('internal')).toBeDefined();
      expect(posted('customer')).toBeDefined();
      return [posted('internal')!.value.data, posted('customer')!.value.data];
    });
    expect(internal).toMatchObject({ author: null, text: 'Out for delivery with li', riderId: 'li', system: { kind: 'out_for_delivery', riderId: 'li' } });
    expect(customer).toMatchObject({ author: null, text: 'Out for delivery', system: { kind: 'out_for_delivery' } });
    expect(customer).not.toHaveProperty('riderId');
    expect(customer).not.toHaveProperty('system.riderId');
  });

  it('reads and publishes a progress message logged before messages said what they are by its text alone', async () => {
    const order = await conversationWith('li');
    // The fact as the service wrote it before `system` was added to MessagePosted.
    const store = new EventStore(service.app.get(DataSource));
    const stream = conversationStream(order.orderId);
    const postedAt = minutesAgo(1);
    const messageId = randomUUID();
    const logged: ConversationEvent = {
      type: 'MessagePosted',
      data: {
        orderId: order.orderId,
        shopId: shop,
        channel: 'internal',
        messageId,
        author: null,
        text: 'Out for delivery with li',
        attachmentRefs: [],
        mentions: [],
        riderId: 'li',
        postedAt,
      },
    };
    await store.append(stream, 'conversation', (await store.readStream(stream)).length, [logged], commandMetadata(postedAt));

    const [message] = await eventually(async () => {
      const items = (await messagesOf(order.orderId, 'internal', staff)).body.items ?? [];
      expect(items).toHaveLength(1);
      return items;
    });
    expect(message).toMatchObject({ messageId, author: null, text: 'Out for delivery with li' });
    expect(message).not.toHaveProperty('system');
    const out = await eventually(() => {
      const found = published.find((m) => (m.value.data as { messageId?: string }).messageId === messageId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(out.value.data).toMatchObject({ channel: 'internal', text: 'Out for delivery with li', riderId: 'li' });
    expect(out.value.data).not.toHaveProperty('system');
  });
});
