import type { AddressType, DeliveryOutcome, DeliveryWindow, GeoPoint, Money, OrderItem, OrderSource, OrderType } from '@petalpost/contracts';
import type { z } from 'zod';
import type { DeliveryFailureReasonSchema } from '@petalpost/contracts';
import type { Sealed } from '../../personal-data/domain/personal-data';

/**
 * Facts of an order's life, in the past tense, as the order log stores them. Personal data is
 * sealed; the relay opens it when it publishes the matching integration event.
 */
type Ref = { orderId: string; shopId: string };
/** The rider assigned when it happened, so their app hears of it. */
type Assignee = { riderId?: string };

export type DeliveryFailureReason = z.infer<typeof DeliveryFailureReasonSchema>;
export type DeliveryProof = { photoRef?: string; at: string; position?: GeoPoint };

/** What an order is, as placed: the same in the PlaceOrder command, the OrderPlaced event and the state. */
export type OrderDetails = {
  reference?: string;
  orderType: OrderType;
  source: OrderSource;
  items: OrderItem[];
  deliveryWindow: DeliveryWindow;
  deliverySlot?: string;
  deadline?: string;
  addressType: AddressType;
  anonymousSender: boolean;
  doNotContactRecipient: boolean;
  buyer: Sealed;
  recipient: Sealed;
  cardMessage?: Sealed;
  price?: Money;
  paid: boolean;
};

export type OrderPlacedData = Ref &
  OrderDetails & {
    placedAt: string;
    /** The code on the label the rider reads back at pickup; null for orders placed before pickup codes (v2). */
    pickupCode: string | null;
  };

/** OrderPlaced is at schema version 3 (v1 had no people, type or price; v2 no pickup code; see order-upcasters). */
export const ORDER_PLACED_VERSION = 3;

export type OrderEvent =
  | { type: 'OrderPlaced'; schemaVersion: typeof ORDER_PLACED_VERSION; data: OrderPlacedData }
  | { type: 'OrderAccepted'; data: Ref & { acceptedAt: string } }
  | { type: 'OrderRejected'; data: Ref & { reason: string; rejectedAt: string } }
  | { type: 'OrderCancelled'; data: Ref & Assignee & { reason: string; cancelledAt: string } }
  | { type: 'OrderPaid'; data: Ref & { paidAt: string } }
  | { type: 'ProductionStarted'; data: Ref & { startedAt: string } }
  | { type: 'ArrangementPhotoAttached'; data: Ref & { photoRef: string; attachedAt: string } }
  | { type: 'ArrangementFinished'; data: Ref & { finishedAt: string } }
  | { type: 'RiderAssigned'; data: Ref & { riderId: string; assignedAt: string } }
  | { type: 'RiderUnassigned'; data: Ref & { riderId: string; reason?: string; unassignedAt: string } }
  | { type: 'OutForDelivery'; data: Ref & { riderId: string; pickedUpAt: string } }
  | {
      type: 'OrderDelivered';
      data: Ref & Assignee & { outcome: DeliveryOutcome; proof: DeliveryProof; receivedBy?: Sealed; deliveredAt: string };
    }
  | { type: 'DeliveryCarded'; data: Ref & Assignee & { note?: string; photoRef?: string; cardedAt: string } }
  | { type: 'DeliveryReattempted'; data: Ref & Assignee & { reattemptedAt: string } }
  | { type: 'DeliveryFailed'; data: Ref & Assignee & { reason: DeliveryFailureReason; note?: string; failedAt: string } }
  | { type: 'DeliveryRescheduled'; data: Ref & Assignee & { deliveryWindow: DeliveryWindow; deliverySlot?: string; rescheduledAt: string } }
  | { type: 'OrderReturned'; data: Ref & Assignee & { note?: string; returnedAt: string } }
  | { type: 'DeliveryAddressCorrected'; data: Ref & Assignee & { addressType: AddressType; recipient: Sealed; correctedAt: string } }
  | { type: 'DeliveryWindowChanged'; data: Ref & Assignee & { deliveryWindow: DeliveryWindow; deliverySlot?: string; changedAt: string } }
  | { type: 'OrderExceptionFlagged'; data: Ref & { exceptionId: string; kind: string; note?: string; flaggedAt: string } }
  | { type: 'OrderExceptionCleared'; data: Ref & { exceptionId: string; resolution?: string; clearedAt: string } };

export type OrderEventType = OrderEvent['type'];

/** One stream per order. */
export function orderStream(orderId: string): string {
  return `order-${orderId}`;
}
