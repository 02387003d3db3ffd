import {
  AddressTypeSchema,
  CARD_MESSAGE_MAX,
  DeliveryWindowSchema,
  GeoPointSchema,
  MoneySchema,
  OrderItemSchema,
  OrderSourceSchema,
  OrderTypeSchema,
} from '@petalpost/contracts';
import { z } from 'zod';

/**
 * The one shape every channel maps an incoming order to (Shopify, WooCommerce, the intake API, a
 * CSV row, staff resolving a held order), before IntakePlacer decides what to do with it. Who and
 * where may be incomplete here: an order without a delivery date or the recipient's address is not
 * refused but held for staff ("needs attention"), so those parts are optional. Which order of the
 * shop system it is (source, external reference) and how recent (its updatedAt) travel beside it.
 */
export const IntakeOrderSchema = z.strictObject({
  /** What staff know the order by in the shop system (Shopify's "#1001"); the external reference when absent. */
  displayRef: z.string().min(1).max(100).optional(),
  orderType: OrderTypeSchema.default('gift'),
  /** How the order reached the shop: web for a storefront, phone for a phone order. */
  channel: OrderSourceSchema.default('shop_system'),
  buyer: z
    .strictObject({
      name: z.string().min(1).max(200),
      phone: z.string().min(3).max(40).optional(),
      email: z.email().max(254).optional(),
      customerId: z.string().min(1).max(100).optional(),
    })
    .optional(),
  recipient: z
    .strictObject({
      name: z.string().min(1).max(200).optional(),
      phone: z.string().min(3).max(40).optional(),
      /** A privacy number (隐私号) stops working then: shown as expired after, never as callable. */
      phoneExpiresAt: z.iso.datetime({ offset: true }).optional(),
      addressType: AddressTypeSchema.default('residence'),
      address: z
        .strictObject({
          text: z.string().min(1).max(500),
          geo: GeoPointSchema.strict().optional(),
          ward: z.string().min(1).max(100).optional(),
          room: z.string().min(1).max(50).optional(),
          notes: z.string().min(1).max(500).optional(),
        })
        .optional(),
    })
    .optional(),
  items: z.array(OrderItemSchema.strict()).max(50).default([]),
  /** The delivery window in the shop's time zone, when the shop system said when. */
  deliveryWindow: DeliveryWindowSchema.optional(),
  /** What the shop system said about the date and time, as it said it: shown to staff when it could not be read. */
  deliveryText: z.string().min(1).max(200).optional(),
  cardMessage: z.string().min(1).max(CARD_MESSAGE_MAX).optional(),
  anonymousSender: z.boolean().default(false),
  doNotContactRecipient: z.boolean().default(false),
  price: MoneySchema.strict().optional(),
  paid: z.boolean().default(false),
  /** The buyer's note to the shop, kept for staff (not the card). */
  note: z.string().min(1).max(1000).optional(),
  /** What a connector could not read with certainty (an ambiguous card or anonymity request): the order is held for staff with this. */
  review: z.string().min(1).max(500).optional(),
  /** The shop system cancelled the order. */
  cancelled: z.strictObject({ reason: z.string().min(1).max(500) }).optional(),
});

export type IntakeOrder = z.infer<typeof IntakeOrderSchema>;
export type IntakeOrderInput = z.input<typeof IntakeOrderSchema>;

/**
 * Where an order came from: a connection's platform and store (`shopify:petals.myshopify.com`,
 * `woocommerce:<connection id>`), or what an API caller or CSV import names itself. With the
 * external reference it names one order of one shop system: the key of `intake_orders`.
 */
export const IntakeSourceSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'letters, digits and . _ : / @ -');

export const ExternalRefSchema = z.string().min(1).max(200);

/** Why an incoming order is held for staff instead of placed. */
export const HOLD_REASONS = [
  'missing_delivery_date',
  'missing_address',
  'missing_recipient',
  'missing_items',
  'missing_buyer',
  'slot_full',
  'refused',
  'unclear_note',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** What became of an incoming order: the answer of IntakePlacer.receive, recorded on every delivery. */
export const INTAKE_OUTCOMES = ['placed', 'updated', 'duplicate', 'stale', 'needs_attention', 'cancelled'] as const;
export type IntakeOutcome = (typeof INTAKE_OUTCOMES)[number];

/** An intake order's life in `intake_orders`. */
export type IntakeStatus = 'placed' | 'needs_attention' | 'dismissed';

/** A complete order: everything PlaceOrder needs. */
export type CompleteIntakeOrder = IntakeOrder & {
  buyer: NonNullable<IntakeOrder['buyer']>;
  recipient: NonNullable<IntakeOrder['recipient']> & { name: string; address: NonNullable<NonNullable<IntakeOrder['recipient']>['address']> };
  deliveryWindow: NonNullable<IntakeOrder['deliveryWindow']>;
};

/**
 * Why the order cannot be placed as it is, or undefined when it can. The date first: it is what
 * a florist needs before anything else to plan the day. What a connector could not read with
 * certainty comes last: staff see it (the hold's detail) whichever reason holds the order.
 */
export function missingForPlacement(order: IntakeOrder): HoldReason | undefined {
  if (order.deliveryWindow === undefined) return 'missing_delivery_date';
  if (order.recipient?.address === undefined) return 'missing_address';
  if (order.recipient.name === undefined) return 'missing_recipient';
  if (order.items.length === 0) return 'missing_items';
  if (order.buyer === undefined) return 'missing_buyer';
  if (order.review !== undefined) return 'unclear_note';
  return undefined;
}

export function isComplete(order: IntakeOrder): order is CompleteIntakeOrder {
  return missingForPlacement(order) === undefined;
}

/** What a platform's mapper makes of one delivery: an order snapshot, or a reason to take nothing. */
export type MappedDelivery =
  { kind: 'order'; externalRef: string; externalUpdatedAt: string; order: IntakeOrder } | { kind: 'skip'; externalRef?: string; reason: string };

/** A payload that is not the platform's order at all (no id, no time): nothing can be taken from it. */
export class UnreadablePayload extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadablePayload';
  }
}
