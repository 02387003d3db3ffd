import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WooOrder } from './woocommerce-rest.stand-in';

export * from './stand-in-server';
export * from './shopify-admin.stand-in';
export * from './woocommerce-rest.stand-in';
export * from './webhook-senders';

/** WooCommerce's published order example (see fixtures/README.md), a fresh copy each call. */
export function wooCommerceOrderSample(): WooOrder {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'woocommerce-order.created.json'), 'utf8')) as WooOrder;
}
