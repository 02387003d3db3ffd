import { type DeliveryOutcome, exhaustive, type OrderStatus } from '@petalpost/contracts';
import type { DeliveryFailureReason, DeliveryProof, OrderDetails, OrderEvent } from './order.events';
import type { Sealed } from '../../personal-data/domain/personal-data';

export type OpenException = { exceptionId: string; kind: string; note?: string; flaggedAt: string };

/** The last time the rider could not hand the flowers over. */
export type FailedAttempt =
  { kind: 'carded'; at: string; note?: string; photoRef?: string } | { kind: 'failed'; at: string; reason: DeliveryFailureReason; note?: string };

export type Order = Omit<OrderDetails, 'buyer' | 'recipient'> & {
  status: OrderStatus;
  orderId: string;
  shopId: string;
  /** Absent only for orders placed before people were recorded (OrderPlaced v1). */
  buyer?: Sealed;
  recipient?: Sealed;
  /** null for orders placed before pickup codes (OrderPlaced v2): their pickup needs none. */
  pickupCode: string | null;
  riderId?: string;
  arrangementPhotos: string[];
  delivery?: { outcome: DeliveryOutcome; proof: DeliveryProof; receivedBy?: Sealed; deliveredAt: string };
  lastFailedAttempt?: FailedAttempt;
  openExceptions: OpenException[];
  /** Why it was rejected, cancelled or returned. */
  closingReason?: string;
  placedAt: string;
  /** When each status was last entered: the progress a customer sees. */
  reachedAt: Partial<Record<OrderStatus, string>>;
  updatedAt: string;
};

export type OrderState = { status: 'none' } | Order;

export function initialState(): OrderState {
  return { status: 'none' };
}

/**
 * The order as a refusal shows it to whoever asked: the pickup code proves the rider holds the
 * label, so it is never handed back.
 */
export function withoutPickupCode<S extends OrderState>(state: S): Omit<S, 'pickupCode'> {
  if (!('pickupCode' in state)) return state;
  const { pickupCode: _code, ...rest } = state;
  return rest;
}

function moveTo(order: Order, status: OrderStatus, at: string, changes: Partial<Order> = {}): Order {
  return { ...order, ...changes, status, updatedAt: at, reachedAt: { ...order.reachedAt, [status]: at } };
}

function touch(order: Order, at: string, changes: Partial<Order>): Order {
  return { ...order, ...changes, updatedAt: at };
}

export function evolve(state: OrderState, event: OrderEvent): OrderState {
  if (event.type === 'OrderPlaced') {
    const { placedAt, ...placed } = event.data;
    return { ...placed, status: 'placed', placedAt, arrangementPhotos: [], openExceptions: [], reachedAt: { placed: placedAt }, updatedAt: placedAt };
  }
  if (state.status === 'none') return state;
  const order = state;
  switch (event.type) {
    case 'OrderAccepted':
      return moveTo(order, 'accepted', event.data.acceptedAt);
    case 'OrderRejected':
      return moveTo(order, 'rejected', event.data.rejectedAt, { closingReason: event.data.reason });
    case 'OrderCancelled':
      return moveTo(order, 'cancelled', event.data.cancelledAt, { closingReason: event.data.reason, riderId: undefined });
    case 'OrderPaid':
      return touch(order, event.data.paidAt, { paid: true });
    case 'ProductionStarted':
      return moveTo(order, 'in_production', event.data.startedAt);
    case 'ArrangementPhotoAttached':
      return touch(order, event.data.attachedAt, { arrangementPhotos: [...order.arrangementPhotos, event.data.photoRef] });
    case 'ArrangementFinished':
      return moveTo(order, 'ready', event.data.finishedAt);
    case 'RiderAssigned':
      return touch(order, event.data.assignedAt, { riderId: event.data.riderId });
    case 'RiderUnassigned':
      return touch(order, event.data.unassignedAt, { riderId: undefined });
    case 'OutForDelivery':
      return moveTo(order, 'out_for_delivery', event.data.pickedUpAt, { riderId: event.data.riderId });
    case 'OrderDelivered': {
      const { outcome, proof, receivedBy, deliveredAt } = event.data;
      return moveTo(order, 'delivered', deliveredAt, { delivery: { outcome, proof, receivedBy, deliveredAt } });
    }
    case 'DeliveryCarded': {
      const { cardedAt: at, note, photoRef } = event.data;
      return moveTo(order, 'carded', at, { lastFailedAttempt: { kind: 'carded', at, note, photoRef } });
    }
    case 'DeliveryReattempted':
      return moveTo(order, 'out_for_delivery', event.data.reattemptedAt);
    case 'DeliveryFailed': {
      const { failedAt: at, reason, note } = event.data;
      return moveTo(order, 'delivery_failed', at, { lastFailedAttempt: { kind: 'failed', at, reason, note } });
    }
    case 'DeliveryRescheduled':
      // Back on the shelf for a new run: the next run may go with another rider.
      return moveTo(order, 'ready', event.data.rescheduledAt, {
        deliveryWindow: event.data.deliveryWindow,
        deliverySlot: event.data.deliverySlot,
        riderId: undefined,
      });
    case 'OrderReturned':
      return moveTo(order, 'returned', event.data.returnedAt, { closingReason: event.data.note, riderId: undefined });
    case 'DeliveryAddressCorrected':
      return touch(order, event.data.correctedAt, { addressType: event.data.addressType, recipient: event.data.recipient });
    case 'DeliveryWindowChanged':
      return touch(order, event.data.changedAt, { deliveryWindow: event.data.deliveryWindow, deliverySlot: event.data.deliverySlot });
    case 'OrderExceptionFlagged': {
      const { exceptionId, kind, note, flaggedAt } = event.data;
      return touch(order, flaggedAt, { openExceptions: [...order.openExceptions, { exceptionId, kind, note, flaggedAt }] });
    }
    case 'OrderExceptionCleared':
      return touch(order, event.data.clearedAt, { openExceptions: order.openExceptions.filter((e) => e.exceptionId !== event.data.exceptionId) });
    default:
      return exhaustive(event);
  }
}
