import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';
import { ExternalRefSchema, IntakeOrderSchema } from '../domain/intake-order';

const time = z.iso.datetime({ offset: true });
const year = new Date().getUTCFullYear() + 1;

/** What a caller names itself: a till, a phone-order form ("pos-front-desk"). */
export const ApiSourceSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ -');

/**
 * The generic intake API's order: the intake's own order shape (every channel maps to it) with
 * who sends it and which of their orders it is. Unknown fields are refused: a misspelt field must
 * not silently drop the card message.
 */
export class IntakeOrderBody extends createZodDto(
  IntakeOrderSchema.extend({
    shopId: z.string().min(1).max(64).optional().describe('Required for operators; a shop API key acts for its own shop'),
    source: ApiSourceSchema.describe('Names the sending system; with externalRef it identifies the order: sending it again changes nothing'),
    externalRef: ExternalRefSchema.describe("The order's id in the sending system"),
    updatedAt: time
      .optional()
      .describe(
        'When the sending system last changed the order. Send a later one to update a placed order (window, address, paid) or cancel it; an earlier one is ignored. Without it, a second request is a replay',
      ),
  })
    .describe('An order from a till, a phone-order form or any other system of the shop')
    .meta({
      example: {
        source: 'pos-front-desk',
        externalRef: 'T-20270214-0042',
        channel: 'phone',
        items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
        deliveryWindow: { from: `${year}-02-14T13:00:00+01:00`, to: `${year}-02-14T15:00:00+01:00`, timeZone: 'Europe/Amsterdam' },
        buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678', email: 'sam@example.com' },
        recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', addressType: 'residence', address: { text: 'Lindenlaan 3, Utrecht' } },
        cardMessage: 'Happy birthday, love Sam',
        doNotContactRecipient: true,
        price: { amountMinor: 4950, currency: 'EUR' },
        paid: true,
      },
    }),
) {}

export class IntakeAnswer extends createZodDto(
  z.object({
    outcome: z
      .enum(['placed', 'needs_attention', 'updated', 'stale', 'cancelled', 'dismissed'])
      .describe(
        'placed: an order was placed; needs_attention: held for staff (reason says what is missing); updated: a later updatedAt was applied; stale: an earlier one, ignored; cancelled/dismissed: cancelled by the sender or dismissed by staff',
      ),
    source: z.string(),
    externalRef: z.string(),
    intakeId: z.uuid().optional(),
    orderId: z.uuid().optional().describe('The order it became, once placed'),
    reason: z.string().optional(),
  }),
) {}

export class IntakeOrderQuery extends createZodDto(z.strictObject({ shopId: z.string().min(1).max(64).optional().describe('Required for operators') })) {}
