import { z } from 'zod';
import { defineEvent } from './integration-event';

/**
 * What the orders service's intake (orders arriving from shop systems: Shopify, WooCommerce, the
 * intake API, CSV imports) publishes on `orders.events`, keyed by `intake-<intakeId>`. No personal
 * data: staff open the held order through GET /intake/attention. Told to the shop's staff only
 * (libs/auth visibility: STAFF_EVENTS), who resolve held orders.
 */

const time = z.iso.datetime({ offset: true });

const intakeRef = {
  intakeId: z.string(),
  shopId: z.string(),
  source: z.string().describe('The shop system: `shopify:<shop domain>`, `woocommerce:<connection id>`, or what an API caller or import names'),
  externalRef: z.string().describe("The order's id in that system"),
};

/**
 * An incoming order was not placed and waits for staff: no delivery date, no recipient address,
 * its slot is full, or the shop system cancelled an order that has already left the shop.
 */
export const IntakeOrderNeedsAttentionV1 = defineEvent(
  'IntakeOrderNeedsAttention',
  1,
  z.object({
    ...intakeRef,
    reason: z
      .string()
      .describe('missing_delivery_date, missing_address, missing_recipient, missing_items, missing_buyer, slot_full, refused, unclear_note, cancel_refused'),
    detail: z.string().optional().describe('What was refused, in words'),
    orderId: z.string().optional().describe('The order concerned, when one was placed already (cancel_refused)'),
    heldAt: time,
  }),
);

/** A held order was dealt with: placed (staff gave what was missing, or a newer snapshot had it) or dismissed. */
export const IntakeOrderResolvedV1 = defineEvent(
  'IntakeOrderResolved',
  1,
  z.object({
    ...intakeRef,
    resolution: z.enum(['placed', 'dismissed']),
    orderId: z.string().optional(),
    reason: z.string().optional(),
    resolvedAt: time,
  }),
);

export const INTAKE_EVENT_CONTRACTS = [IntakeOrderNeedsAttentionV1, IntakeOrderResolvedV1] as const;

/** Stream (and Kafka key) of one intake order's events in the orders log. */
export function intakeStream(intakeId: string): string {
  return `intake-${intakeId}`;
}
