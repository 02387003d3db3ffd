import { startShopifyAdminStandIn, startWooCommerceStandIn, wooCommerceOrderSample, type ShopifyAdminStandIn, type WooCommerceStandIn } from './index';

// The stand-ins are what proves our write-back speaks each platform's documented API, so each
// refusal here is a request shape the platform itself would not accept.

const FULFILLMENT_ORDERS = `query FulfillmentOrders($id: ID!) {
  order(id: $id) { fulfillmentOrders(first: 10) { nodes { id status lineItems(first: 50) { nodes { id remainingQuantity } } } } }
}`;
const FULFILLMENT_CREATE = `mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } }
}`;
const FULFILLMENT_EVENT_CREATE = `mutation FulfillmentEventCreate($fulfillmentEvent: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $fulfillmentEvent) { fulfillmentEvent { id status } userErrors { field message } }
}`;

describe('the Shopify GraphQL Admin API stand-in', () => {
  let shopify: ShopifyAdminStandIn;
  beforeAll(async () => {
    shopify = await startShopifyAdminStandIn();
  });
  afterAll(() => shopify.close());

  const graphql = (body: unknown, init: { token?: string; url?: string; method?: string; contentType?: string } = {}) =>
    fetch(init.url ?? shopify.graphqlUrl, {
      method: init.method ?? 'POST',
      headers: { 'Content-Type': init.contentType ?? 'application/json', 'X-Shopify-Access-Token': init.token ?? shopify.accessToken },
      body: init.method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- GraphQL answers are read by path in these assertions
  const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, any> });
  const lastRefusal = () => shopify.calls().at(-1)?.refused;

  it('fulfils an order through its fulfillment order with the tracking link, then records events on the fulfillment', async () => {
    const { orderGid, fulfillmentOrderId } = shopify.addOrder(5001, [{ quantity: 2 }]);
    const asked = await json(await graphql({ query: FULFILLMENT_ORDERS, variables: { id: orderGid } }));
    expect(asked.body.data.order.fulfillmentOrders.nodes).toEqual([
      { id: fulfillmentOrderId, status: 'OPEN', lineItems: { nodes: [expect.objectContaining({ remainingQuantity: 2 })] } },
    ]);

    const fulfillment = {
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId }],
      notifyCustomer: true,
      trackingInfo: { company: 'Petalpost', url: 'https://track.example/t/abc' },
    };
    const created = await json(await graphql({ query: FULFILLMENT_CREATE, variables: { fulfillment } }));
    expect(created.body.data.fulfillmentCreate.userErrors).toEqual([]);
    const fulfillmentId = created.body.data.fulfillmentCreate.fulfillment.id as string;

    const event = await json(
      await graphql({
        query: FULFILLMENT_EVENT_CREATE,
        variables: { fulfillmentEvent: { fulfillmentId, status: 'DELIVERED', happenedAt: '2026-12-07T10:00:00Z' } },
      }),
    );
    expect(event.body.data.fulfillmentEventCreate.userErrors).toEqual([]);

    const again = await json(await graphql({ query: FULFILLMENT_ORDERS, variables: { id: orderGid } }));
    expect(again.body.data.order.fulfillments).toEqual([
      { id: fulfillmentId, status: 'SUCCESS', trackingInfo: [{ company: 'Petalpost', number: null, url: 'https://track.example/t/abc' }] },
    ]);
    expect(again.body.data.order.fulfillmentOrders.nodes[0].status).toBe('CLOSED');

    expect(shopify.fulfillments().find((f) => f.id === fulfillmentId)).toMatchObject({
      orderGid,
      notifyCustomer: true,
      trackingInfo: { url: 'https://track.example/t/abc' },
      events: [{ status: 'DELIVERED' }],
    });
    expect(shopify.calls().filter((c) => c.refused)).toEqual([]);
  });

  it('answers a second fulfillment of a closed fulfillment order with userErrors, creating nothing', async () => {
    const { fulfillmentOrderId } = shopify.addOrder(5002);
    const variables = { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId }] } };
    await graphql({ query: FULFILLMENT_CREATE, variables });
    const before = shopify.fulfillments().length;
    const again = await json(await graphql({ query: FULFILLMENT_CREATE, variables }));
    expect(again.body.data.fulfillmentCreate.userErrors[0].message).toMatch(/unfulfillable/);
    expect(shopify.fulfillments()).toHaveLength(before);
  });

  it('refuses a request without the shop access token, or with another one, with 401', async () => {
    expect((await graphql({ query: FULFILLMENT_ORDERS, variables: { id: 'gid://shopify/Order/1' } }, { token: 'shpat_wrong' })).status).toBe(401);
    expect(lastRefusal()).toMatch(/X-Shopify-Access-Token/);
  });

  it('refuses paths and methods the Admin API does not have', async () => {
    expect((await graphql({ query: FULFILLMENT_ORDERS }, { url: `${shopify.adminOrigin}/admin/api/2026-05/graphql.json` })).status).toBe(404);
    expect((await graphql({ query: FULFILLMENT_ORDERS }, { url: `${shopify.adminOrigin}/admin/api/2026-04/orders.json` })).status).toBe(404);
    expect((await graphql(undefined, { method: 'GET' })).status).toBe(405);
  });

  it('refuses a body that is not JSON { query, variables }', async () => {
    expect((await graphql(FULFILLMENT_ORDERS, { contentType: 'application/graphql' })).status).toBe(415);
    expect((await graphql('{"query": ', {})).status).toBe(400);
    expect((await graphql({ query: FULFILLMENT_ORDERS, variables: {}, extra: 1 })).status).toBe(400);
  });

  it.each([
    [
      'an operation it does not serve',
      { query: 'mutation M($id: ID!) { orderCancel(orderId: $id) { job { id } } }', variables: { id: 'gid://shopify/Order/1' } },
      /not served/,
    ],
    [
      'a mutation asked as a query',
      { query: 'query Q($fulfillment: FulfillmentInput!) { fulfillmentCreate(fulfillment: $fulfillment) { userErrors { message } } }', variables: {} },
      /is a mutation/,
    ],
    [
      'a variable declared with the wrong type',
      { query: FULFILLMENT_CREATE.replace('FulfillmentInput!', 'FulfillmentV2Input!'), variables: {} },
      /declared FulfillmentV2Input!/,
    ],
    ['an inline literal argument', { query: 'query { order(id: "gid://shopify/Order/1") { fulfillmentOrders(first: 1) { nodes { id } } } }' }, /as a variable/],
    ['a missing required argument', { query: 'mutation M { fulfillmentCreate { userErrors { message } } }' }, /missing required arguments: fulfillment/],
    [
      'a connection without first or last',
      { query: FULFILLMENT_ORDERS.replace('fulfillmentOrders(first: 10)', 'fulfillmentOrders'), variables: { id: 'gid://shopify/Order/1' } },
      /first or last/,
    ],
    ['an input without lineItemsByFulfillmentOrder', { query: FULFILLMENT_CREATE, variables: { fulfillment: { notifyCustomer: false } } }, /invalid value/],
    [
      'an input field Shopify does not define',
      {
        query: FULFILLMENT_CREATE,
        variables: { fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: 'gid://shopify/FulfillmentOrder/1' }], trackingUrl: 'x' } },
      },
      /invalid value/,
    ],
    [
      'a fulfillment event status outside the enum',
      { query: FULFILLMENT_EVENT_CREATE, variables: { fulfillmentEvent: { fulfillmentId: 'gid://shopify/Fulfillment/1', status: 'CARDED' } } },
      /invalid value/,
    ],
    [
      'a fulfillment event without its fulfillment',
      { query: FULFILLMENT_EVENT_CREATE, variables: { fulfillmentEvent: { status: 'DELIVERED' } } },
      /invalid value/,
    ],
    ['a numeric id where a global id is documented', { query: FULFILLMENT_ORDERS, variables: { id: '5001' } }, /invalid value/],
  ])('answers %s with a GraphQL error and changes nothing', async (_name, body, reason) => {
    const before = shopify.operations().length;
    const answer = await json(await graphql(body));
    expect(answer.status).toBe(200);
    expect(answer.body.errors[0].message).toBeDefined();
    expect(lastRefusal()).toMatch(reason);
    expect(shopify.operations()).toHaveLength(before);
  });

  it('fails the next requests it is told to, then answers again', async () => {
    const { orderGid } = shopify.addOrder(5003);
    shopify.failNext(2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await graphql({ query: FULFILLMENT_ORDERS, variables: { id: orderGid } })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(
      shopify
        .calls()
        .slice(-3)
        .map((c) => Boolean(c.injectedFailure)),
    ).toEqual([true, true, false]);
  });
});

describe('the WooCommerce REST API v3 stand-in', () => {
  let woo: WooCommerceStandIn;
  beforeAll(async () => {
    woo = await startWooCommerceStandIn();
    const sample = wooCommerceOrderSample();
    for (let i = 1; i <= 5; i++) woo.putOrder({ ...sample, id: 800 + i, date_modified_gmt: `2026-12-0${i}T10:00:00` });
  });
  afterAll(() => woo.close());

  const basic = () => `Basic ${Buffer.from(`${woo.consumerKey}:${woo.consumerSecret}`).toString('base64')}`;
  const call = (path: string, init: { method?: string; body?: unknown; auth?: string | null; contentType?: string } = {}) =>
    fetch(`${woo.siteUrl}wp-json/wc/v3/${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.auth === null ? {} : { Authorization: init.auth ?? basic() }),
        ...(init.body === undefined ? {} : { 'Content-Type': init.contentType ?? 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  it('lists orders modified after a moment, a page at a time, with WordPress pagination headers', async () => {
    const first = await call('orders?modified_after=2026-12-02T10:00:00&dates_are_gmt=true&per_page=2&page=1&orderby=id&order=asc');
    expect(first.status).toBe(200);
    expect(((await first.json()) as Array<{ id: number }>).map((o) => o.id)).toEqual([803, 804]);
    expect(first.headers.get('x-wp-total')).toBe('3');
    expect(first.headers.get('x-wp-totalpages')).toBe('2');
    expect(first.headers.get('link')).toMatch(/[?&]page=2[&>].*; rel="next"/);
    const second = await call('orders?modified_after=2026-12-02T10:00:00&dates_are_gmt=true&per_page=2&page=2&orderby=id&order=asc');
    expect(((await second.json()) as Array<{ id: number }>).map((o) => o.id)).toEqual([805]);
    expect(second.headers.get('link')).toMatch(/rel="prev"/);
  });

  it('accepts the consumer key and secret as query parameters too', async () => {
    const response = await fetch(`${woo.siteUrl}wp-json/wc/v3/orders/801?consumer_key=${woo.consumerKey}&consumer_secret=${woo.consumerSecret}`);
    expect(response.status).toBe(200);
  });

  it('refuses a request without the consumer key, or with a wrong secret, with 401', async () => {
    expect((await call('orders', { auth: null })).status).toBe(401);
    const wrong = await call('orders', { auth: `Basic ${Buffer.from(`${woo.consumerKey}:cs_wrong`).toString('base64')}` });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'woocommerce_rest_authentication_error', data: { status: 401 } });
  });

  it.each([
    ['per_page above 100', 'orders?per_page=101'],
    ['page 0', 'orders?page=0'],
    ['a date that is not ISO 8601', 'orders?modified_after=yesterday'],
    ['a parameter the API does not have', 'orders?updated_since=2026-12-01T00:00:00'],
    ['an orderby it does not know', 'orders?orderby=total'],
  ])('refuses a list with %s with 400 rest_invalid_param', async (_name, path) => {
    const response = await call(path);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'rest_invalid_param' });
  });

  it('refuses routes and methods the API does not have with 404 rest_no_route', async () => {
    expect((await call('orders/801', { method: 'PATCH', body: { status: 'completed' } })).status).toBe(404);
    expect((await call('orders/801/notes', { method: 'PUT', body: { note: 'x' } })).status).toBe(404);
    expect((await call('order/801')).status).toBe(404);
  });

  it('sets an order status and meta, and moves its modified date on', async () => {
    const response = await call('orders/802', {
      method: 'PUT',
      body: { status: 'completed', meta_data: [{ key: '_petalpost_tracking_url', value: 'https://track.example/t/x' }] },
    });
    expect(response.status).toBe(200);
    expect(woo.order(802)).toMatchObject({
      status: 'completed',
      meta_data: expect.arrayContaining([expect.objectContaining({ key: '_petalpost_tracking_url' })]),
    });
    expect(woo.order(802)!.date_modified_gmt > '2026-12-02T10:00:00').toBe(true);
    expect(woo.orderUpdates().at(-1)).toEqual({ orderId: 802, body: expect.objectContaining({ status: 'completed' }) });
  });

  it.each([
    ['a status the site does not have', { status: 'delivered' }],
    ['a field that is not writable', { date_completed: '2026-12-07T10:00:00' }],
    ['meta without a key', { meta_data: [{ value: 'x' }] }],
  ])('refuses an order update with %s, changing nothing', async (_name, body) => {
    const before = woo.orderUpdates().length;
    const response = await call('orders/803', { method: 'PUT', body });
    expect(response.status).toBe(400);
    expect(woo.orderUpdates()).toHaveLength(before);
    expect(woo.order(803)!.status).toBe('processing');
  });

  it('adds a customer note, and refuses one without text, in another media type, or on an unknown order', async () => {
    const created = await call('orders/804/notes', { method: 'POST', body: { note: 'Delivered 10:02', customer_note: true } });
    expect(created.status).toBe(201);
    expect(woo.notes(804)).toEqual([expect.objectContaining({ note: 'Delivered 10:02', customer_note: true })]);
    expect((await call('orders/804/notes', { method: 'POST', body: { customer_note: true } })).status).toBe(400);
    expect((await call('orders/804/notes', { method: 'POST', body: { note: 'x' }, contentType: 'application/x-www-form-urlencoded' })).status).toBe(400);
    expect((await call('orders/999999/notes', { method: 'POST', body: { note: 'x' } })).status).toBe(404);
    expect(woo.notes(804)).toHaveLength(1);
  });

  it('fails the next request it is told to with a 5xx', async () => {
    woo.failNext(1, 502);
    expect((await call('orders/801')).status).toBe(502);
    expect((await call('orders/801')).status).toBe(200);
  });

  it('fails only the requests it is told to pick', async () => {
    woo.failNext(1, 503, (request) => request.method === 'PUT');
    expect((await call('orders/801')).status).toBe(200);
    expect((await call('orders/801', { method: 'PUT', body: { customer_note: 'x' } })).status).toBe(503);
    expect((await call('orders/801', { method: 'PUT', body: { customer_note: 'x' } })).status).toBe(200);
  });
});
