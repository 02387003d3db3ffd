import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnreadablePayload } from './intake-order';
import { mapWooCommerceOrder } from './woocommerce.mapper';

/** WooCommerce's published order (fixtures/README.md), as its order webhooks carry it. */
const published = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'woocommerce-order.created.json'), 'utf8')) as Record<string, unknown>;
const context = { mapping: {}, timeZone: 'America/Los_Angeles' };

function withMeta(...meta: Array<{ key: string; value: unknown }>) {
  return { ...published, meta_data: [...(published.meta_data as unknown[]), ...meta.map((m, i) => ({ id: 9000 + i, ...m }))] };
}

describe('WooCommerce order mapper', () => {
  it('maps the published order: billing is the buyer, shipping the recipient, items with names unescaped, money in cents', () => {
    const mapped = mapWooCommerceOrder(published, context);
    expect(mapped).toEqual({
      kind: 'order',
      externalRef: '727',
      externalUpdatedAt: '2017-03-22T19:28:08.000Z',
      order: expect.objectContaining({
        displayRef: '727',
        buyer: { name: 'John Doe', email: 'john.doe@example.com', phone: '(555) 555-5555' },
        recipient: { name: 'John Doe', addressType: 'residence', address: { text: '969 Market, 94103 San Francisco, CA, US' } },
        items: [
          { sku: '93', name: 'Woo Single #1', quantity: 2 },
          { sku: 'Bar3', name: 'Ship Your Idea – Color: Black, Size: M Test', quantity: 1 },
        ],
        price: { amountMinor: 2935, currency: 'USD' },
        paid: true,
      }),
    });
  });

  it('finds no delivery date in the published order (it has no delivery-date plug-in): the order will be held', () => {
    const mapped = mapWooCommerceOrder(published, context);
    expect(mapped.kind === 'order' && mapped.order.deliveryWindow).toBeUndefined();
  });

  it('reads Order Delivery Date’s timestamp and time slot', () => {
    const midnight = String(Date.parse('2026-02-14T00:00:00Z') / 1000);
    const mapped = mapWooCommerceOrder(
      withMeta(
        { key: 'Delivery Date', value: '14 February, 2026' },
        { key: '_orddd_lite_timestamp', value: midnight },
        { key: '_orddd_time_slot', value: '10:00 - 12:00' },
      ),
      context,
    );
    expect(mapped.kind === 'order' && mapped.order.deliveryWindow).toEqual({
      from: '2026-02-14T10:00:00-08:00',
      to: '2026-02-14T12:00:00-08:00',
      timeZone: 'America/Los_Angeles',
    });
  });

  it('reads WooCommerce Order Delivery’s date and time frame', () => {
    const mapped = mapWooCommerceOrder(
      withMeta({ key: '_delivery_date', value: '2026-02-14' }, { key: '_delivery_time_frame', value: { time_from: '14:00', time_to: '16:00' } }),
      context,
    );
    expect(mapped.kind === 'order' && mapped.order.deliveryWindow).toMatchObject({ from: '2026-02-14T14:00:00-08:00', to: '2026-02-14T16:00:00-08:00' });
  });

  it('reads a card message from item meta by its shown label', () => {
    const order = {
      ...published,
      line_items: [
        {
          id: 1,
          name: 'Roses',
          product_id: 5,
          quantity: 1,
          meta_data: [{ id: 1, key: 'pa_card', value: 'x', display_key: 'Card message', display_value: 'Get well soon' }],
        },
      ],
    };
    const mapped = mapWooCommerceOrder(order, context);
    expect(mapped.kind === 'order' && mapped.order.cardMessage).toBe('Get well soon');
  });

  it('skips an order still being checked out, and takes a cancelled one as a cancellation', () => {
    expect(mapWooCommerceOrder({ ...published, status: 'checkout-draft' }, context)).toEqual({
      kind: 'skip',
      externalRef: '727',
      reason: 'status checkout-draft: not an order to make yet',
    });
    const cancelled = mapWooCommerceOrder({ ...published, status: 'cancelled' }, context);
    expect(cancelled.kind === 'order' && cancelled.order.cancelled).toEqual({ reason: 'status cancelled' });
  });

  it('refuses what is not a WooCommerce order', () => {
    expect(() => mapWooCommerceOrder({ webhook_id: 3 }, context)).toThrow(UnreadablePayload);
  });
});
