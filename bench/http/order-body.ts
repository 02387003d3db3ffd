import type { OrdersPaths } from '@petalpost/api-clients';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The body of `POST /orders` as the orders service's OpenAPI document describes it. */
type PlaceOrderBody = OrdersPaths['/orders']['post']['requestBody']['content']['application/json'];

/**
 * The body of the benchmark's `POST /orders`: one order exactly as the API takes it today, typed
 * by the orders service's document, so the type check fails when the order API's body changes
 * (this is the one place to fix it): the bench counts every response other than 201 as an error,
 * and a run with errors fails its target.
 *
 * The delivery window is tomorrow, 13:00–15:00 UTC, counted from `now` (the start of the run): a
 * window that has already ended may be refused. The bench's shop plans no delivery slots, so
 * every order is taken (no slot capacity to run out of), as in a shop that does not plan them.
 */
export function placeOrderBody(now = new Date()): PlaceOrderBody {
  const day = new Date(now.getTime() + DAY_MS).toISOString().slice(0, 10);
  return {
    reference: 'BENCH-1',
    items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
    deliveryWindow: { from: `${day}T13:00:00Z`, to: `${day}T15:00:00Z`, timeZone: 'Europe/Amsterdam' },
    buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678', email: 'sam@example.com' },
    recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Oudegracht 1, Utrecht' } },
  };
}
