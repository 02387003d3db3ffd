import type { Principal } from '@petalpost/auth';
import { AddressTypeSchema, RecipientContactSchema, type RecipientContact } from '@petalpost/contracts';
import { z } from 'zod';
import { type Arrivals, arrivalOf, DELIVERY_RISKS } from '../domain/delivery-risk';
import { type Delivery, DELIVERY_STATUSES } from '../projections/delivery.entity';

const erased = z.literal('erased').describe('The person asked to be forgotten: their data is gone');

/** One schema for every reader of the board: fields a role may not see are absent. */
export const DeliveryViewSchema = z.object({
  orderId: z.string(),
  shopId: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  windowFrom: z.string(),
  windowTo: z.string(),
  deadline: z.string().optional().describe('A hard deadline such as a funeral service time'),
  addressType: AddressTypeSchema.optional().describe('Decides the handover: a ward, a reception, a service time'),
  doNotContactRecipient: z.boolean().describe('Never call or message the recipient before the delivery'),
  bouquets: z.number().int().describe('What it takes of a rider’s capacity: the order’s items, by quantity'),
  riderId: z.string().optional().describe('The rider assigned, if any'),
  recipient: z.union([RecipientContactSchema, erased]).optional().describe('Absent when the order did not name one'),
  recipientPersonId: z.string().optional().describe('Staff and operators only'),
  eta: z
    .string()
    .optional()
    .describe('When dispatch last estimated the rider who has it now reaches the door; absent without a rider, before an estimate, and once finished'),
  risk: z
    .enum(DELIVERY_RISKS)
    .describe('As dispatch flagged it for the current window (DeliveryAtRisk, DeliveryLate); on_time until flagged, and again when the window moves'),
  riskSince: z.string().optional().describe('When dispatch flagged the risk (at_risk, late)'),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

/**
 * A delivery as one reader of the board sees it (docs/orders.md's table): dispatchers and riders
 * get where and to whom it goes; the recipient's person id, which ties their orders together, only
 * staff and operators. The controller decides which rows a reader gets at all.
 */
export function deliveryViewFor(principal: Principal, delivery: Delivery, arrivals?: Arrivals): DeliveryView {
  const recipient = recipientOf(delivery);
  const seesPeople = principal.role === 'staff' || principal.role === 'operator';
  return {
    orderId: delivery.orderId,
    shopId: delivery.shopId,
    status: delivery.status,
    windowFrom: delivery.windowFrom.toISOString(),
    windowTo: delivery.windowTo.toISOString(),
    ...(delivery.deadline ? { deadline: delivery.deadline.toISOString() } : {}),
    ...(delivery.addressType ? { addressType: delivery.addressType } : {}),
    doNotContactRecipient: delivery.doNotContactRecipient,
    bouquets: delivery.bouquets,
    ...(delivery.riderId ? { riderId: delivery.riderId } : {}),
    ...(recipient ? { recipient } : {}),
    ...(seesPeople && delivery.recipientPersonId ? { recipientPersonId: delivery.recipientPersonId } : {}),
    ...arrivalOf(delivery, arrivals),
  };
}

function recipientOf(d: Delivery): RecipientContact | 'erased' | undefined {
  if (d.recipientErased) return 'erased';
  if (d.recipientName === null || d.addressText === null) return undefined;
  const geo = d.addressLat !== null && d.addressLng !== null ? { lat: d.addressLat, lng: d.addressLng } : undefined;
  return {
    name: d.recipientName,
    ...(d.recipientPhone !== null ? { phone: d.recipientPhone } : {}),
    ...(d.recipientPhone !== null && d.recipientPhoneExpiresAt !== null ? { phoneExpiresAt: d.recipientPhoneExpiresAt.toISOString() } : {}),
    address: {
      text: d.addressText,
      ...(geo ? { geo } : {}),
      ...(d.addressWard !== null ? { ward: d.addressWard } : {}),
      ...(d.addressRoom !== null ? { room: d.addressRoom } : {}),
      ...(d.addressNotes !== null ? { notes: d.addressNotes } : {}),
    },
  };
}
