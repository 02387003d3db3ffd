import { UnreadablePayload } from './intake-order';
import { mapShopifyOrder } from './shopify.mapper';

/**
 * A Shopify order as the REST-shaped webhook body carries it, written from the Order resource's
 * field list (Shopify publishes no sample we could copy): a Zapiet delivery date and time in the
 * note attributes, a card message as a line-item property, the recipient in the shipping address
 * and a payer in the billing address.
 */
function shopifyOrder(overrides: Record<string, unknown> = {}) {
  return {
    id: 820982911946154500,
    admin_graphql_api_id: 'gid://shopify/Order/820982911946154500',
    name: '#1001',
    created_at: '2026-02-10T10:00:00-05:00',
    updated_at: '2026-02-10T10:05:00-05:00',
    email: 'sam@example.com',
    currency: 'EUR',
    total_price: '49.95',
    financial_status: 'paid',
    note: 'Please ring twice',
    note_attributes: [
      { name: 'Checkout-Method', value: 'delivery' },
      { name: 'Delivery-Date', value: '2026-02-14' },
      { name: 'Delivery-Time', value: '1:00 PM - 3:00PM' },
    ],
    customer: { id: 207119551, first_name: 'Sam', last_name: 'Buyer', email: 'sam@example.com', phone: '+31 6 1234 5678' },
    billing_address: { first_name: 'Pat', last_name: 'Payer', address1: 'Betaalstraat 9', city: 'Amsterdam', zip: '1011 AA', country_code: 'NL' },
    shipping_address: {
      first_name: 'Alex',
      last_name: 'Recipient',
      address1: 'Lindenlaan 5',
      address2: '2nd floor',
      city: 'Utrecht',
      zip: '3511 AB',
      country_code: 'NL',
      phone: '+31 6 8765 4321',
      latitude: 52.09,
      longitude: 5.12,
    },
    line_items: [
      {
        id: 1,
        variant_id: 11,
        sku: 'ROSE-12',
        title: 'Twelve red roses',
        name: 'Twelve red roses - Large',
        quantity: 1,
        properties: [{ name: 'Card message', value: 'Happy birthday, love Sam' }],
      },
    ],
    ...overrides,
  };
}

const context = { mapping: {}, timeZone: 'Europe/Amsterdam' };

describe('Shopify order mapper', () => {
  it('maps buyer, shipping recipient, items, Zapiet date and time, card message, price and payment', () => {
    const mapped = mapShopifyOrder(shopifyOrder(), 'orders/create', context);
    expect(mapped).toEqual({
      kind: 'order',
      externalRef: '820982911946154500',
      externalUpdatedAt: '2026-02-10T10:05:00-05:00',
      order: expect.objectContaining({
        displayRef: '#1001',
        channel: 'web',
        buyer: { name: 'Sam Buyer', email: 'sam@example.com', phone: '+31 6 1234 5678', customerId: '207119551' },
        recipient: {
          name: 'Alex Recipient',
          phone: '+31 6 8765 4321',
          addressType: 'residence',
          address: { text: 'Lindenlaan 5, 2nd floor, 3511 AB Utrecht, NL', geo: { lat: 52.09, lng: 5.12 } },
        },
        items: [{ sku: 'ROSE-12', name: 'Twelve red roses - Large', quantity: 1 }],
        deliveryWindow: { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00', timeZone: 'Europe/Amsterdam' },
        deliveryText: '2026-02-14 1:00 PM - 3:00PM',
        cardMessage: 'Happy birthday, love Sam',
        price: { amountMinor: 4995, currency: 'EUR' },
        paid: true,
        note: 'Please ring twice',
        anonymousSender: false,
      }),
    });
  });

  it('never takes the billing address for the recipient', () => {
    const mapped = mapShopifyOrder(shopifyOrder({ shipping_address: null }), 'orders/create', context);
    expect(mapped.kind === 'order' && mapped.order.recipient).toBeUndefined();
  });

  it('leaves the window out, keeping the text, when the date does not read', () => {
    const mapped = mapShopifyOrder(shopifyOrder({ note_attributes: [{ name: 'Delivery-Date', value: 'next Friday' }] }), 'orders/create', context);
    expect(mapped.kind === 'order' && mapped.order).toMatchObject({ deliveryText: 'next Friday' });
    expect(mapped.kind === 'order' && mapped.order.deliveryWindow).toBeUndefined();
  });

  it('reads the date from the _ZapietId line-item property', () => {
    const order = shopifyOrder({
      note_attributes: [],
      line_items: [{ id: 1, sku: 'ROSE-12', title: 'Roses', quantity: 2, properties: [{ name: '_ZapietId', value: 'M=D&L=104&D=2026-02-14T12:00:00Z' }] }],
    });
    const mapped = mapShopifyOrder(order, 'orders/create', context);
    expect(mapped.kind === 'order' && mapped.order.deliveryWindow).toEqual({
      from: '2026-02-14T09:00:00+01:00',
      to: '2026-02-14T18:00:00+01:00',
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('follows the connection’s own mapping and Giftnote’s message', () => {
    const order = shopifyOrder({
      note_attributes: [
        { name: 'Bezorgdatum', value: '14-02-2026' },
        { name: 'giftnote_message', value: 'Sterkte' },
        { name: 'Anonymous', value: 'yes' },
      ],
      line_items: [{ id: 1, sku: 'X', title: 'Bouquet', quantity: 1, properties: [] }],
    });
    const mapping = { deliveryDate: [{ from: 'order' as const, name: 'bezorgdatum' }], defaultWindow: { from: '10:00', to: '12:00' } };
    const mapped = mapShopifyOrder(order, 'orders/updated', { ...context, mapping });
    expect(mapped.kind === 'order' && mapped.order).toMatchObject({
      deliveryWindow: { from: '2026-02-14T10:00:00+01:00', to: '2026-02-14T12:00:00+01:00' },
      cardMessage: 'Sterkte',
      anonymousSender: true,
    });
  });

  it('reads a cancellation from orders/cancelled or cancelled_at', () => {
    const cancelled = mapShopifyOrder(shopifyOrder({ cancelled_at: '2026-02-11T09:00:00Z', cancel_reason: 'customer' }), 'orders/updated', context);
    expect(cancelled.kind === 'order' && cancelled.order.cancelled).toEqual({ reason: 'customer' });
    const byTopic = mapShopifyOrder(shopifyOrder(), 'orders/cancelled', context);
    expect(byTopic.kind === 'order' && byTopic.order.cancelled).toEqual({ reason: 'cancelled' });
  });

  it('takes an unpaid order as unpaid', () => {
    const mapped = mapShopifyOrder(shopifyOrder({ financial_status: 'pending' }), 'orders/create', context);
    expect(mapped.kind === 'order' && mapped.order.paid).toBe(false);
  });

  it('refuses what is not a Shopify order', () => {
    expect(() => mapShopifyOrder({ hello: 'world' }, 'orders/create', context)).toThrow(UnreadablePayload);
    expect(() => mapShopifyOrder(shopifyOrder({ updated_at: null, created_at: null }), 'orders/create', context)).toThrow(UnreadablePayload);
  });
});
