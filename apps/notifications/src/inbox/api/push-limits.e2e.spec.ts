import type { Principal } from '@petalpost/auth';
import { createTestNamespace, eventually, uniqueName } from '@petalpost/testing';
import { WebSocket } from 'ws';
import {
  LiveClient,
  newOrder,
  type Notifications,
  openSocket,
  relayStandIn,
  type Relay,
  SseClient,
  startNotifications,
  tokens,
  waitUntilConsuming,
} from '../../notifications.fixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the close code the server sent. */
const closeCodeOf = (socket: WebSocket) => new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

/**
 * One client must not be able to take the service down: frames are small, messages are rate
 * limited, a person's connections are capped, acknowledgements are written in batches, and a
 * connection ends with its token. The real service over WebSocket and SSE, Kafka and Postgres.
 */
describe('limits on a live connection', () => {
  let service: Notifications;
  let relay: Relay;

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startNotifications(namespace, {
      PUSH_MAX_FRAME_BYTES: '4096',
      // A burst large enough that the 10,000 acks below all get through: what keeps the pool free is their batching.
      PUSH_MESSAGE_BURST: '20000',
      PUSH_MESSAGES_PER_SECOND: '10',
      PUSH_MAX_CONNECTIONS_PER_SUBJECT: '3',
      PUSH_ACK_FLUSH_MS: '20',
    });
    relay = await relayStandIn(namespace);
    await waitUntilConsuming(service, relay);
  });
  afterAll(async () => {
    await relay?.disconnect();
    await service?.app.close();
  });

  it('stays ready while one connection sends 10,000 acknowledgements, and records them', async () => {
    const shop = uniqueName('shop');
    const staff: Principal = { role: 'staff', shopId: shop, sub: uniqueName('alice') };
    const client = await LiveClient.connect(service, staff);
    const order = newOrder(shop);
    await relay.orders(order.placed(), order.accepted(), order.exceptionFlagged('wrong_address'));
    const notifications = await eventually(() => {
      expect(client.notifications().filter((n) => n.audience === `shop:${shop}`)).toHaveLength(3);
      return client.notifications().filter((n) => n.audience === `shop:${shop}`);
    });
    const last = notifications[2];

    const readiness: number[] = [];
    let flooding = true;
    const probing = (async () => {
      while (flooding) {
        readiness.push((await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(10_000) })).status);
        await sleep(100);
      }
    })();
    for (let i = 0; i < 10_000; i++) client.send({ type: 'ack', audience: last.audience, seq: 1 + (i % 3) });
    await eventually(() => expect(client.of('acked').at(-1)).toEqual({ type: 'acked', audience: last.audience, seq: 3 }), 20_000);
    await sleep(1_000);
    flooding = false;
    await probing;

    expect(readiness.filter((status) => status !== 200)).toEqual([]);
    expect(readiness.length).toBeGreaterThan(3);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    expect(client.of('error')).toEqual([]);
    await client.close();
  });

  it('closes a connection that sends more messages than its rate allows (1008), before touching the database', async () => {
    const client = await LiveClient.connect(service, { role: 'staff', shopId: uniqueName('shop'), sub: uniqueName('bob') });
    const closed = closeCodeOf(client.socket);
    for (let i = 0; i < 25_000; i++) client.socket.send('{}');
    expect(await closed).toBe(1008);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
  });

  it('closes a connection whose frame is larger than the limit (1009) without reading it whole', async () => {
    const client = await LiveClient.connect(service, { role: 'staff', shopId: uniqueName('shop'), sub: uniqueName('carol') });
    const closed = closeCodeOf(client.socket);
    client.socket.send(Buffer.alloc(100_000_000, 'a'));
    expect(await closed).toBe(1009);
    expect(client.of('error')).toEqual([]);
  });

  it('refuses a person’s connection beyond the limit, on WebSocket (4429) and SSE (429), until one closes', async () => {
    const person: Principal = { role: 'staff', shopId: uniqueName('shop'), sub: uniqueName('dave') };
    const open = [await LiveClient.connect(service, person), await LiveClient.connect(service, person), await LiveClient.connect(service, person)];

    const refused = openSocket(service, tokens.sign(person));
    const frames: string[] = [];
    refused.on('message', (data) => frames.push(String(data)));
    expect(await closeCodeOf(refused)).toBe(4429);
    expect(frames).toEqual([]);

    const sse = await SseClient.open(service, { header: tokens.sign(person) });
    expect(sse.response.status).toBe(429);
    expect(await sse.response.json()).toMatchObject({ code: 'TOO_MANY_CONNECTIONS' });

    // Someone else is not held back by dave's connections.
    const other = await LiveClient.connect(service, { ...person, sub: uniqueName('erin') });
    await open[0].close();
    const again = await LiveClient.connect(service, person);
    await Promise.all([...open.slice(1), other, again].map((c) => c.close()));
  });

  it('closes a WebSocket (4001) and ends an SSE stream when their token expires', async () => {
    const person: Principal = { role: 'staff', shopId: uniqueName('shop'), sub: uniqueName('frank') };
    const token = tokens.sign(person, { ttlSeconds: 2 });
    const socket = openSocket(service, token);
    const frames: Array<{ type: string }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string }));
    const closed = closeCodeOf(socket);
    const sse = await SseClient.open(service, { header: token });
    expect(sse.response.status).toBe(200);
    await eventually(() => expect(frames.map((f) => f.type)).toContain('welcome'));
    const started = Date.now();

    expect(await closed).toBe(4001);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(frames.at(-1)).toMatchObject({ type: 'expired' });
    await eventually(() => expect(sse.events.at(-1)).toMatchObject({ event: 'expired', data: { type: 'expired' } }), 3_000);
    sse.close();
  });

  it('keeps a WebSocket open past its first token when renewed on the connection, for the same person only', async () => {
    const person: Principal = { role: 'staff', shopId: uniqueName('shop'), sub: uniqueName('gina') };
    const socket = openSocket(service, tokens.sign(person, { ttlSeconds: 2 }));
    const frames: Array<{ type: string; code?: string }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string }));
    const closed = closeCodeOf(socket);
    await eventually(() => expect(frames.map((f) => f.type)).toContain('welcome'));

    // Someone else's token does not renew gina's connection.
    socket.send(JSON.stringify({ type: 'auth', token: tokens.sign({ ...person, sub: uniqueName('mallory') }) }));
    await eventually(() => expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'TOKEN_MISMATCH' }));
    socket.send(JSON.stringify({ type: 'auth', token: tokens.sign(person, { ttlSeconds: 60 }) }));
    await eventually(() => expect(frames.at(-1)).toMatchObject({ type: 'renewed' }));
    await sleep(3_000);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(frames.map((f) => f.type)).not.toContain('expired');
    socket.close();
    expect(await closed).not.toBe(4001);
  });

  it('refuses a WebSocket whose token is in the URL, or whose first message is not its token (4401)', async () => {
    const token = tokens.sign({ role: 'staff', shopId: uniqueName('shop'), sub: uniqueName('hank') });
    const inUrl = new WebSocket(`${service.url.replace('http', 'ws')}/ws?access_token=${token}`);
    expect(await closeCodeOf(inUrl)).toBe(4401);

    const chatty = new WebSocket(`${service.url.replace('http', 'ws')}/ws`);
    chatty.once('open', () => chatty.send(JSON.stringify({ type: 'ack', audience: 'x', seq: 1 })));
    expect(await closeCodeOf(chatty)).toBe(4401);

    const forged = openSocket(service, 'forged');
    expect(await closeCodeOf(forged)).toBe(4401);

    // A non-browser client may send the token as a header instead.
    const withHeader = new WebSocket(`${service.url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
    const frames: string[] = [];
    withHeader.on('message', (data) => frames.push(String(data)));
    await eventually(() => expect(frames.join()).toContain('"welcome"'));
    withHeader.close();
  });
});
