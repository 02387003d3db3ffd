import { randomUUID } from 'node:crypto';
import { webhookSignature } from '../domain/signatures';
import type { Connection } from './intake-connections.store';

/**
 * A sample order delivery for a connection's test, shaped and signed as its platform sends one
 * (docs/intake.md), with the delivery date where the connection's mapping looks first — so the
 * test shows whether the mapping finds it.
 */
export function sampleDelivery(connection: Connection, secret: string, now: Date): { body: Buffer; headers: Record<string, string> } {
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  const dateRef = connection.mapping.deliveryDate?.[0];
  const id = now.getTime();
  if (connection.platform === 'shopify') {
    const attribute = dateRef?.from === 'order' ? dateRef.name : 'Delivery-Date';
    const order = {
      id,
      name: '#TEST',
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      email: 'test.buyer@example.com',
      currency: 'EUR',
      total_price: '39.50',
      financial_status: 'paid',
      note: null,
      note_attributes: [
        { name: attribute, value: tomorrow },
        { name: 'Delivery-Time', value: '13:00 - 15:00' },
      ],
      customer: { id: 1, first_name: 'Test', last_name: 'Buyer', email: 'test.buyer@example.com' },
      shipping_address: { first_name: 'Test', last_name: 'Recipient', address1: 'Teststraat 1', city: 'Utrecht', zip: '3511 AA', country_code: 'NL' },
      line_items: [{ id: 1, sku: 'TEST-BOUQUET', title: 'Test bouquet', quantity: 1, properties: [] }],
    };
    const body = Buffer.from(JSON.stringify(order));
    return {
      body,
      headers: {
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': webhookSignature(body, secret),
        'x-shopify-shop-domain': connection.shopDomain ?? '',
        'x-shopify-api-version': '2026-04',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': now.toISOString(),
      },
    };
  }
  const key = dateRef?.from === 'order' && dateRef.name ? dateRef.name : '_orddd_lite_timestamp';
  const dateValue = key.endsWith('timestamp') ? String(Date.parse(`${tomorrow}T00:00:00Z`) / 1000) : tomorrow;
  const order = {
    id,
    number: 'TEST',
    status: 'processing',
    currency: 'EUR',
    date_created_gmt: now.toISOString().slice(0, 19),
    date_modified_gmt: now.toISOString().slice(0, 19),
    date_paid_gmt: now.toISOString().slice(0, 19),
    total: '39.50',
    customer_id: 0,
    customer_note: '',
    billing: { first_name: 'Test', last_name: 'Buyer', email: 'test.buyer@example.com', phone: '' },
    shipping: { first_name: 'Test', last_name: 'Recipient', address_1: 'Teststraat 1', city: 'Utrecht', postcode: '3511 AA', country: 'NL' },
    meta_data: [
      { id: 1, key, value: dateValue },
      { id: 2, key: '_orddd_time_slot', value: '13:00 - 15:00' },
    ],
    line_items: [{ id: 1, name: 'Test bouquet', product_id: 1, sku: 'TEST-BOUQUET', quantity: 1, meta_data: [] }],
  };
  const body = Buffer.from(JSON.stringify(order));
  return {
    body,
    headers: {
      'x-wc-webhook-source': connection.siteUrl ?? '',
      'x-wc-webhook-topic': 'order.created',
      'x-wc-webhook-resource': 'order',
      'x-wc-webhook-event': 'created',
      'x-wc-webhook-signature': webhookSignature(body, secret),
      'x-wc-webhook-id': '1',
      'x-wc-webhook-delivery-id': randomUUID(),
    },
  };
}
