import { type DeliveryWindow, DomainError, exhaustive, FINAL_STATUSES, type OrderStatus } from '@petalpost/contracts';
import type { OrderCommand, PickUp, PlaceOrder } from './order.commands';
import { ORDER_PLACED_VERSION, type OrderEvent } from './order.events';
import { evolve, initialState, type Order, type OrderState, withoutPickupCode } from './order.state';
import { isPickupCode, PICKUP_CODE_TRIES } from './pickup-code';

/**
 * The order's rules. Every refusal names its rule (a stable code) and carries the order's
 * current status and state, so a caller can see why (HTTP 409). Asking for what already
 * happened changes nothing (no events), so retries and duplicate messages are harmless.
 */

/** Before the rider leaves the shop: the order can still be changed or called off. */
const AT_THE_SHOP: readonly OrderStatus[] = ['placed', 'accepted', 'in_production', 'ready'];
/** Accepted and not yet on the road: a rider may be planned for it. */
const PLANNABLE: readonly OrderStatus[] = ['accepted', 'in_production', 'ready'];
/** The rider came back with the flowers: try again another time, or bring them back. */
const UNDELIVERED: readonly OrderStatus[] = ['carded', 'delivery_failed'];

function refuse(code: string, message: string, state: Order, details: Record<string, unknown> = {}): never {
  throw new DomainError('conflict', code, message, { status: state.status, state: withoutPickupCode(state), ...details });
}

function require(order: Order, allowed: readonly OrderStatus[], code: string, action: string): void {
  if (!allowed.includes(order.status)) refuse(code, `an order that is ${order.status} cannot ${action}`, order);
}

/** A hard deadline (a funeral service) is never traded off: no window may end after it. */
function checkWindow(window: DeliveryWindow, deadline: string | undefined, order: Order | undefined, now?: string): void {
  const fail = (code: string, message: string) => {
    if (order) refuse(code, message, order);
    throw new DomainError('invalid', code, message);
  };
  if (deadline !== undefined && Date.parse(window.to) > Date.parse(deadline)) {
    fail('WINDOW_AFTER_DEADLINE', `the delivery window must end by the deadline ${deadline}`);
  }
  if (now !== undefined && Date.parse(window.to) <= Date.parse(now)) fail('WINDOW_IN_THE_PAST', 'the delivery window has already ended');
}

/** The window (and slot) an order moves to: refused if it ends after the deadline or is already over. */
function movedWindow(command: { deliveryWindow: DeliveryWindow; deliverySlot?: string; now: string }, order: Order) {
  checkWindow(command.deliveryWindow, order.deadline, order, command.now);
  return { deliveryWindow: command.deliveryWindow, deliverySlot: command.deliverySlot };
}

function place(command: PlaceOrder): OrderEvent[] {
  const { type: _type, now, imported, ...order } = command;
  // Nobody can deliver into a window that is over; only orders taken over from before may have one.
  checkWindow(order.deliveryWindow, order.deadline, undefined, imported ? undefined : now);
  // Every new order's label carries a code: only orders placed before pickup codes go without.
  if (!isPickupCode(order.pickupCode)) throw new DomainError('invalid', 'PICKUP_CODE_MALFORMED', 'an order is placed with a pickup code for its label');
  return [{ type: 'OrderPlaced', schemaVersion: ORDER_PLACED_VERSION, data: { ...order, placedAt: now } }];
}

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  if (command.type === 'PlaceOrder') {
    if (state.status !== 'none') refuse('ORDER_ALREADY_EXISTS', 'this order was already placed', state);
    return place(command);
  }
  if (state.status === 'none') throw new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
  const order = state;
  const ref = { orderId: order.orderId, shopId: order.shopId };
  const at = command.now;
  const assignee = order.riderId !== undefined ? { riderId: order.riderId } : {};

  switch (command.type) {
    case 'AcceptOrder':
      if (order.status === 'accepted') return [];
      require(order, ['placed'], 'ORDER_NOT_ACCEPTABLE', 'be accepted');
      return [{ type: 'OrderAccepted', data: { ...ref, acceptedAt: at } }];

    case 'RejectOrder':
      if (order.status === 'rejected') return [];
      require(order, ['placed'], 'ORDER_NOT_REJECTABLE', 'be rejected');
      return [{ type: 'OrderRejected', data: { ...ref, reason: command.reason, rejectedAt: at } }];

    case 'CancelOrder':
      if (order.status === 'cancelled') return [];
      require(order, AT_THE_SHOP, 'ORDER_NOT_CANCELLABLE', 'be cancelled (not once it has left the shop)');
      return [{ type: 'OrderCancelled', data: { ...ref, ...assignee, reason: command.reason, cancelledAt: at } }];

    case 'MarkPaid':
      if (order.paid) return [];
      require(order, [...AT_THE_SHOP, 'out_for_delivery', 'delivered', ...UNDELIVERED], 'ORDER_NOT_PAYABLE', 'be marked paid');
      return [{ type: 'OrderPaid', data: { ...ref, paidAt: at } }];

    case 'StartProduction':
      if (order.status === 'in_production') return [];
      require(order, ['accepted'], 'PRODUCTION_NOT_STARTABLE', 'go into production (accept it first)');
      return [{ type: 'ProductionStarted', data: { ...ref, startedAt: at } }];

    case 'AttachArrangementPhoto':
      if (order.arrangementPhotos.includes(command.photoRef)) return [];
      require(order, ['in_production', 'ready'], 'ARRANGEMENT_NOT_IN_PRODUCTION', 'get an arrangement photo');
      return [{ type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: command.photoRef, attachedAt: at } }];

    case 'FinishArrangement':
      if (order.status === 'ready') return [];
      require(order, ['in_production'], 'ARRANGEMENT_NOT_IN_PRODUCTION', 'be finished (start production first)');
      return [{ type: 'ArrangementFinished', data: { ...ref, finishedAt: at } }];

    case 'AssignRider': {
      if (order.riderId === command.riderId) return [];
      require(order, PLANNABLE, 'RIDER_NOT_ASSIGNABLE', 'get a rider');
      const assigned: OrderEvent = { type: 'RiderAssigned', data: { ...ref, riderId: command.riderId, assignedAt: at } };
      if (order.riderId === undefined) return [assigned];
      // Reassigning: the previous rider is told they lost it before the new one hears of it.
      return [{ type: 'RiderUnassigned', data: { ...ref, riderId: order.riderId, reason: 'reassigned', unassignedAt: at } }, assigned];
    }

    case 'UnassignRider':
      if (order.riderId !== command.riderId) return [];
      require(order, PLANNABLE, 'RIDER_HAS_THE_FLOWERS', 'lose its rider (the rider has the flowers)');
      return [{ type: 'RiderUnassigned', data: { ...ref, riderId: command.riderId, reason: command.reason, unassignedAt: at } }];

    case 'PickUp': {
      const rider = command.riderId ?? order.riderId;
      if (order.status === 'out_for_delivery' && order.riderId === rider) return [];
      if (order.riderId !== undefined && rider !== order.riderId) refuse('RIDER_NOT_ASSIGNED', 'this order is assigned to another rider', order);
      require(order, ['ready'], 'ORDER_NOT_READY', 'be picked up (it must be ready)');
      if (order.riderId === undefined) refuse('NO_RIDER_ASSIGNED', 'assign a rider before the order is picked up', order);
      checkPickupCode(order, command);
      return [{ type: 'OutForDelivery', data: { ...ref, riderId: order.riderId, pickedUpAt: at } }];
    }

    case 'Deliver': {
      if (order.status === 'delivered') return [];
      require(order, ['out_for_delivery'], 'ORDER_NOT_OUT_FOR_DELIVERY', 'be delivered');
      const { outcome, proof, receivedBy } = command;
      if (outcome.kind === 'neighbour' && receivedBy === undefined) {
        throw new DomainError('invalid', 'NEIGHBOUR_NAME_REQUIRED', 'a delivery to a neighbour names who took the flowers (receivedBy)');
      }
      if (outcome.kind === 'safe_place' && proof.photoRef === undefined) {
        throw new DomainError('invalid', 'SAFE_PLACE_PHOTO_REQUIRED', 'flowers left in a safe place need a photo (proof.photoRef)');
      }
      return [{ type: 'OrderDelivered', data: { ...ref, ...assignee, outcome, proof, ...(receivedBy ? { receivedBy } : {}), deliveredAt: at } }];
    }

    case 'MarkCarded':
      if (order.status === 'carded') return [];
      require(order, ['out_for_delivery'], 'ORDER_NOT_OUT_FOR_DELIVERY', 'be carded');
      return [{ type: 'DeliveryCarded', data: { ...ref, ...assignee, note: command.note, photoRef: command.photoRef, cardedAt: at } }];

    case 'ReattemptDelivery':
      if (order.status === 'out_for_delivery') return [];
      require(order, ['carded'], 'ORDER_NOT_CARDED', 'be re-attempted (only a carded order is)');
      if (order.riderId === undefined) refuse('NO_RIDER_ASSIGNED', 'a re-attempt needs a rider', order);
      return [{ type: 'DeliveryReattempted', data: { ...ref, ...assignee, reattemptedAt: at } }];

    case 'ReportDeliveryFailed':
      if (order.status === 'delivery_failed') return [];
      require(order, ['out_for_delivery'], 'ORDER_NOT_OUT_FOR_DELIVERY', 'fail delivery');
      return [{ type: 'DeliveryFailed', data: { ...ref, ...assignee, reason: command.reason, note: command.note, failedAt: at } }];

    case 'RescheduleDelivery':
      require(order, UNDELIVERED, 'ORDER_NOT_RESCHEDULABLE', 'be rescheduled (only after a failed attempt)');
      return [{ type: 'DeliveryRescheduled', data: { ...ref, ...assignee, ...movedWindow(command, order), rescheduledAt: at } }];

    case 'ReturnToShop':
      if (order.status === 'returned') return [];
      require(order, UNDELIVERED, 'ORDER_NOT_RETURNABLE', 'be returned to the shop (only after a failed attempt)');
      return [{ type: 'OrderReturned', data: { ...ref, ...assignee, note: command.note, returnedAt: at } }];

    case 'CorrectAddress':
      if (FINAL_STATUSES.includes(order.status)) refuse('ORDER_CLOSED', `an order that is ${order.status} cannot change address`, order);
      return [
        { type: 'DeliveryAddressCorrected', data: { ...ref, ...assignee, addressType: command.addressType, recipient: command.recipient, correctedAt: at } },
      ];

    case 'ChangeWindow':
      if (sameWindow(order.deliveryWindow, command.deliveryWindow)) return [];
      require(order, AT_THE_SHOP, 'WINDOW_LOCKED', 'change its window (reschedule after a failed attempt instead)');
      return [{ type: 'DeliveryWindowChanged', data: { ...ref, ...assignee, ...movedWindow(command, order), changedAt: at } }];

    case 'FlagException':
      if (order.openExceptions.some((e) => e.exceptionId === command.exceptionId)) return [];
      return [{ type: 'OrderExceptionFlagged', data: { ...ref, exceptionId: command.exceptionId, kind: command.kind, note: command.note, flaggedAt: at } }];

    case 'ClearException':
      if (!order.openExceptions.some((e) => e.exceptionId === command.exceptionId)) return [];
      return [{ type: 'OrderExceptionCleared', data: { ...ref, exceptionId: command.exceptionId, resolution: command.resolution, clearedAt: at } }];

    default:
      return exhaustive(command);
  }
}

/**
 * The rider reads the code off the label, so the bouquet leaves with the rider who holds it.
 * Staff and dispatchers can read the label (and the code in the order) themselves: they may hand
 * an order over without it, but a code they give must be right. After PICKUP_CODE_TRIES wrong
 * codes the rider is refused until the shop hands the order over. Orders placed before pickup
 * codes need none.
 */
function checkPickupCode(order: Order, command: PickUp): void {
  if (!order.pickupCode) return;
  const byRider = command.riderId !== undefined;
  if (byRider) {
    const wrong = command.wrongPickupCodes ?? 0;
    if (wrong >= PICKUP_CODE_TRIES) refuse('PICKUP_CODE_LOCKED', `${wrong} wrong pickup codes were entered: the shop hands this order over`, order);
    if (command.pickupCode === undefined) refuse('PICKUP_CODE_REQUIRED', 'a rider picks up with the pickup code on the label', order);
    if (command.pickupCode !== order.pickupCode) {
      refuse('PICKUP_CODE_WRONG', 'that is not the pickup code on this order’s label', order, { triesLeft: PICKUP_CODE_TRIES - wrong - 1 });
    }
  } else if (command.pickupCode !== undefined && command.pickupCode !== order.pickupCode) {
    refuse('PICKUP_CODE_WRONG', 'that is not the pickup code on this order’s label', order);
  }
}

function sameWindow(a: DeliveryWindow, b: DeliveryWindow): boolean {
  return Date.parse(a.from) === Date.parse(b.from) && Date.parse(a.to) === Date.parse(b.to) && a.timeZone === b.timeZone;
}

/** The order aggregate as the event store's command handler runs it. */
export const orderDecider = { streamType: 'order', initialState, evolve, decide };
