import { developmentTokens, type Principal } from '@petalpost/auth';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, customerTokenForgery, eventually, startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from './orders.config';
import { ordersService } from './orders.service';

// Windows next year: an order whose window is over is refused at placement.
const year = new Date().getUTCFullYear() + 1;
const tokens = developmentTokens();
const items = [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 2 }];

interface Listed {
  orderId: string;
  shopId: string;
  status: string;
  reference?: string;
  deliveryWindow: { from: string; to: string };
  placedAt: string;
  itemCount: number;
  version: number;
}
interface Page {
  items: Listed[];
  nextCursor: string | null;
}

describe('orders list and projection admin (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let shopA: string;
  let shopB: string;
  let staffA: string;
  let staffB: string;
  let operator: string;
  /** What each shop's orders should look like in the list, by order id. */
  const placed = new Map<string, { shopId: string; status: string; reference: string; windowFrom: string }>();

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const call = (method: string, path: string, token: string | undefined, body?: unknown) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const list = async (token: string, query: Record<string, string | number> = {}) => {
    const response = await call('GET', `/orders?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`, token);
    return { status: response.status, body: (await response.json()) as Page & { code?: string } };
  };
  /** Every page of a listing, following nextCursor. */
  const listAll = async (token: string, query: Record<string, string | number> = {}) => {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await list(token, { ...query, ...(cursor ? { cursor } : {}) });
      expect(status).toBe(200);
      pages.push(body);
      cursor = body.nextCursor;
    } while (cursor && pages.length < 100);
    return { pages, items: pages.flatMap((p) => p.items) };
  };
  const idsOf = (rows: Listed[]) => rows.map((r) => r.orderId);
  const expected = (filter: (o: { shopId: string; status: string; reference: string; windowFrom: string }) => boolean) =>
    [...placed]
      .filter(([, o]) => filter(o))
      .sort(([idA, a], [idB, b]) => Date.parse(a.windowFrom) - Date.parse(b.windowFrom) || (idA < idB ? -1 : idA > idB ? 1 : 0))
      .map(([id]) => id);
  const projectionsStatus = async () => {
    const response = await call('GET', '/admin/projections', operator);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Array<Record<string, unknown> & { rebuild?: Record<string, unknown> }> }).items;
  };
  const caughtUp = () =>
    eventually(async () => {
      const { items } = await listAll(operator, { limit: 200 });
      expect(items).toHaveLength(placed.size);
      // What a reader sees decides: the lag figure is refreshed only once a second.
      expect(items.filter((o) => o.status !== placed.get(o.orderId)?.status)).toEqual([]);
      const [summaries] = await projectionsStatus();
      expect(summaries).toMatchObject({ name: 'order-summaries', lag: 0 });
    });

  const place = async (token: string, shopId: string, n: number) => {
    // Windows spread over three days; several share a start, so the order id breaks ties.
    const start = new Date(Date.UTC(year, 1, 14 + (n % 3), 8 + (n % 4)));
    const window = { from: start.toISOString(), to: new Date(start.getTime() + 2 * 3600_000).toISOString() };
    const reference = n % 5 === 0 ? `Rose-${n}` : `WEB-${n}`;
    const response = await call('POST', '/orders', token, {
      items,
      deliveryWindow: window,
      reference,
      buyer: { name: 'Sam' },
      recipient: { name: `Recipient of ${reference}`, address: { text: 'Lindenlaan 3' } },
    });
    expect(response.status).toBe(201);
    const { orderId } = (await response.json()) as { orderId: string };
    placed.set(orderId, { shopId, status: 'placed', reference, windowFrom: window.from });
    return orderId;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace });
    shopA = uniqueName('shop');
    shopB = uniqueName('shop');
    staffA = as({ role: 'staff', shopId: shopA, sub: 'alice' });
    staffB = as({ role: 'staff', shopId: shopB, sub: 'bob' });
    operator = as({ role: 'operator', sub: 'olga' });
    const ordersA = await Promise.all(Array.from({ length: 23 }, (_, n) => place(staffA, shopA, n)));
    await Promise.all(Array.from({ length: 5 }, (_, n) => place(staffB, shopB, n)));
    for (const [i, orderId] of ordersA.entries()) {
      if (i % 4 === 1) {
        expect((await call('POST', `/orders/${orderId}/accept`, staffA)).status).toBe(200);
        placed.get(orderId)!.status = 'accepted';
      } else if (i % 4 === 2) {
        expect((await call('POST', `/orders/${orderId}/cancel`, staffA, { reason: 'customer called' })).status).toBe(200);
        placed.get(orderId)!.status = 'cancelled';
      }
    }
    await caughtUp();
  });
  afterAll(() => service?.app.close());

  it('lists a shop’s orders by delivery window, page by page, with nothing repeated or missing', async () => {
    const { pages, items: listed } = await listAll(staffA, { limit: 5 });
    expect(pages).toHaveLength(5);
    expect(pages.slice(0, 4).every((p) => p.items.length === 5)).toBe(true);
    expect(pages[4].nextCursor).toBeNull();
    expect(idsOf(listed)).toEqual(expected((o) => o.shopId === shopA));
    const first = listed.find((o) => placed.get(o.orderId)!.status === 'accepted')!;
    expect(first).toMatchObject({ shopId: shopA, status: 'accepted', itemCount: 2, version: 2, reference: placed.get(first.orderId)!.reference });
  });

  it('sorts by window or by placing time, either way, page by page', async () => {
    const latestWindowFirst = await listAll(staffA, { sort: '-window', limit: 4 });
    expect(idsOf(latestWindowFirst.items)).toEqual(expected((o) => o.shopId === shopA).reverse());

    const newestFirst = await listAll(staffA, { sort: '-placed', limit: 4 });
    expect(new Set(idsOf(newestFirst.items))).toEqual(new Set(expected((o) => o.shopId === shopA)));
    const times = newestFirst.items.map((o) => Date.parse(o.placedAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(idsOf((await listAll(staffA, { sort: 'placed', limit: 6 })).items)).toEqual(idsOf(newestFirst.items).reverse());

    // A cursor continues the sort it came from, and no other.
    const { body } = await list(staffA, { sort: 'placed', limit: 2 });
    const mixed = await list(staffA, { sort: 'window', cursor: body.nextCursor! });
    expect(mixed.status).toBe(400);
    expect(mixed.body.code).toBe('INVALID_CURSOR');
  });

  it('filters by status, delivery window and reference', async () => {
    const accepted = await listAll(staffA, { status: 'accepted', limit: 2 });
    expect(idsOf(accepted.items)).toEqual(expected((o) => o.shopId === shopA && o.status === 'accepted'));

    const windowFrom = `${year}-02-15T00:00:00Z`;
    const windowTo = `${year}-02-16T00:00:00+00:00`;
    const day = await listAll(staffA, { windowFrom, windowTo });
    const onThe15th = expected((o) => o.shopId === shopA && o.windowFrom >= `${year}-02-15` && o.windowFrom < `${year}-02-16`);
    expect(onThe15th.length).toBeGreaterThan(0);
    expect(idsOf(day.items)).toEqual(onThe15th);

    const roses = await listAll(staffA, { q: 'rOSE' });
    expect(idsOf(roses.items)).toEqual(expected((o) => o.shopId === shopA && o.reference.startsWith('Rose-')));
    expect((await list(staffA, { q: '%' })).body.items).toEqual([]);

    const combined = await listAll(staffA, { status: 'placed', windowFrom, q: 'web' });
    expect(idsOf(combined.items)).toEqual(
      expected((o) => o.shopId === shopA && o.status === 'placed' && o.windowFrom >= `${year}-02-15` && o.reference.startsWith('WEB-')),
    );
  });

  it('shows shop roles their own shop only, and lets operators choose', async () => {
    expect(idsOf((await listAll(staffB)).items)).toEqual(expected((o) => o.shopId === shopB));
    // Another shop's staff sees none of shop A's orders, and asking for shop A is 404.
    const other = await listAll(as({ role: 'staff', shopId: uniqueName('shop') }));
    expect(other.items).toEqual([]);
    const peek = await list(staffB, { shopId: shopA });
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('SHOP_NOT_FOUND');
    // A florist's list is the production queue: accepted orders, not placed or cancelled ones.
    expect(idsOf((await listAll(as({ role: 'florist', shopId: shopA }))).items)).toEqual(expected((o) => o.shopId === shopA && o.status === 'accepted'));
    expect(idsOf((await listAll(as({ role: 'dispatcher', shopId: shopB }), { shopId: shopB })).items)).toEqual(expected((o) => o.shopId === shopB));
    expect(idsOf((await listAll(operator, { shopId: shopB })).items)).toEqual(expected((o) => o.shopId === shopB));
    expect(idsOf((await listAll(operator, { limit: 7 })).items)).toEqual(expected(() => true));
  });

  it.each([
    ['an unknown parameter', { colour: 'red' }, 'VALIDATION_FAILED'],
    ['a limit above 200', { limit: 201 }, 'VALIDATION_FAILED'],
    ['a status that does not exist', { status: 'lost' }, 'VALIDATION_FAILED'],
    ['a sort it does not know', { sort: 'price' }, 'VALIDATION_FAILED'],
    ['a window that is not a time', { windowFrom: 'tomorrow' }, 'VALIDATION_FAILED'],
    ['a window that ends before it starts', { windowFrom: '2026-02-15T00:00:00Z', windowTo: '2026-02-14T00:00:00Z' }, 'VALIDATION_FAILED'],
    ['a cursor it did not hand out', { cursor: 'bm90LWEtY3Vyc29y' }, 'INVALID_CURSOR'],
    [
      'a cursor on 30 February',
      { cursor: Buffer.from(JSON.stringify(['2026-02-30T10:00:00.000000Z', 'x', 'window'])).toString('base64url') },
      'INVALID_CURSOR',
    ],
  ])('answers %s with 400', async (_case, query, code) => {
    const { status, body } = await list(staffA, query as Record<string, string>);
    expect(status).toBe(400);
    expect(body.code).toBe(code);
  });

  it('shows a rider only the orders assigned to them', async () => {
    const { status, body } = await list(as({ role: 'rider', shopId: shopA }));
    expect(status).toBe(200);
    expect(body.items).toEqual([]);
  });

  it('refuses a customer token, as a tracking link used to carry, and callers without a token (401)', async () => {
    const [someOrder] = placed.keys();
    const refused = await list(customerTokenForgery(someOrder));
    expect(refused.status).toBe(401);
    expect(refused.body.items).toBeUndefined();
    expect((await call('GET', '/orders', undefined)).status).toBe(401);
  });

  it('answers no older than the log: a list asked for after a change waits for the projection to apply it', async () => {
    const orderId = await place(staffB, shopB, 7);
    await caughtUp();
    // Hold the projection: its next batch waits to write the list's table, which this transaction
    // holds in SHARE mode (readers pass; a table lock takes no transaction id, so the log stays readable).
    const holder = service.app.get(DataSource).createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      const tables = (await holder.query(
        `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE tablename LIKE 'order_summaries%' AND schemaname = current_schema()`,
      )) as Array<{ name: string }>;
      expect(tables.length).toBeGreaterThan(0);
      await holder.query(`LOCK TABLE ${tables.map((t) => t.name).join(', ')} IN SHARE MODE`);
      expect((await call('POST', `/orders/${orderId}/accept`, staffB)).status).toBe(200);
      // The change is in the log (a screen may already have been told of it), not yet in the projection.
      const asked = Date.now();
      const answer = list(staffB, { q: 'WEB-7' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await holder.commitTransaction();
      const { status, body } = await answer;
      expect(status).toBe(200);
      expect(body.items.find((o) => o.orderId === orderId)).toMatchObject({ status: 'accepted', version: 2 });
      expect(Date.now() - asked).toBeGreaterThanOrEqual(300);
      placed.get(orderId)!.status = 'accepted';
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('still answers GET /orders/:orderId beside the list', async () => {
    const [orderId] = expected((o) => o.shopId === shopA);
    const response = await call('GET', `/orders/${orderId}`, staffA);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ orderId, shopId: shopA });
  });

  it('shows operators each projection’s checkpoint, lag and rate, and nobody else', async () => {
    expect((await call('GET', '/admin/projections', staffA)).status).toBe(403);
    expect((await call('POST', '/admin/projections/order-summaries/rebuild', staffA)).status).toBe(403);
    const [summaries] = await projectionsStatus();
    expect(summaries).toMatchObject({
      name: 'order-summaries',
      version: 2,
      ready: true,
      lag: 0,
      checkpoint: { transactionId: expect.any(String), globalPosition: expect.any(Number) },
      eventsPerSecond: expect.any(Number),
    });
    const ready = (await (await fetch(`${service.url}/health/ready`)).json()) as { details: { processors: Record<string, { lag: number }> } };
    expect(ready.details.processors['projection:order-summaries']).toMatchObject({ ready: true, lag: 0 });
  });

  it('rebuilds the orders list on request (202) while it keeps answering, refuses a second rebuild (409), and lists the same orders after', async () => {
    const before = (await listAll(operator, { limit: 200 })).items;
    expect((await call('POST', '/admin/projections/nope/rebuild', operator)).status).toBe(404);

    // A long read of the live list holds the swap back, so the rebuild is observably in progress.
    const reader = service.app.get(DataSource).createQueryRunner();
    await reader.connect();
    await reader.startTransaction();
    await reader.query(`SELECT count(*) FROM order_summaries`);
    try {
      const started = await call('POST', '/admin/projections/order-summaries/rebuild', operator);
      expect(started.status).toBe(202);
      const progress = (await started.json()) as Record<string, unknown>;
      expect(progress).toMatchObject({ id: expect.any(String), projection: 'order-summaries', state: 'running' });

      const again = await call('POST', '/admin/projections/order-summaries/rebuild', operator);
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ code: 'REBUILD_IN_PROGRESS' });

      // Queries keep working (they read the live table) and writes keep flowing.
      const during = await list(staffA, { limit: 200 });
      expect(during.status).toBe(200);
      expect(idsOf(during.body.items)).toEqual(expected((o) => o.shopId === shopA));
      await place(staffB, shopB, 99);
      const [summaries] = await projectionsStatus();
      expect(summaries.rebuild).toMatchObject({ id: progress.id, state: expect.stringMatching(/running|swapping/) });
    } finally {
      await reader.commitTransaction();
      await reader.release();
    }
    const done = await eventually(async () => {
      const [summaries] = await projectionsStatus();
      expect(summaries.rebuild).toMatchObject({ state: 'done' });
      return summaries.rebuild!;
    });
    expect(done.eventsDone).toBeGreaterThanOrEqual(placed.size);

    await caughtUp();
    const after = (await listAll(operator, { limit: 200 })).items;
    expect(after.filter((o) => before.some((b) => b.orderId === o.orderId))).toEqual(before);
    expect(idsOf(after)).toEqual(expected(() => true));
  });
});
