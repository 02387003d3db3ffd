import {
  startShopifyAdminStandIn,
  startWooCommerceStandIn,
  wooCommerceOrderSample,
  type ShopifyAdminStandIn,
  type WooCommerceStandIn,
} from '@petalpost/testing/shop-platforms';
import type { WritebackFacts } from '../domain/writeback-plan';
import { WritebackFailure } from './shop-status-writer';
import { ShopifyStatusWriter } from './shopify-status.writer';
import { WooCommerceStatusWriter } from './woocommerce-status.writer';

// Shopify and WooCommerce cannot be reached from here: each writer talks to a local stand-in that
// refuses any request their documentation would not accept (libs/testing/src/shop-platforms).

const at = '2026-12-07T10:15:00.000Z';
const facts = (status: WritebackFacts['status']): WritebackFacts => ({ status, happenedAt: at });
const signal = new AbortController().signal;
let nextOrder = 7_000;

describe('the Shopify status writer', () => {
  let shopify: ShopifyAdminStandIn;
  let writer: ShopifyStatusWriter;
  beforeAll(async () => {
    shopify = await startShopifyAdminStandIn();
    writer = new ShopifyStatusWriter({ apiVersion: shopify.apiVersion, timeoutMs: 5_000, adminOrigin: shopify.adminOrigin });
  });
  afterAll(() => shopify.close());
  // Every request matched Shopify's documented shape, but the one sent with a revoked token on purpose.
  afterEach(() => expect(shopify.calls().filter((c) => c.refused && c.headers['x-shopify-access-token'] !== 'shpat_revoked')).toEqual([]));

  const target = (externalRef: string, accessToken = shopify.accessToken) => ({
    platform: 'shopify' as const,
    connectionId: 'c1',
    shopDomain: shopify.shopDomain,
    accessToken,
    externalRef,
  });

  it('fulfils the order with the tracking link when it goes out, then tells each step on that fulfillment', async () => {
    const id = String(nextOrder++);
    const { orderGid } = shopify.addOrder(id, [{ quantity: 1 }, { quantity: 2 }]);
    const out = await writer.write(target(id), { facts: facts('out_for_delivery'), trackingUrl: 'https://petalpost.example/track/abc' }, signal);
    const delivered = await writer.write(target(id), { facts: facts('delivered') }, signal);

    expect(delivered.remoteRef).toBe(out.remoteRef);
    expect(shopify.fulfillments().filter((f) => f.orderGid === orderGid)).toEqual([
      expect.objectContaining({
        id: out.remoteRef,
        notifyCustomer: true,
        trackingInfo: expect.objectContaining({ url: 'https://petalpost.example/track/abc' }),
        events: [expect.objectContaining({ status: 'OUT_FOR_DELIVERY', happenedAt: at }), expect.objectContaining({ status: 'DELIVERED' })],
      }),
    ]);
  });

  it('fulfils the order itself when the first step it hears of is a card', async () => {
    const id = String(nextOrder++);
    const { orderGid } = shopify.addOrder(id);
    await writer.write(target(id), { facts: facts('carded') }, signal);
    expect(shopify.fulfillments().filter((f) => f.orderGid === orderGid)).toEqual([
      expect.objectContaining({ events: [expect.objectContaining({ status: 'ATTEMPTED_DELIVERY' })] }),
    ]);
  });

  it('fulfils once when an attempt is repeated after its answer was lost', async () => {
    const id = String(nextOrder++);
    const { orderGid } = shopify.addOrder(id);
    await writer.write(target(id), { facts: facts('failed') }, signal);
    await writer.write(target(id), { facts: facts('failed') }, signal);
    expect(shopify.fulfillments().filter((f) => f.orderGid === orderGid)).toHaveLength(1);
  });

  it('reports a 5xx as worth retrying', async () => {
    const id = String(nextOrder++);
    shopify.addOrder(id);
    shopify.failNext(1);
    await expect(writer.write(target(id), { facts: facts('delivered') }, signal)).rejects.toMatchObject({ retryable: true });
  });

  it('reports an order the shop does not have, and a token it refuses, as not worth retrying', async () => {
    await expect(writer.write(target('999999999'), { facts: facts('delivered') }, signal)).rejects.toEqual(
      new WritebackFailure('the shop has no order gid://shopify/Order/999999999', false),
    );
    const id = String(nextOrder++);
    shopify.addOrder(id);
    await expect(writer.write(target(id, 'shpat_revoked'), { facts: facts('delivered') }, signal)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/HTTP 401/),
    });
  });
});

describe('the WooCommerce status writer', () => {
  let woo: WooCommerceStandIn;
  const writer = new WooCommerceStatusWriter({ timeoutMs: 5_000 });
  beforeAll(async () => {
    woo = await startWooCommerceStandIn();
  });
  afterAll(() => woo.close());

  const target = (externalRef: string) => ({
    platform: 'woocommerce' as const,
    connectionId: 'c2',
    siteUrl: woo.siteUrl,
    consumerKey: woo.consumerKey,
    consumerSecret: woo.consumerSecret,
    externalRef,
  });
  const order = () => {
    const id = nextOrder++;
    woo.putOrder({ ...wooCommerceOrderSample(), id });
    return id;
  };

  it('tells the buyer in a note, with the tracking link, that the flowers are out', async () => {
    const id = order();
    await writer.write(target(String(id)), { facts: facts('out_for_delivery'), trackingUrl: 'https://petalpost.example/track/abc' }, signal);
    expect(woo.notes(id)).toEqual([expect.objectContaining({ customer_note: true, note: expect.stringContaining('https://petalpost.example/track/abc') })]);
    expect(woo.order(id)!.status).toBe('processing');
  });

  it('completes a delivered order and notes it for the buyer', async () => {
    const id = order();
    await writer.write(target(String(id)), { facts: facts('delivered') }, signal);
    expect(woo.order(id)!.status).toBe('completed');
    expect(woo.notes(id)).toHaveLength(1);
    expect(woo.calls().filter((c) => c.refused)).toEqual([]);
  });

  it('reports a 5xx as worth retrying, and writes no note when the status could not be set', async () => {
    const id = order();
    woo.failNext(1, 503);
    await expect(writer.write(target(String(id)), { facts: facts('delivered') }, signal)).rejects.toMatchObject({ retryable: true });
    expect(woo.notes(id)).toEqual([]);
  });

  it('reports an order the site does not have as not worth retrying', async () => {
    await expect(writer.write(target('424242'), { facts: facts('carded') }, signal)).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/HTTP 404/),
    });
  });

  it('never sends the consumer key to a site that is not HTTPS', async () => {
    await expect(writer.write({ ...target('1'), siteUrl: 'http://shop.example/' }, { facts: facts('carded') }, signal)).rejects.toThrow(
      /not served over HTTPS/,
    );
  });
});
