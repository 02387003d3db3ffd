import { z } from 'zod';
import { defineEvent } from './integration-event';

/**
 * The order's vocabulary, shared by the orders API, its log and `orders.events`, and the
 * integration events published there (one schema per type and version; docs/architecture.md
 * lists them with their producers and consumers).
 */

export const ORDER_STATUSES = [
  'placed',
  'accepted',
  'rejected',
  'in_production',
  'ready',
  'out_for_delivery',
  'delivered',
  'carded',
  'delivery_failed',
  'returned',
  'cancelled',
] as const;
export const OrderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

/** Nothing more happens to an order in these. */
export const FINAL_STATUSES: readonly OrderStatus[] = ['rejected', 'delivered', 'returned', 'cancelled'];

const time = z.iso.datetime({ offset: true });

export const OrderItemSchema = z.object({
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  quantity: z.number().int().min(1).max(999),
});
export type OrderItem = z.infer<typeof OrderItemSchema>;

const knownTimeZones = new Set<string>();

/** Asks Intl once per zone: building a formatter costs ≈0.2 ms, and shops use a handful of zones. */
function isTimeZone(name: string): boolean {
  if (knownTimeZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
  } catch {
    return false;
  }
  if (knownTimeZones.size < 1000) knownTimeZones.add(name);
  return true;
}

export const TimeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone such as Europe/Amsterdam');

/** When the recipient may be visited. Times carry their offset; the zone names the local clock. */
export const DeliveryWindowSchema = z
  .object({
    from: time,
    to: time,
    timeZone: TimeZoneSchema.optional().describe("The recipient's local time zone, e.g. Europe/Amsterdam"),
  })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'window must end after it starts', path: ['to'] });
export type DeliveryWindow = z.infer<typeof DeliveryWindowSchema>;

export const OrderTypeSchema = z.enum(['gift', 'sympathy', 'corporate', 'event']);
export type OrderType = z.infer<typeof OrderTypeSchema>;

export const OrderSourceSchema = z.enum(['web', 'phone', 'walk_in', 'shop_system', 'marketplace']);
export type OrderSource = z.infer<typeof OrderSourceSchema>;

/** Where the flowers go decides how they are handed over (a ward, a reception, a service time). */
export const AddressTypeSchema = z.enum(['residence', 'business', 'hospital', 'school', 'funeral_home']);
export type AddressType = z.infer<typeof AddressTypeSchema>;

export const MoneySchema = z.object({
  amountMinor: z.number().int().min(0).max(100_000_000).describe('In the currency’s minor unit (cents)'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
});
export type Money = z.infer<typeof MoneySchema>;

export const GeoPointSchema = z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });
export type GeoPoint = z.infer<typeof GeoPointSchema>;

/** The buyer's contact: personal data, stored encrypted under the buyer's key. */
export const BuyerContactSchema = z.object({
  name: z.string().min(1).max(200),
  phone: z.string().min(3).max(40).optional(),
  email: z.email().max(254).optional(),
});
export type BuyerContact = z.infer<typeof BuyerContactSchema>;

/** The recipient's contact and address: personal data, stored encrypted under the recipient's key. */
export const RecipientContactSchema = z.object({
  name: z.string().min(1).max(200),
  phone: z.string().min(3).max(40).optional(),
  phoneExpiresAt: time.optional().describe('A privacy number (隐私号) a platform gave: not callable after this'),
  address: z.object({
    text: z.string().min(1).max(500),
    geo: GeoPointSchema.optional(),
    ward: z.string().min(1).max(100).optional().describe('Hospitals: ward'),
    room: z.string().min(1).max(50).optional().describe('Hospitals: room'),
    notes: z.string().min(1).max(500).optional().describe('Floor, gate code, where to ring'),
  }),
});
export type RecipientContact = z.infer<typeof RecipientContactSchema>;

/** The card's words: only staff and florists read them. A card has room for so much. */
export const CARD_MESSAGE_MAX = 400;

export const DeliveryOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('recipient') }),
  z.object({ kind: z.literal('neighbour') }),
  z.object({ kind: z.literal('safe_place'), place: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('reception') }),
]);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcomeSchema>;

/** A reference to a stored photo (the attachment store's key), never the bytes. */
export const PhotoRefSchema = z.string().min(1).max(300);

export const DeliveryFailureReasonSchema = z.enum([
  'wrong_address',
  'refused',
  'facility_refuses_flowers',
  'recipient_unavailable',
  'damaged',
  'access_denied',
  'other',
]);

export const DeliveryProofSchema = z.object({
  photoRef: PhotoRefSchema.optional(),
  at: time,
  position: GeoPointSchema.optional(),
});

// ---------------------------------------------------------------------------------------------
// Integration events on orders.events. Personal data is published as read at publishing time:
// `null` when the person has been erased. Buyer contact and the card message are never published.

const orderRef = { orderId: z.string(), shopId: z.string() };
/** The rider assigned at the time, so the rider's app hears of changes to their orders. */
const assignee = { riderId: z.string().optional() };

export const OrderPlacedV1Schema = z.object({
  ...orderRef,
  reference: z.string().optional(),
  items: z.array(OrderItemSchema).min(1),
  deliveryWindow: DeliveryWindowSchema,
  placedAt: time,
});

/** OrderPlaced v1 knew only items and a window: what a v1 order meant for everything recorded since. */
export const ORDER_PLACED_V1_MEANT = {
  orderType: 'gift',
  source: 'shop_system',
  addressType: 'residence',
  anonymousSender: false,
  doNotContactRecipient: false,
  paid: false,
} as const;

export const OrderPlacedV2 = defineEvent(
  'OrderPlaced',
  2,
  z.object({
    ...orderRef,
    reference: z.string().optional(),
    orderType: OrderTypeSchema,
    source: OrderSourceSchema,
    items: z.array(OrderItemSchema).min(1),
    deliveryWindow: DeliveryWindowSchema,
    deadline: time.optional().describe('A hard deadline such as a funeral service time'),
    addressType: AddressTypeSchema,
    anonymousSender: z.boolean(),
    doNotContactRecipient: z.boolean(),
    recipientPersonId: z.string().nullable(),
    recipient: RecipientContactSchema.nullable().describe('null: erased, or not known to the publisher'),
    price: MoneySchema.optional(),
    paid: z.boolean(),
    placedAt: time,
  }),
  {
    1: (data) => ({ ...ORDER_PLACED_V1_MEANT, recipientPersonId: null, recipient: null, ...(data as object) }),
  },
);

export const OrderAcceptedV1 = defineEvent('OrderAccepted', 1, z.object({ ...orderRef, acceptedAt: time }));
export const OrderRejectedV1 = defineEvent('OrderRejected', 1, z.object({ ...orderRef, reason: z.string(), rejectedAt: time }));
export const OrderCancelledV1 = defineEvent('OrderCancelled', 1, z.object({ ...orderRef, ...assignee, reason: z.string(), cancelledAt: time }));
export const OrderPaidV1 = defineEvent('OrderPaid', 1, z.object({ ...orderRef, paidAt: time }));
export const ProductionStartedV1 = defineEvent('ProductionStarted', 1, z.object({ ...orderRef, startedAt: time }));
export const ArrangementPhotoAttachedV1 = defineEvent('ArrangementPhotoAttached', 1, z.object({ ...orderRef, photoRef: PhotoRefSchema, attachedAt: time }));
export const ArrangementFinishedV1 = defineEvent('ArrangementFinished', 1, z.object({ ...orderRef, finishedAt: time }));
export const RiderAssignedV1 = defineEvent('RiderAssigned', 1, z.object({ ...orderRef, riderId: z.string(), assignedAt: time }));
export const RiderUnassignedV1 = defineEvent(
  'RiderUnassigned',
  1,
  z.object({ ...orderRef, riderId: z.string(), reason: z.string().optional(), unassignedAt: time }),
);
export const OutForDeliveryV1 = defineEvent('OutForDelivery', 1, z.object({ ...orderRef, riderId: z.string(), pickedUpAt: time }));
export const OrderDeliveredV1 = defineEvent(
  'OrderDelivered',
  1,
  z.object({
    ...orderRef,
    ...assignee,
    outcome: DeliveryOutcomeSchema,
    proof: DeliveryProofSchema,
    receivedBy: z.string().nullable().describe('Who took the flowers (the neighbour’s name); null when not given or erased'),
    deliveredAt: time,
  }),
);
export const DeliveryCardedV1 = defineEvent(
  'DeliveryCarded',
  1,
  z.object({ ...orderRef, ...assignee, note: z.string().optional(), photoRef: PhotoRefSchema.optional(), cardedAt: time }),
);
export const DeliveryReattemptedV1 = defineEvent('DeliveryReattempted', 1, z.object({ ...orderRef, ...assignee, reattemptedAt: time }));
export const DeliveryFailedV1 = defineEvent(
  'DeliveryFailed',
  1,
  z.object({ ...orderRef, ...assignee, reason: DeliveryFailureReasonSchema, note: z.string().optional(), failedAt: time }),
);
export const DeliveryRescheduledV1 = defineEvent(
  'DeliveryRescheduled',
  1,
  z.object({ ...orderRef, ...assignee, deliveryWindow: DeliveryWindowSchema, rescheduledAt: time }),
);
export const OrderReturnedV1 = defineEvent('OrderReturned', 1, z.object({ ...orderRef, ...assignee, note: z.string().optional(), returnedAt: time }));
export const DeliveryAddressCorrectedV1 = defineEvent(
  'DeliveryAddressCorrected',
  1,
  z.object({
    ...orderRef,
    ...assignee,
    addressType: AddressTypeSchema,
    recipientPersonId: z.string(),
    recipient: RecipientContactSchema.nullable(),
    correctedAt: time,
  }),
);
export const DeliveryWindowChangedV1 = defineEvent(
  'DeliveryWindowChanged',
  1,
  z.object({ ...orderRef, ...assignee, deliveryWindow: DeliveryWindowSchema, changedAt: time }),
);
export const OrderExceptionFlaggedV1 = defineEvent(
  'OrderExceptionFlagged',
  1,
  z.object({ ...orderRef, exceptionId: z.string(), kind: z.string(), note: z.string().optional(), flaggedAt: time }),
);
export const OrderExceptionClearedV1 = defineEvent(
  'OrderExceptionCleared',
  1,
  z.object({ ...orderRef, exceptionId: z.string(), resolution: z.string().optional(), clearedAt: time }),
);
/** A person's key was deleted: consumers forget what they keep of that person. Keyed by `person-<id>`. */
export const PersonalDataErasedV1 = defineEvent('PersonalDataErased', 1, z.object({ personId: z.string(), shopId: z.string(), erasedAt: time }));

export const ORDER_EVENT_CONTRACTS = [
  OrderPlacedV2,
  OrderAcceptedV1,
  OrderRejectedV1,
  OrderCancelledV1,
  OrderPaidV1,
  ProductionStartedV1,
  ArrangementPhotoAttachedV1,
  ArrangementFinishedV1,
  RiderAssignedV1,
  RiderUnassignedV1,
  OutForDeliveryV1,
  OrderDeliveredV1,
  DeliveryCardedV1,
  DeliveryReattemptedV1,
  DeliveryFailedV1,
  DeliveryRescheduledV1,
  OrderReturnedV1,
  DeliveryAddressCorrectedV1,
  DeliveryWindowChangedV1,
  OrderExceptionFlaggedV1,
  OrderExceptionClearedV1,
  PersonalDataErasedV1,
] as const;

export type OrderIntegrationEvent = {
  [C in (typeof ORDER_EVENT_CONTRACTS)[number] as C['type']]: { type: C['type']; data: z.infer<C['schema']> };
}[(typeof ORDER_EVENT_CONTRACTS)[number]['type']];
