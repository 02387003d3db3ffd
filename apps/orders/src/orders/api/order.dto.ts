import {
  AddressTypeSchema,
  BuyerContactSchema,
  CARD_MESSAGE_MAX,
  DeliveryFailureReasonSchema,
  DeliveryOutcomeSchema,
  DeliveryWindowSchema,
  GeoPointSchema,
  MoneySchema,
  OrderItemSchema,
  OrderSourceSchema,
  OrderStatusSchema,
  OrderTypeSchema,
  PhotoRefSchema,
  RecipientContactSchema,
} from '@petalpost/contracts';
import { z } from 'zod';
import { PICKUP_CODE_ALPHABET, PICKUP_CODE_LENGTH, PICKUP_CODE_PATTERN } from '../domain/pickup-code';
import { createZodDto } from '@petalpost/platform';

/**
 * Request and response bodies of the orders API. Unknown fields are refused (strict objects):
 * a typo must not silently drop data.
 */

const time = z.iso.datetime({ offset: true });
const reason = z.string().min(1).max(500);
const note = z.string().min(1).max(1000);
const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00', timeZone: 'Europe/Amsterdam' };

const RecipientBody = z.strictObject({
  name: z.string().min(1).max(200),
  phone: z.string().min(3).max(40).optional(),
  phoneExpiresAt: time
    .optional()
    .describe('The phone is a privacy number (隐私号) that stops working then: riders and staff are shown it callable only until then. Absent: a real number'),
  addressType: AddressTypeSchema.default('residence'),
  address: z.strictObject({
    text: z.string().min(1).max(500),
    geo: GeoPointSchema.strict().optional(),
    ward: z.string().min(1).max(100).optional(),
    room: z.string().min(1).max(50).optional(),
    notes: z.string().min(1).max(500).optional().describe('Floor, gate code, where to ring'),
  }),
});

export class PlaceOrderBody extends createZodDto(
  z
    .strictObject({
      shopId: z.string().min(1).max(64).optional().describe('Required for operators; staff place orders for their own shop'),
      reference: z.string().min(1).max(100).optional().describe("The shop's own order number (external reference)"),
      orderType: OrderTypeSchema.default('gift'),
      source: OrderSourceSchema.default('web'),
      items: z.array(OrderItemSchema.strict()).min(1).max(50),
      deliveryWindow: DeliveryWindowSchema,
      deadline: time.optional().describe('A hard deadline the window must end by, such as a funeral service time'),
      buyer: BuyerContactSchema.extend({
        customerId: z.string().min(1).max(100).optional().describe("The shop's customer number: one person across their orders, for erasure"),
      }).strict(),
      recipient: RecipientBody,
      anonymousSender: z.boolean().default(false).describe('The sender is never named to the rider, the recipient or in customer-facing text'),
      doNotContactRecipient: z.boolean().default(false).describe('A surprise: no automated message or call to the recipient before delivery'),
      cardMessage: z.string().min(1).max(CARD_MESSAGE_MAX).optional().describe(`Read by staff and florists only; at most ${CARD_MESSAGE_MAX} characters`),
      price: MoneySchema.strict().optional(),
      paid: z.boolean().default(false),
      import: z
        .boolean()
        .default(false)
        .describe('Operators taking over orders from before: the delivery window may be over already (anyone else placing a window that is over gets 400)'),
    })
    .refine((o) => o.deadline === undefined || Date.parse(o.deliveryWindow.to) <= Date.parse(o.deadline), {
      path: ['deliveryWindow', 'to'],
      message: 'the delivery window must end by the deadline',
    })
    .meta({
      example: {
        reference: 'WEB-1042',
        orderType: 'gift',
        source: 'web',
        items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
        deliveryWindow: window,
        buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678', email: 'sam@example.com' },
        recipient: {
          name: 'Alex Recipient',
          phone: '+31 6 8765 4321',
          addressType: 'hospital',
          address: { text: 'Ziekenhuislaan 1, Utrecht', ward: 'B3', room: '12', notes: 'Visitors entrance, 2nd floor' },
        },
        anonymousSender: false,
        doNotContactRecipient: true,
        cardMessage: 'Get well soon! Love, Sam',
        price: { amountMinor: 4950, currency: 'EUR' },
        paid: true,
      },
    }),
) {}

export class ReasonBody extends createZodDto(z.strictObject({ reason }).meta({ example: { reason: 'Customer called: wrong date' } })) {}
export class PhotoBody extends createZodDto(z.strictObject({ photoRef: PhotoRefSchema }).meta({ example: { photoRef: 'photos/2026/02/14/abc.jpg' } })) {}
export class AssignRiderBody extends createZodDto(z.strictObject({ riderId: z.string().min(1).max(100) }).meta({ example: { riderId: 'rider-7' } })) {}
export class UnassignRiderBody extends createZodDto(
  z.strictObject({ riderId: z.string().min(1).max(100), reason: reason.optional() }).meta({ example: { riderId: 'rider-7', reason: 'Scooter broke down' } }),
) {}

export class PickUpBody extends createZodDto(
  z
    .strictObject({
      pickupCode: z
        .string()
        .trim()
        .toUpperCase()
        .regex(PICKUP_CODE_PATTERN, `the ${PICKUP_CODE_LENGTH} signs on the label, of ${PICKUP_CODE_ALPHABET}`)
        .optional()
        .describe('The code on the label, read by the rider (required of riders; staff and dispatchers may leave it out). Case does not matter'),
    })
    .meta({ example: { pickupCode: 'K7PQ2' } })
    // Staff handing an order over may send no body at all.
    .default({}),
) {}

export class DeliverBody extends createZodDto(
  z
    .strictObject({
      outcome: DeliveryOutcomeSchema,
      proof: z
        .strictObject({
          photoRef: PhotoRefSchema.optional(),
          at: time.optional().describe('When it was handed over (default: now)'),
          position: GeoPointSchema.strict().optional(),
        })
        .default({}),
      receivedBy: z.string().min(1).max(200).optional().describe('Who took the flowers; required for a neighbour'),
    })
    .meta({
      example: {
        outcome: { kind: 'neighbour' },
        receivedBy: 'Mrs. Jansen, no. 14',
        proof: { photoRef: 'photos/proof-1.jpg', position: { lat: 52.09, lng: 5.12 } },
      },
    }),
) {}

export class CardedBody extends createZodDto(
  z
    .strictObject({ note: note.optional(), photoRef: PhotoRefSchema.optional() })
    .meta({ example: { note: 'No answer; card through the letterbox', photoRef: 'photos/card-1.jpg' } }),
) {}
export class DeliveryFailedBody extends createZodDto(
  z
    .strictObject({ reason: DeliveryFailureReasonSchema, note: note.optional() })
    .meta({ example: { reason: 'facility_refuses_flowers', note: 'ICU: no flowers allowed' } }),
) {}
export class WindowBody extends createZodDto(z.strictObject({ deliveryWindow: DeliveryWindowSchema }).meta({ example: { deliveryWindow: window } })) {}
export class NoteBody extends createZodDto(z.strictObject({ note: note.optional() }).meta({ example: { note: 'Back in the cold room, shelf 3' } })) {}
export class CorrectAddressBody extends createZodDto(
  z.strictObject({ recipient: RecipientBody }).meta({
    example: {
      recipient: {
        name: 'Alex Recipient',
        phone: '+31 6 8765 4321',
        addressType: 'residence',
        address: { text: 'Lindenlaan 5, Utrecht', notes: 'Green door, ring twice' },
      },
    },
  }),
) {}

export class OrderAsOfQuery extends createZodDto(
  z.strictObject({
    asOf: time
      .optional()
      .describe('The order as it was at this time (audits: staff and operators only; who may see the order is decided on the order as it is now)'),
  }),
) {}

const erased = z.literal('erased').describe('The person asked to be forgotten: their key is deleted');
const DeliverySchema = z.object({
  outcome: DeliveryOutcomeSchema,
  proof: z.object({ photoRef: z.string().optional(), at: z.string(), position: GeoPointSchema.optional() }),
  receivedBy: z.union([z.string(), erased]).optional(),
  deliveredAt: z.string(),
});

/** One schema for every reader: fields a role may not see are absent (see order-view.ts). */
export const OrderViewSchema = z.object({
  orderId: z.string(),
  status: OrderStatusSchema,
  orderType: OrderTypeSchema,
  items: z.array(OrderItemSchema),
  deliveryWindow: z.object({ from: z.string(), to: z.string(), timeZone: z.string().optional() }),
  deadline: z.string().optional(),
  reachedAt: z.partialRecord(OrderStatusSchema, z.string()).describe('When the order (last) entered each status'),
  version: z.number().int().describe('Also the ETag: send it as If-Match to act only on what you saw'),
  shopId: z.string().optional(),
  reference: z.string().optional(),
  source: OrderSourceSchema.optional(),
  addressType: AddressTypeSchema.optional(),
  anonymousSender: z.boolean().optional(),
  doNotContactRecipient: z.boolean().optional(),
  buyer: z.union([BuyerContactSchema, erased]).optional(),
  buyerPersonId: z.string().optional(),
  recipient: z.union([RecipientContactSchema, z.object({ name: z.string() }), erased]).optional(),
  recipientPersonId: z.string().optional(),
  cardMessage: z.union([z.string(), erased]).optional(),
  price: MoneySchema.optional(),
  paid: z.boolean().optional(),
  riderId: z.string().optional(),
  pickupCode: z
    .string()
    .optional()
    .describe('Printed on the label; the rider reads it back at pickup. Staff, florists and dispatchers only; absent for orders placed before pickup codes'),
  deliverySlot: z.string().optional(),
  arrangementPhotos: z.array(z.string()).optional(),
  delivery: DeliverySchema.optional(),
  lastFailedAttempt: z
    .object({
      kind: z.enum(['carded', 'failed']),
      at: z.string(),
      reason: DeliveryFailureReasonSchema.optional(),
      note: z.string().optional(),
      photoRef: z.string().optional(),
    })
    .optional(),
  openExceptions: z.array(z.object({ exceptionId: z.string(), kind: z.string(), note: z.string().optional(), flaggedAt: z.string() })).optional(),
  closingReason: z.string().optional(),
  placedAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

export class OrderView extends createZodDto(OrderViewSchema) {}

export class OrderHistory extends createZodDto(
  z.object({
    items: z.array(
      z.object({
        version: z.number().int(),
        type: z.string(),
        occurredAt: z.string(),
        recordedAt: z.string(),
        actor: z.object({ role: z.string(), subject: z.string(), shopId: z.string().optional() }).optional(),
        correlationId: z.string(),
        data: z.unknown().describe('As recorded; personal data appears as "erased" once the person is forgotten, else opened'),
      }),
    ),
  }),
) {}
