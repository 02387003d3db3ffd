import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WooOrder } from './woocommerce-rest.stand-in';

export * from './stand-in-server';
export * from './meituan.stand-in';
export * from './eleme.stand-in';
export * from './shopify-admin.stand-in';
export * from './woocommerce-rest.stand-in';
export * from './webhook-senders';
export * from './youzan.stand-in';
export * from './wechat.stand-in';

/** WooCommerce's published order example (see fixtures/README.md), a fresh copy each call. */
export function wooCommerceOrderSample(): WooOrder {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'woocommerce-order.created.json'), 'utf8')) as WooOrder;
}

/**
 * A Shopify order as its REST-shaped webhook body carries it, written from the Order resource's
 * field list (no sample could be copied): a Zapiet delivery date and slot in the note attributes,
 * a card message as a line-item property, the recipient in the shipping address.
 */
export function shopifyOrder(id: number, date: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id % 100000}`,
    created_at: '2026-02-10T10:00:00+01:00',
    updated_at: '2026-02-10T10:00:00+01:00',
    email: 'sam@example.com',
    currency: 'EUR',
    total_price: '49.95',
    financial_status: 'paid',
    note: null,
    note_attributes: [
      { name: 'Checkout-Method', value: 'delivery' },
      { name: 'Delivery-Date', value: date },
      { name: 'Delivery-Time', value: '13:00 - 15:00' },
    ],
    customer: { id: 207119551, first_name: 'Sam', last_name: 'Buyer', email: 'sam@example.com' },
    billing_address: { first_name: 'Pat', last_name: 'Payer', address1: 'Betaalstraat 9', city: 'Amsterdam', zip: '1011 AA', country_code: 'NL' },
    shipping_address: {
      first_name: 'Alex',
      last_name: 'Recipient',
      address1: 'Lindenlaan 5',
      city: 'Utrecht',
      zip: '3511 AB',
      country_code: 'NL',
      phone: '+31 6 8765 4321',
    },
    line_items: [
      { id: 1, sku: 'ROSE-12', title: 'Twelve red roses', name: 'Twelve red roses', quantity: 1, properties: [{ name: 'Card message', value: 'Love, Sam' }] },
    ],
    ...overrides,
  };
}
