import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessTokenSigner, DEVELOPMENT_KEY_ID, generateSigningKey, developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  createTestNamespace,
  eventually,
  orderOnTheWire,
  rosesPlaced,
  startTestService,
  testInfra,
  uniqueName,
} from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { CLOSE_UNAUTHENTICATED } from '../inbox/api/push.gateway';
import type { NotificationsConfig } from '../notifications.config';
import { notificationsService } from '../notifications.service';
import { RiderPositions } from '../positions';
import { newLinkId } from './tracking-links';

const tokens = developmentTokens();
const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
/** The link's id: the last segment of its URL. */
const idOf = (url: string) => url.split('/track/')[1];
type MintedLink = { url: string; linkId: string; endsWith: string; createdAt: string; createdBy: { role: string; subject: string }; expiresAt: string };
/** Where the flowers go: the page plots the rider around it without ever receiving it. */
const destination = { lat: 52.09, lng: 5.12 };
/** A 1×1 PNG: the attachment store's answer to any photo. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/**
 * The customer's tracking page in a real Chromium, against the real notifications service, Kafka and
 * Postgres: events are produced to the namespaced topics exactly as the orders relay and dispatch
 * produce them, and the page is watched changing without a reload.
 */
describe('customer tracking page (real service, Kafka, Postgres and Chromium)', () => {
  let service: RunningService<NotificationsConfig>;
  let namespace: string;
  let publisher: EventPublisher;
  let photoStore: Server;
  let photoStoreUrl: string;
  const photosServed: string[] = [];
  let browser: BrowserContext;
  let userDataDir: string;

  const envelope = (streamId: string, streamVersion: number, shopId: string, type: string, data: unknown): IntegrationEvent => ({
    eventId: randomUUID(),
    type,
    schemaVersion: type === 'OrderPlaced' ? 2 : 1,
    streamId,
    streamVersion,
    shopId,
    data,
    metadata: { correlationId: randomUUID(), occurredAt: new Date().toISOString(), actor: { role: 'staff', subject: 'alice', shopId } },
  });
  const publishOrders = (...events: IntegrationEvent[]) => publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), events);
  const publishEta = (shopId: string, orderId: string, eta: string) =>
    publisher.publish(namespaced(TOPICS.dispatchEvents.name, namespace), [
      envelope(`delivery-${orderId}`, 1, shopId, 'EtaUpdated', { orderId, shopId, eta, windowFrom: eta, windowTo: eta, estimatedAt: new Date().toISOString() }),
    ]);
  const publishPosition = (shopId: string, riderId: string, lat: number, lng: number) =>
    publisher.send(namespaced(TOPICS.riderLocations.name, namespace), [
      { key: riderId, value: { riderId, shopId, lat, lng, recordedAt: new Date().toISOString() } },
    ]);

  /** One order's stream, each event numbered after the last, as the orders log numbers them. */
  const newOrder = (shopId: string, options: { anonymousSender?: boolean } = {}) => {
    const { orderId, ref, next } = orderOnTheWire(shopId);
    const now = () => new Date().toISOString();
    return {
      orderId,
      shopId,
      placed: () =>
        next({
          type: 'OrderPlaced',
          data: rosesPlaced(ref, {
            deliveryWindow: { from: minutesFromNow(60), to: minutesFromNow(180), timeZone: 'Europe/Amsterdam' },
            anonymousSender: options.anonymousSender ?? false,
            recipientPersonId: uniqueName('person'),
            recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht', geo: destination } },
          }),
        }),
      accepted: () => next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: now() } }),
      started: () => next({ type: 'ProductionStarted', data: { ...ref, startedAt: now() } }),
      photographed: () => next({ type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: 'photos/arrangement-1.jpg', attachedAt: now() } }),
      finished: () => next({ type: 'ArrangementFinished', data: { ...ref, finishedAt: now() } }),
      assigned: (riderId: string) => next({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: now() } }),
      pickedUp: (riderId: string) => next({ type: 'OutForDelivery', data: { ...ref, riderId, pickedUpAt: now() } }),
      delivered: (riderId: string, deliveredAt = now()) =>
        next({
          type: 'OrderDelivered',
          data: { ...ref, riderId, outcome: { kind: 'recipient' }, proof: { photoRef: 'photos/proof-1.jpg', at: deliveredAt }, receivedBy: null, deliveredAt },
        }),
    };
  };

  const mintLink = (orderId: string, token: string, base = service.url) =>
    fetch(`${base}/orders/${orderId}/tracking-link`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  /** Places an order, waits until the projection has it, and mints its link as the shop's staff. */
  const trackedOrder = async (shopId = uniqueName('shop'), options?: { anonymousSender?: boolean }) => {
    const order = newOrder(shopId, options);
    await publishOrders(order.placed());
    const staff = as({ role: 'staff', shopId });
    const { url, linkId } = await eventually(async () => {
      const response = await mintLink(order.orderId, staff);
      expect(response.status).toBe(201);
      return (await response.json()) as MintedLink;
    });
    return { ...order, url, linkId, staff };
  };
  const links = (orderId: string, token: string, init: RequestInit = {}, linkId?: string) =>
    fetch(`${service.url}/orders/${orderId}/tracking-links${linkId ? `/${linkId}` : ''}`, { ...init, headers: { authorization: `Bearer ${token}` } });

  const open = async (url: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(url);
    // Survives only if the page is never reloaded.
    await page.evaluate('window.notReloaded = true');
    return page;
  };
  // Read from the page as a person sees it (these run in the browser, hence the strings).
  const statusOn = (page: Page) => page.locator('body').getAttribute('data-status');
  const stepStates = (page: Page) =>
    page.evaluate<string[]>(`[...document.querySelectorAll('#steps li')].map((li) => li.dataset.step + ':' + li.dataset.state)`);
  /** Visible and actually decoded: the browser fetched and drew the image. */
  const shownPhoto = (page: Page, section: 'arrangement' | 'proof') =>
    page.evaluate<boolean>(
      `(() => { const img = document.querySelector('#${section} img'); return !img.closest('section').hidden && img.complete && img.naturalWidth > 0 })()`,
    );
  const riderShown = (page: Page) => page.locator('#rider').isVisible();
  const riderDot = async (page: Page) => [await page.locator('#dot').getAttribute('cx'), await page.locator('#dot').getAttribute('cy')];
  const text = async (page: Page, selector: string) => (await page.locator(selector).first().textContent()) ?? '';
  const notReloaded = (page: Page) => page.evaluate<boolean>('window.notReloaded === true');
  /** Neither coordinates by name nor a number like the rider's or the destination's (52.0…, 5.1…), which times such as 13:05.123 do not match. */
  const expectNoCoordinates = (received: string) => {
    expect(received).not.toMatch(/"(lat|lng|latitude|longitude)"/i);
    expect(received).not.toMatch(/(?<![\d:])(52\.\d|5\.1\d)/);
  };
  /** The raw server-sent events of a page's stream, until `until` passes (`meanwhile` runs on each look, e.g. to move the rider). */
  const streamed = async (url: string, until: (raw: string) => boolean, meanwhile?: () => Promise<unknown>): Promise<string> => {
    const abort = new AbortController();
    const response = await fetch(`${url}/events`, { signal: abort.signal });
    const decoder = new TextDecoder();
    let raw = '';
    const reading = (async () => {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          raw += decoder.decode(chunk, { stream: true });
          if (until(raw)) break;
        }
      } catch {
        // aborted
      }
    })();
    try {
      await eventually(async () => {
        await meanwhile?.();
        expect(until(raw)).toBe(true);
      }, 15_000);
    } finally {
      abort.abort();
      await reading;
    }
    return raw;
  };

  beforeAll(async () => {
    photoStore = createServer((request, response) => {
      photosServed.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    await new Promise<void>((resolve) => photoStore.listen(0, '127.0.0.1', resolve));
    photoStoreUrl = `http://127.0.0.1:${(photoStore.address() as AddressInfo).port}/store`;

    namespace = await createTestNamespace();
    service = await startTestService(notificationsService, { KAFKA_NAMESPACE: namespace, TRACKING_PHOTO_BASE_URL: photoStoreUrl, TRACKING_GRACE_HOURS: '24' });
    publisher = new EventPublisher(new Kafka({ clientId: 'relay-stand-in', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }));
    await publisher.connect();
    userDataDir = await mkdtemp(join(tmpdir(), 'petalpost-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
      // A phone, in British English: times read 14:05.
      locale: 'en-GB',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    // A new consumer group starts at the log's end, which it learns on its first fetch, a moment
    // after joining: probe until an order shows, so no test's events fall before that end.
    await eventually(async () => {
      const probe = newOrder(uniqueName('shop'));
      await publishOrders(probe.placed());
      await eventually(async () => expect((await mintLink(probe.orderId, as({ role: 'operator' }))).status).toBe(201), 2_000);
    }, 30_000);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await publisher?.disconnect();
    await service?.app.close();
    await new Promise((resolve) => photoStore?.close(resolve));
  });

  it('shows a placed order and follows it to the road without a reload, with the arrangement’s photo', async () => {
    const order = await trackedOrder();
    const page = await open(order.url);
    expect(await statusOn(page)).toBe('placed');
    expect(await text(page, '#headline')).toBe('We have your order');
    expect(await text(page, '#title')).toBe('Flowers for Alex');
    expect(await text(page, '#when')).toMatch(/^Expected between \d\d:\d\d and \d\d:\d\d on /);
    expect(await stepStates(page)).toEqual(['placed:current', 'accepted:todo', 'in_production:todo', 'ready:todo', 'out_for_delivery:todo', 'delivered:todo']);
    expect(await shownPhoto(page, 'arrangement')).toBe(false);

    await publishOrders(order.accepted());
    await eventually(async () => expect(await statusOn(page)).toBe('accepted'));
    expect(await text(page, '#headline')).toBe('The shop has accepted your order');

    await publishOrders(order.started(), order.photographed(), order.finished(), order.assigned('rita'), order.pickedUp('rita'));
    await eventually(async () => expect(await statusOn(page)).toBe('out_for_delivery'));
    expect(await stepStates(page)).toEqual(['placed:done', 'accepted:done', 'in_production:done', 'ready:done', 'out_for_delivery:current', 'delivered:todo']);
    expect(await text(page, '#headline')).toBe('Your flowers are on the way');
    await eventually(async () => expect(await shownPhoto(page, 'arrangement')).toBe(true));
    expect(photosServed).toContain('/store/photos/arrangement-1.jpg');
    expect(await notReloaded(page)).toBe(true);
    await page.close();
  });

  it('shows the rider only while out for delivery with this order, moving, and the proof photo once delivered', async () => {
    const order = await trackedOrder();
    const rider = uniqueName('rider');
    await publishOrders(order.accepted(), order.finished(), order.assigned(rider));
    const page = await open(order.url);
    await eventually(async () => expect(await statusOn(page)).toBe('ready'));

    // The service knows where the assigned rider is, but the flowers are still at the shop.
    await eventually(async () => {
      await publishPosition(order.shopId, rider, 52.1, 5.12);
      await eventually(() => expect(service.app.get(RiderPositions).of(order.shopId, rider)).toBeDefined(), 1_000);
    });
    await page.waitForTimeout(1_500);
    expect(await riderShown(page)).toBe(false);

    await publishOrders(order.pickedUp(rider));
    await eventually(async () => expect(await riderShown(page)).toBe(true));
    expect(await text(page, '#distance')).toMatch(/^1\.1 km away, updated \d\d:\d\d$/);
    const far = await riderDot(page);

    await publishPosition(order.shopId, rider, 52.0915, 5.12);
    await eventually(async () => expect(await text(page, '#distance')).toMatch(/^170 m away/));
    expect(await riderDot(page)).not.toEqual(far);

    // Another rider, or this rider's name at another shop, moves nothing on this page.
    const near = await riderDot(page);
    await publishPosition(order.shopId, uniqueName('rider'), 52.2, 5.2);
    await publishPosition(uniqueName('shop'), rider, 52.3, 5.3);
    await page.waitForTimeout(2_000);
    expect(await riderDot(page)).toEqual(near);

    // What the link's holder receives (page, state, stream) gives the rider only as an offset from the
    // destination: with the rider's coordinates, less the offset, they would have the recipient's address.
    const held = [await (await fetch(order.url)).text(), await (await fetch(`${order.url}/state`)).text()];
    held.push(
      await streamed(
        order.url,
        (raw) => raw.includes('event: position'),
        () => publishPosition(order.shopId, rider, 52.0916, 5.1201),
      ),
    );
    expect(held.join('\n')).toContain('"relativeTo":"destination"');
    for (const received of held) expectNoCoordinates(received);

    await publishOrders(order.delivered(rider));
    await eventually(async () => expect(await statusOn(page)).toBe('delivered'));
    expect(await riderShown(page)).toBe(false);
    expect(await text(page, '#when')).toMatch(/^Delivered at \d\d:\d\d on /);
    await eventually(async () => expect(await shownPhoto(page, 'proof')).toBe(true));
    expect(photosServed).toContain('/store/photos/proof-1.jpg');
    expect(await text(page, '#expires')).toMatch(/^This link stops working on /);
    expect(await notReloaded(page)).toBe(true);
    await page.close();
  });

  it('shows dispatch’s ETA instead of the window once there is one', async () => {
    const order = await trackedOrder();
    await publishOrders(order.accepted(), order.finished());
    const page = await open(order.url);
    await eventually(async () => expect(await statusOn(page)).toBe('ready'));
    expect(await text(page, '#when')).toMatch(/^Expected between/);

    await publishEta(order.shopId, order.orderId, minutesFromNow(42));
    await eventually(async () => expect(await text(page, '#when')).toMatch(/^Arriving at about \d\d:\d\d$/));
    // Another shop cannot put a time on this shop's order.
    const state = async () => (await (await fetch(`${order.url}/state`)).json()) as { eta: string | null };
    const eta = (await state()).eta;
    await publishEta(uniqueName('shop'), order.orderId, minutesFromNow(5));
    await page.waitForTimeout(1_500);
    expect((await state()).eta).toBe(eta);
    await page.close();
  });

  it('answers a link whose order was delivered longer ago than the grace period with 404, as for a link that never was', async () => {
    const shopId = uniqueName('shop');
    const order = newOrder(shopId);
    const longAgo = new Date(Date.now() - 25 * 60 * 60_000).toISOString();
    await publishOrders(order.placed(), order.accepted(), order.finished(), order.pickedUp('rita'), order.delivered('rita', longAgo));
    const staff = as({ role: 'staff', shopId });
    const minted = await eventually(async () => {
      const response = await mintLink(order.orderId, staff);
      const body = (await response.json()) as MintedLink;
      expect(Date.parse(body.expiresAt)).toBeLessThan(Date.now());
      return body;
    });

    const never = `${service.url}/track/${newLinkId()}`;
    for (const url of [minted.url, never]) {
      const html = await fetch(url);
      expect(html.status).toBe(404);
      expect(await html.text()).toContain('We could not find this order');
      const state = await fetch(`${url}/state`);
      expect(state.status).toBe(404);
      expect(await state.json()).toMatchObject({ code: 'TRACKING_LINK_NOT_FOUND', message: 'no such tracking link' });
    }
    // Staff are not offered a link that no longer works.
    expect(((await (await links(order.orderId, staff)).json()) as { items: unknown[] }).items).toEqual([]);

    const page = await browser.newPage();
    const response = await page.goto(minted.url);
    expect(response?.status()).toBe(404);
    expect(await text(page, 'h1')).toBe('We could not find this order');
    await page.close();
  });

  it('shows nothing of an order to another order’s link, and a friendly 404 to a link that is not one', async () => {
    const mine = await trackedOrder(uniqueName('shop'), { anonymousSender: true });
    const theirs = await trackedOrder();
    await publishOrders(mine.accepted(), mine.photographed());
    await eventually(async () => expect(((await (await fetch(`${mine.url}/state`)).json()) as { status: string }).status).toBe('accepted'));

    const theirState = await (await fetch(`${theirs.url}/state`)).text();
    expect(JSON.parse(theirState)).toMatchObject({ status: 'placed', photos: { arrangement: null } });
    expect(theirState).not.toContain(mine.orderId);
    // The page tells a forwarded link's reader no more than a first name: no rider, address, phone or buyer.
    const myState = await (await fetch(`${mine.url}/state`)).text();
    for (const secret of ['Recipient', 'Lindenlaan', '8765', 'rita', 'alice', String(destination.lat)]) expect(myState).not.toContain(secret);

    // Only a link's id opens a page: not a token of any kind, not an id that was never minted, not a near miss.
    const forged = new AccessTokenSigner(generateSigningKey(DEVELOPMENT_KEY_ID)).sign({ role: 'staff', sub: 'mallory', shopId: mine.shopId });
    const staffToken = as({ role: 'staff', shopId: mine.shopId });
    const myId = idOf(mine.url);
    const nearMiss = `${myId.slice(0, -1)}${myId.endsWith('A') ? 'B' : 'A'}`;
    for (const link of ['not-a-token', forged, staffToken, newLinkId(), nearMiss, myId.toLowerCase() === myId ? myId.toUpperCase() : myId.toLowerCase()]) {
      const response = await fetch(`${service.url}/track/${link}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('We could not find this order');
      expect((await fetch(`${service.url}/track/${link}/state`)).status).toBe(404);
    }
    // Another order's link never reaches this order's photo.
    expect((await fetch(`${theirs.url}/photos/arrangement/x`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${mine.url}/photos/arrangement/x`, { redirect: 'manual' })).status).toBe(302);
  });

  it('sends the customer’s message to the shop: shown on the page as sent, as plain text, and listed for that shop’s staff only', async () => {
    const order = await trackedOrder();
    const page = await open(order.url);
    const words = 'Please ring twice <img src=x onerror="window.hacked=1"> — the bell is faint';
    await page.fill('#text', words);
    await page.click('#send button');
    await eventually(async () => expect(await text(page, '#messages')).toContain(words));
    expect(await text(page, '#messages')).toMatch(/Sent to the shop at \d\d:\d\d/);
    expect(await page.locator('#messages img').count()).toBe(0);
    expect(await page.evaluate<unknown>('window.hacked')).toBeUndefined();

    const list = async (token: string, shopId = order.shopId) =>
      fetch(`${service.url}/shops/${shopId}/customer-messages`, { headers: { authorization: `Bearer ${token}` } });
    const staffView = await list(order.staff);
    expect(staffView.status).toBe(200);
    expect(((await staffView.json()) as { items: unknown[] }).items).toEqual([
      { messageId: expect.any(String), orderId: order.orderId, text: words, sentAt: expect.any(String) },
    ]);
    expect(((await (await list(as({ role: 'operator' }))).json()) as { items: unknown[] }).items).toHaveLength(1);
    expect((await list(as({ role: 'staff', shopId: uniqueName('shop') }))).status).toBe(404);
    expect((await list(as({ role: 'florist', shopId: order.shopId }))).status).toBe(403);
    // A link's id is not a token: no other route takes it.
    expect((await list(idOf(order.url))).status).toBe(401);

    // A second tab of the same link hears of the message too.
    const other = await open(order.url);
    expect(await text(other, '#messages')).toContain(words);

    const empty = await fetch(`${order.url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '   ' }),
    });
    expect(empty.status).toBe(400);
    const long = await fetch(`${order.url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(1001) }),
    });
    expect(long.status).toBe(400);
    await page.close();
    await other.close();
  });

  it('mints a link for staff of the order’s shop and operators only', async () => {
    const order = await trackedOrder();
    expect((await mintLink(order.orderId, as({ role: 'operator' }))).status).toBe(201);
    const otherShop = await mintLink(order.orderId, as({ role: 'staff', shopId: uniqueName('shop') }));
    expect(otherShop.status).toBe(404);
    expect(await otherShop.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect((await mintLink(randomUUID(), order.staff)).status).toBe(404);
    expect((await mintLink(order.orderId, as({ role: 'rider', shopId: order.shopId }))).status).toBe(403);
    expect((await mintLink(order.orderId, 'nonsense')).status).toBe(401);
    // Minting takes no fields: a lifetime of the caller's choosing is refused, not ignored.
    const withFields = await fetch(`${service.url}/orders/${order.orderId}/tracking-link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${order.staff}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expiresAt: '2099-01-01T00:00:00Z' }),
    });
    expect(withFields.status).toBe(400);
    const minted = (await (await mintLink(order.orderId, order.staff)).json()) as MintedLink;
    expect(minted.url).toMatch(new RegExp(`^${service.url}/track/[\\w-]{43}$`));
    // Until the order is over, a link lasts TRACKING_LINK_DAYS (60) past the delivery window (3 hours from now).
    expect(Math.abs(Date.parse(minted.expiresAt) - (Date.now() + 3 * 60 * 60_000 + 60 * 24 * 60 * 60_000))).toBeLessThan(60_000);
    expect(minted.endsWith).toBe(idOf(minted.url).slice(-4));
    expect(minted.createdBy).toEqual({ role: 'staff', subject: 'someone' });
  });

  it('gives a new link each time staff ask, lists those that work by their last characters, and withdraws one or all at once', async () => {
    const order = await trackedOrder();
    const second = (await (await mintLink(order.orderId, as({ role: 'operator', sub: 'olga' }))).json()) as MintedLink;
    expect(second.url).not.toBe(order.url);
    const listed = async (token = order.staff) => {
      const response = await links(order.orderId, token);
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: Array<Omit<MintedLink, 'url'>> }).items;
    };
    const items = await listed();
    expect(items.map((l) => [l.linkId, l.endsWith, l.createdBy.role])).toEqual([
      [order.linkId, idOf(order.url).slice(-4), 'staff'],
      [second.linkId, idOf(second.url).slice(-4), 'operator'],
    ]);
    // The ids themselves are kept nowhere staff can read them.
    expect(JSON.stringify(items)).not.toContain(idOf(order.url));
    // The shop's dispatchers look after links too.
    expect(await listed(as({ role: 'dispatcher', shopId: order.shopId }))).toHaveLength(2);

    // The customer has the first link open.
    const page = await open(order.url);
    await eventually(async () => expect(await page.locator('#live').isVisible()).toBe(true));

    // Whoever may not look after the order's links is told the order does not exist, and nothing is withdrawn.
    for (const other of [
      as({ role: 'staff', shopId: uniqueName('shop') }),
      as({ role: 'rider', shopId: order.shopId }),
      as({ role: 'florist', shopId: order.shopId }),
    ]) {
      for (const response of [await links(order.orderId, other), await links(order.orderId, other, { method: 'DELETE' }, order.linkId)]) {
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
      }
    }
    expect((await links(order.orderId, idOf(order.url), { method: 'DELETE' }, order.linkId)).status).toBe(401);
    expect((await links(order.orderId, order.staff, { method: 'DELETE' }, randomUUID())).status).toBe(404);
    expect((await links(order.orderId, order.staff, { method: 'DELETE' }, 'not-a-link')).status).toBe(404);
    const otherOrder = await trackedOrder(order.shopId);
    expect((await links(otherOrder.orderId, order.staff, { method: 'DELETE' }, order.linkId)).status).toBe(404);
    expect((await fetch(`${order.url}/state`)).status).toBe(200);

    // Withdrawn: the open page is closed without a reload, and the link answers as one that never was.
    expect((await links(order.orderId, order.staff, { method: 'DELETE' }, order.linkId)).status).toBe(204);
    await eventually(async () => expect(await statusOn(page)).toBe('gone'));
    expect(await text(page, '#gone h1')).toBe('This link no longer works');
    expect(await notReloaded(page)).toBe(true);
    const state = await fetch(`${order.url}/state`);
    expect(state.status).toBe(404);
    expect(await state.json()).toMatchObject({ code: 'TRACKING_LINK_NOT_FOUND' });
    expect((await fetch(order.url)).status).toBe(404);
    expect((await fetch(`${order.url}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hello?"}' })).status).toBe(
      404,
    );
    // Withdrawing it again changes nothing; the other link still works.
    expect((await links(order.orderId, order.staff, { method: 'DELETE' }, order.linkId)).status).toBe(204);
    expect((await listed()).map((l) => l.linkId)).toEqual([second.linkId]);
    expect((await fetch(`${second.url}/state`)).status).toBe(200);
    expect((await fetch(`${otherOrder.url}/state`)).status).toBe(200);

    // All at once.
    const all = await links(order.orderId, as({ role: 'dispatcher', shopId: order.shopId }), { method: 'DELETE' });
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual({ revoked: 1 });
    expect((await fetch(`${second.url}/state`)).status).toBe(404);
    expect(await listed()).toEqual([]);
    expect((await fetch(`${otherOrder.url}/state`)).status).toBe(200);
    await page.close();
  });

  it('refuses a link’s id as a token on every route but /track: the live streams answer 401', async () => {
    const order = await trackedOrder();
    const link = idOf(order.url);
    expect((await fetch(`${service.url}/sse`, { headers: { authorization: `Bearer ${link}`, accept: 'text/event-stream' } })).status).toBe(401);
    expect((await fetch(`${service.url}/sse?access_token=${link}`, { headers: { accept: 'text/event-stream' } })).status).toBe(401);
    for (const ws of [
      new WebSocket(`${service.url.replace('http', 'ws')}/ws?access_token=${link}`),
      new WebSocket(`${service.url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${link}` } }),
    ]) {
      const frames: string[] = [];
      ws.on('message', (data) => frames.push(String(data)));
      const code = await new Promise<number>((resolve) => ws.on('close', (closed) => resolve(closed)));
      expect(code).toBe(CLOSE_UNAUTHENTICATED);
      expect(frames).toEqual([]);
    }
    expect((await fetch(`${service.url}/me/preferences`, { headers: { authorization: `Bearer ${link}` } })).status).toBe(401);
    expect((await links(order.orderId, link)).status).toBe(401);
  });

  /** The stylesheet and script a page links to, as absolute URLs ('' when it links none). */
  const linkedFrom = (html: string) => {
    const absolute = (href = '') => href && new URL(href, service.url).href;
    return {
      style: absolute(/<link rel="stylesheet" href="([^"]+)">/.exec(html)?.[1]),
      script: absolute(/<script src="([^"]+)"><\/script>/.exec(html)?.[1]),
    };
  };

  it('stays small and self-contained: under 30 kB, nothing loaded from another site', async () => {
    const order = await trackedOrder();
    const html = await fetch(order.url);
    const markup = await html.text();
    const { style, script } = linkedFrom(markup);
    let bytes = Buffer.byteLength(markup);
    for (const asset of [style, script]) bytes += (await (await fetch(asset)).arrayBuffer()).byteLength;
    expect(bytes).toBeLessThan(30 * 1024);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.headers.get('referrer-policy')).toBe('no-referrer');

    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(order.url);
    await eventually(async () => expect(await page.locator('#live').isVisible()).toBe(true));
    const origins = new Set(requested.map((u) => new URL(u).origin));
    expect([...origins]).toEqual([new URL(service.url).origin]);
    // The page, its own stylesheet and script, its live stream and perhaps a favicon: no fonts, nothing else.
    expect(requested.filter((u) => !u.endsWith('/favicon.ico')).sort()).toEqual([order.url, `${order.url}/events`, script, style].sort());
    process.stderr.write(`[tracking page] ${bytes} bytes of HTML, CSS and JS\n`);
    await page.close();
  });

  it('serves its stylesheet and script as files a browser may keep, and runs no inline script', async () => {
    const order = await trackedOrder();
    const html = await fetch(order.url);
    const policy = html.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("style-src 'self';");
    expect(policy).not.toMatch(/unsafe-inline|nonce-/);
    const { style, script } = linkedFrom(await html.text());
    expect(style).toMatch(/\/track\/assets\/\w+\/tracking\.css$/);
    expect(script).toMatch(/\/track\/assets\/\w+\/tracking\.js$/);
    // The notice for a bad link is styled by the same file, and needs no script.
    expect(linkedFrom(await (await fetch(`${service.url}/track/not-a-token`)).text())).toEqual({ style, script: '' });

    for (const [asset, type] of [
      [style, /^text\/css/],
      [script, /^(application|text)\/javascript/],
    ] as const) {
      const response = await fetch(asset);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(type);
      // The URL names the contents (a hash), so a year-long cache never serves stale files.
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await response.text()).length).toBeGreaterThan(500);
    }
    // A URL of other contents (an older version) is not answered with these.
    const stale = script.replace(/\/track\/assets\/[^/]+\//, '/track/assets/0123456789abcdef/');
    expect(stale).not.toBe(script);
    expect((await fetch(stale)).status).toBe(404);

    // In the browser the page's own script runs, and script written into the page does not.
    const page = await open(order.url);
    expect(await statusOn(page)).toBe('placed');
    await page.evaluate(`(() => {
      const injected = document.createElement('script');
      injected.textContent = 'window.inlineRan = true';
      document.body.appendChild(injected);
    })()`);
    expect(await page.evaluate<unknown>('window.inlineRan')).toBeUndefined();
    await page.close();
  });

  it('pushes at most about one position a second to a page, ending with the latest', async () => {
    const order = await trackedOrder();
    const rider = uniqueName('rider');
    await publishOrders(order.accepted(), order.finished(), order.assigned(rider), order.pickedUp(rider));
    await eventually(async () => expect(((await (await fetch(`${order.url}/state`)).json()) as { status: string }).status).toBe('out_for_delivery'));

    const events: Array<{ event: string; data: { rider?: { distanceM: number } } }> = [];
    const abort = new AbortController();
    const stream = await fetch(`${order.url}/events`, { signal: abort.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        }
      } catch {
        // aborted
      }
    })();
    await eventually(() => expect(events.some((e) => e.event === 'state')).toBe(true));

    // Twenty fixes in a burst, closing in on the destination.
    const started = Date.now();
    for (let i = 20; i >= 1; i--) await publishPosition(order.shopId, rider, destination.lat + i * 0.001, destination.lng);
    await eventually(() => expect(events.filter((e) => e.event === 'position').at(-1)?.data.rider?.distanceM).toBe(111));
    const seconds = (Date.now() - started) / 1000;
    const pushed = events.filter((e) => e.event === 'position').length;
    expect(pushed).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    abort.abort();
  });

  it('updates a page connected to another replica, whichever replica consumed the event', async () => {
    const second = await startTestService(notificationsService, {
      KAFKA_NAMESPACE: namespace,
      DATABASE_SCHEMA: service.config.DATABASE_SCHEMA,
      TRACKING_PHOTO_BASE_URL: photoStoreUrl,
    });
    try {
      const order = await trackedOrder();
      const token = order.url.split('/track/')[1];
      const page = await open(`${second.url}/track/${token}`);
      expect(await statusOn(page)).toBe('placed');
      const rider = uniqueName('rider');
      await publishOrders(order.accepted(), order.finished(), order.assigned(rider), order.pickedUp(rider));
      await eventually(async () => expect(await statusOn(page)).toBe('out_for_delivery'), 30_000);
      // Every replica reads every position.
      await eventually(async () => {
        await publishPosition(order.shopId, rider, 52.1, 5.12);
        await eventually(async () => expect(await riderShown(page)).toBe(true), 1_500);
      });
      expect(await notReloaded(page)).toBe(true);

      // A replica stopping with pages still connected ends their streams instead of waiting on them.
      const stopping = Date.now();
      await second.app.close();
      expect(Date.now() - stopping).toBeLessThan(5_000);
      await eventually(async () => expect(await page.locator('#live').isVisible()).toBe(false));
      await page.close();
    } finally {
      await second.app.close();
    }
  }, 90_000);
});
