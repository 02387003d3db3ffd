import type { DeliveryOutcome, DeliveryWindow, OrderStatus } from '@petalpost/contracts';
import { specFor } from '@petalpost/testing';
import type { OrderCommand, OrderCommandType, PlaceOrder } from './order.commands';
import { orderDecider } from './order.decider';
import type { OrderEvent } from './order.events';
import type { Order, OrderState } from './order.state';
import type { Sealed } from '../../personal-data/domain/personal-data';

const spec = specFor<OrderCommand, OrderEvent, OrderState>(orderDecider);

function orderAfter(history: OrderEvent[]): Order {
  const state = history.reduce(orderDecider.evolve, orderDecider.initialState());
  if (state.status === 'none') throw new Error('the history did not place an order');
  return state;
}

// Valentine's Day in Amsterdam (+01:00); event times are UTC.
const at = (clock: string) => `2026-02-14T${clock}:00.000Z`;
const now = at('12:30');

const ref = { orderId: 'o1', shopId: 's1' };
// Personal data is sealed: the rules only carry it, never read it.
const buyer: Sealed = { personId: 'p-buyer', sealed: 'x' };
const recipient: Sealed = { personId: 'p-recipient', sealed: 'x' };
const neighbour: Sealed = { personId: 'p-neighbour', sealed: 'x' };
const cardMessage: Sealed = { personId: 'p-buyer', sealed: 'x-card' };

const timeZone = 'Europe/Amsterdam';
const window: DeliveryWindow = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00', timeZone };
const laterToday: DeliveryWindow = { from: '2026-02-14T15:00:00+01:00', to: '2026-02-14T17:00:00+01:00', timeZone };
const tomorrow: DeliveryWindow = { from: '2026-02-15T10:00:00+01:00', to: '2026-02-15T12:00:00+01:00', timeZone };
const alreadyOver: DeliveryWindow = { from: '2026-02-14T11:00:00+01:00', to: '2026-02-14T12:00:00+01:00', timeZone };
/** A funeral service at 17:00: no window may end after it. */
const deadline = '2026-02-14T17:00:00+01:00';
const pastTheDeadline: DeliveryWindow = { from: '2026-02-14T16:00:00+01:00', to: '2026-02-14T18:00:00+01:00', timeZone };

const gift: Omit<PlaceOrder, 'type' | 'now'> = {
  ...ref,
  reference: 'WEB-1',
  orderType: 'gift',
  source: 'web',
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: window,
  deliverySlot: '2026-02-14T12:00',
  addressType: 'residence',
  anonymousSender: true,
  doNotContactRecipient: false,
  buyer,
  recipient,
  cardMessage,
  price: { amountMinor: 4950, currency: 'EUR' },
  paid: false,
  pickupCode: 'K7PQ2',
};
const funeral: Omit<PlaceOrder, 'type' | 'now'> = {
  ...gift,
  reference: 'PHONE-7',
  orderType: 'sympathy',
  source: 'phone',
  addressType: 'funeral_home',
  deadline,
};

const placeGift: PlaceOrder = { type: 'PlaceOrder', ...gift, now: at('08:00') };
const giftPlaced: OrderEvent = { type: 'OrderPlaced', schemaVersion: 3, data: { ...gift, placedAt: at('08:00') } };
const funeralPlaced: OrderEvent = { type: 'OrderPlaced', schemaVersion: 3, data: { ...funeral, placedAt: at('08:00') } };

const accepted: OrderEvent = { type: 'OrderAccepted', data: { ...ref, acceptedAt: at('08:05') } };
const rejected: OrderEvent = { type: 'OrderRejected', data: { ...ref, reason: 'no roses left', rejectedAt: at('08:05') } };
const paid: OrderEvent = { type: 'OrderPaid', data: { ...ref, paidAt: at('08:10') } };
const productionStarted: OrderEvent = { type: 'ProductionStarted', data: { ...ref, startedAt: at('09:00') } };
const photoAttached: OrderEvent = { type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: 'photo-bouquet', attachedAt: at('09:45') } };
const finished: OrderEvent = { type: 'ArrangementFinished', data: { ...ref, finishedAt: at('10:00') } };
const assigned = (riderId: string): OrderEvent => ({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: at('10:05') } });
const pickedUp: OrderEvent = { type: 'OutForDelivery', data: { ...ref, riderId: 'r1', pickedUpAt: at('11:30') } };
const delivered: OrderEvent = {
  type: 'OrderDelivered',
  data: { ...ref, riderId: 'r1', outcome: { kind: 'recipient' }, proof: { at: at('12:15') }, deliveredAt: at('12:15') },
};
const carded: OrderEvent = { type: 'DeliveryCarded', data: { ...ref, riderId: 'r1', note: 'nobody home', cardedAt: at('12:20') } };
const failed: OrderEvent = { type: 'DeliveryFailed', data: { ...ref, riderId: 'r1', reason: 'wrong_address', failedAt: at('12:20') } };
const rescheduled: OrderEvent = {
  type: 'DeliveryRescheduled',
  data: { ...ref, deliveryWindow: tomorrow, deliverySlot: '2026-02-15T10:00', rescheduledAt: at('12:25') },
};
const returned: OrderEvent = { type: 'OrderReturned', data: { ...ref, note: 'back on the shelf', returnedAt: at('12:25') } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: at('08:20') } };
const flagged: OrderEvent = { type: 'OrderExceptionFlagged', data: { ...ref, exceptionId: 'x1', kind: 'late', flaggedAt: at('12:00') } };

/** An order's life up to each status, starting from how it was placed. */
function lifeOf(placed: OrderEvent) {
  const ready = [placed, accepted, productionStarted, finished];
  const outForDelivery = [...ready, assigned('r1'), pickedUp];
  const failedDelivery = [...outForDelivery, failed];
  return {
    placed: [placed],
    accepted: [placed, accepted],
    inProduction: [placed, accepted, productionStarted],
    ready,
    readyWithRider: [...ready, assigned('r1')],
    outForDelivery,
    delivered: [...outForDelivery, delivered],
    carded: [...outForDelivery, carded],
    failedDelivery,
    rescheduled: [...failedDelivery, rescheduled],
    returned: [...failedDelivery, returned],
    rejected: [placed, rejected],
    cancelled: [placed, accepted, cancelled],
  } satisfies Record<string, OrderEvent[]>;
}
const order = lifeOf(giftPlaced);
const funeralOrder = lifeOf(funeralPlaced);

describe('an order that does not exist yet', () => {
  it('is placed with everything the buyer gave and its pickup code, as an OrderPlaced at schema version 3', () => {
    spec.given([]).when(placeGift).then([giftPlaced]);
    expect(orderDecider.decide(placeGift, orderDecider.initialState())[0]).toMatchObject({
      type: 'OrderPlaced',
      schemaVersion: 3,
      data: { pickupCode: 'K7PQ2' },
    });
  });

  it('is not placed without a pickup code for its label', () => {
    spec
      .given([])
      .when({ ...placeGift, pickupCode: '' })
      .thenRefuses('PICKUP_CODE_MALFORMED', 'invalid');
    spec
      .given([])
      .when({ ...placeGift, pickupCode: 'K0PQ1' })
      .thenRefuses('PICKUP_CODE_MALFORMED', 'invalid');
  });

  it('is placed for a funeral when its window ends by the service', () => {
    const endsAtTheService = { ...laterToday, to: deadline };
    spec
      .given([])
      .when({ type: 'PlaceOrder', ...funeral, deliveryWindow: endsAtTheService, now: at('08:00') })
      .then([{ type: 'OrderPlaced', schemaVersion: 3, data: { ...funeral, deliveryWindow: endsAtTheService, placedAt: at('08:00') } }]);
  });

  it('refuses a window that ends after the deadline as invalid input', () => {
    spec
      .given([])
      .when({ type: 'PlaceOrder', ...funeral, deliveryWindow: pastTheDeadline, now: at('08:00') })
      .thenRefuses('WINDOW_AFTER_DEADLINE', 'invalid');
  });

  it('refuses a window that has already ended as invalid input', () => {
    spec
      .given([])
      .when({ ...placeGift, deliveryWindow: alreadyOver, now })
      .thenRefuses('WINDOW_IN_THE_PAST', 'invalid');
  });

  it('is placed with a window that has already ended when it is imported (an order from before)', () => {
    spec
      .given([])
      .when({ ...placeGift, deliveryWindow: alreadyOver, imported: true, now })
      .then([{ type: 'OrderPlaced', schemaVersion: 3, data: { ...gift, deliveryWindow: alreadyOver, placedAt: now } }]);
  });

  const everyOtherCommand: { [T in Exclude<OrderCommandType, 'PlaceOrder'>]: Extract<OrderCommand, { type: T }> } = {
    AcceptOrder: { type: 'AcceptOrder', now },
    RejectOrder: { type: 'RejectOrder', reason: 'no roses left', now },
    CancelOrder: { type: 'CancelOrder', reason: 'changed mind', now },
    MarkPaid: { type: 'MarkPaid', now },
    StartProduction: { type: 'StartProduction', now },
    AttachArrangementPhoto: { type: 'AttachArrangementPhoto', photoRef: 'photo-bouquet', now },
    FinishArrangement: { type: 'FinishArrangement', now },
    AssignRider: { type: 'AssignRider', riderId: 'r1', now },
    UnassignRider: { type: 'UnassignRider', riderId: 'r1', now },
    PickUp: { type: 'PickUp', riderId: 'r1', now },
    Deliver: { type: 'Deliver', outcome: { kind: 'recipient' }, proof: { at: now }, now },
    MarkCarded: { type: 'MarkCarded', now },
    ReattemptDelivery: { type: 'ReattemptDelivery', now },
    ReportDeliveryFailed: { type: 'ReportDeliveryFailed', reason: 'wrong_address', now },
    RescheduleDelivery: { type: 'RescheduleDelivery', deliveryWindow: tomorrow, now },
    ReturnToShop: { type: 'ReturnToShop', now },
    CorrectAddress: { type: 'CorrectAddress', addressType: 'business', recipient, now },
    ChangeWindow: { type: 'ChangeWindow', deliveryWindow: laterToday, now },
    FlagException: { type: 'FlagException', exceptionId: 'x1', kind: 'late', now },
    ClearException: { type: 'ClearException', exceptionId: 'x1', now },
  };
  it.each(Object.values(everyOtherCommand))('answers $type with ORDER_NOT_FOUND', (command) => {
    spec.given([]).when(command).thenRefuses('ORDER_NOT_FOUND', 'not_found');
  });
});

describe('a placed order', () => {
  it('cannot be placed again, and the refusal says it is placed', () => {
    const error = spec.given(order.placed).when(placeGift).thenRefuses('ORDER_ALREADY_EXISTS', 'conflict');
    expect(error.details).toMatchObject({ status: 'placed' });
  });

  it('is accepted', () => {
    spec
      .given(order.placed)
      .when({ type: 'AcceptOrder', now })
      .then([{ type: 'OrderAccepted', data: { ...ref, acceptedAt: now } }]);
  });

  it('is rejected with the reason the shop gave', () => {
    spec
      .given(order.placed)
      .when({ type: 'RejectOrder', reason: 'no roses left', now })
      .then([{ type: 'OrderRejected', data: { ...ref, reason: 'no roses left', rejectedAt: now } }]);
  });

  it('is marked paid', () => {
    spec
      .given(order.placed)
      .when({ type: 'MarkPaid', now })
      .then([{ type: 'OrderPaid', data: { ...ref, paidAt: now } }]);
  });

  it('marking it paid again changes nothing', () => {
    spec
      .given([...order.placed, paid])
      .when({ type: 'MarkPaid', now })
      .then([]);
  });

  it('cannot go into production before the shop accepts it', () => {
    spec.given(order.placed).when({ type: 'StartProduction', now }).thenRefuses('PRODUCTION_NOT_STARTABLE', 'conflict');
  });

  it('cannot get an arrangement photo before it is in production', () => {
    spec.given(order.placed).when({ type: 'AttachArrangementPhoto', photoRef: 'photo-bouquet', now }).thenRefuses('ARRANGEMENT_NOT_IN_PRODUCTION', 'conflict');
  });

  it('cannot be finished before it is in production', () => {
    spec.given(order.placed).when({ type: 'FinishArrangement', now }).thenRefuses('ARRANGEMENT_NOT_IN_PRODUCTION', 'conflict');
  });

  it('cannot get a rider before the shop accepts it', () => {
    spec.given(order.placed).when({ type: 'AssignRider', riderId: 'r1', now }).thenRefuses('RIDER_NOT_ASSIGNABLE', 'conflict');
  });

  it('unassigning a rider it does not have changes nothing', () => {
    spec.given(order.placed).when({ type: 'UnassignRider', riderId: 'r1', now }).then([]);
  });

  it('cannot be picked up', () => {
    spec.given(order.placed).when({ type: 'PickUp', riderId: 'r1', now }).thenRefuses('ORDER_NOT_READY', 'conflict');
  });

  it('cannot be delivered, carded or reported failed, because it is not out for delivery', () => {
    spec
      .given(order.placed)
      .when({ type: 'Deliver', outcome: { kind: 'recipient' }, proof: { at: now }, now })
      .thenRefuses('ORDER_NOT_OUT_FOR_DELIVERY', 'conflict');
    spec.given(order.placed).when({ type: 'MarkCarded', now }).thenRefuses('ORDER_NOT_OUT_FOR_DELIVERY', 'conflict');
    spec.given(order.placed).when({ type: 'ReportDeliveryFailed', reason: 'refused', now }).thenRefuses('ORDER_NOT_OUT_FOR_DELIVERY', 'conflict');
  });

  it('cannot be re-attempted, rescheduled or returned before a delivery attempt', () => {
    spec.given(order.placed).when({ type: 'ReattemptDelivery', now }).thenRefuses('ORDER_NOT_CARDED', 'conflict');
    spec.given(order.placed).when({ type: 'RescheduleDelivery', deliveryWindow: tomorrow, now }).thenRefuses('ORDER_NOT_RESCHEDULABLE', 'conflict');
    spec.given(order.placed).when({ type: 'ReturnToShop', now }).thenRefuses('ORDER_NOT_RETURNABLE', 'conflict');
  });

  it('has its address corrected', () => {
    const corrected: Sealed = { personId: 'p-recipient', sealed: 'x-corrected' };
    spec
      .given(order.placed)
      .when({ type: 'CorrectAddress', addressType: 'hospital', recipient: corrected, now })
      .then([{ type: 'DeliveryAddressCorrected', data: { ...ref, addressType: 'hospital', recipient: corrected, correctedAt: now } }]);
  });

  it('has its window moved to another time', () => {
    spec
      .given(order.placed)
      .when({ type: 'ChangeWindow', deliveryWindow: laterToday, deliverySlot: '2026-02-14T14:00', now })
      .then([{ type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: laterToday, deliverySlot: '2026-02-14T14:00', changedAt: now } }]);
  });

  it('moving its window to the same times changes nothing, however the offset is written', () => {
    spec.given(order.placed).when({ type: 'ChangeWindow', deliveryWindow: window, now }).then([]);
    const sameInUtc = { from: '2026-02-14T12:00:00Z', to: '2026-02-14T14:00:00Z', timeZone };
    spec.given(order.placed).when({ type: 'ChangeWindow', deliveryWindow: sameInUtc, now }).then([]);
  });

  it('cannot have its window moved to one that has already ended', () => {
    spec.given(order.placed).when({ type: 'ChangeWindow', deliveryWindow: alreadyOver, now }).thenRefuses('WINDOW_IN_THE_PAST', 'conflict');
  });

  it('for a funeral cannot have its window moved past the service', () => {
    spec.given(funeralOrder.placed).when({ type: 'ChangeWindow', deliveryWindow: pastTheDeadline, now }).thenRefuses('WINDOW_AFTER_DEADLINE', 'conflict');
  });
});

describe('an accepted order', () => {
  it('accepting it again changes nothing', () => {
    spec.given(order.accepted).when({ type: 'AcceptOrder', now }).then([]);
  });

  it('can no longer be rejected', () => {
    const error = spec.given(order.accepted).when({ type: 'RejectOrder', reason: 'too busy', now }).thenRefuses('ORDER_NOT_REJECTABLE', 'conflict');
    expect(error.details).toMatchObject({ status: 'accepted' });
  });

  it('goes into production', () => {
    spec
      .given(order.accepted)
      .when({ type: 'StartProduction', now })
      .then([{ type: 'ProductionStarted', data: { ...ref, startedAt: now } }]);
  });

  it('gets its first rider', () => {
    spec
      .given(order.accepted)
      .when({ type: 'AssignRider', riderId: 'r1', now })
      .then([{ type: 'RiderAssigned', data: { ...ref, riderId: 'r1', assignedAt: now } }]);
  });

  it('assigning the same rider again changes nothing', () => {
    spec
      .given([...order.accepted, assigned('r1')])
      .when({ type: 'AssignRider', riderId: 'r1', now })
      .then([]);
  });

  it('moves to another rider, telling the first one before the second hears of it', () => {
    spec
      .given([...order.accepted, assigned('r1')])
      .when({ type: 'AssignRider', riderId: 'r2', now })
      .then([
        { type: 'RiderUnassigned', data: { ...ref, riderId: 'r1', reason: 'reassigned', unassignedAt: now } },
        { type: 'RiderAssigned', data: { ...ref, riderId: 'r2', assignedAt: now } },
      ]);
  });

  it('loses its rider, with the reason given', () => {
    spec
      .given([...order.accepted, assigned('r1')])
      .when({ type: 'UnassignRider', riderId: 'r1', reason: 'off sick', now })
      .then([{ type: 'RiderUnassigned', data: { ...ref, riderId: 'r1', reason: 'off sick', unassignedAt: now } }]);
  });

  it('unassigning a rider who is not on it changes nothing', () => {
    spec
      .given([...order.accepted, assigned('r1')])
      .when({ type: 'UnassignRider', riderId: 'r2', now })
      .then([]);
  });
});

describe('an order in production', () => {
  it('starting production again changes nothing', () => {
    spec.given(order.inProduction).when({ type: 'StartProduction', now }).then([]);
  });

  it('gets an arrangement photo', () => {
    spec
      .given(order.inProduction)
      .when({ type: 'AttachArrangementPhoto', photoRef: 'photo-bouquet', now })
      .then([{ type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: 'photo-bouquet', attachedAt: now } }]);
  });

  it('attaching the same photo twice changes nothing, while another photo is added', () => {
    spec
      .given([...order.inProduction, photoAttached])
      .when({ type: 'AttachArrangementPhoto', photoRef: 'photo-bouquet', now })
      .then([]);
    spec
      .given([...order.inProduction, photoAttached])
      .when({ type: 'AttachArrangementPhoto', photoRef: 'photo-card', now })
      .then([{ type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: 'photo-card', attachedAt: now } }]);
  });

  it('is finished and ready to go', () => {
    spec
      .given(order.inProduction)
      .when({ type: 'FinishArrangement', now })
      .then([{ type: 'ArrangementFinished', data: { ...ref, finishedAt: now } }]);
  });

  it('can have a rider planned for it', () => {
    spec
      .given(order.inProduction)
      .when({ type: 'AssignRider', riderId: 'r1', now })
      .then([{ type: 'RiderAssigned', data: { ...ref, riderId: 'r1', assignedAt: now } }]);
  });

  it('cannot be picked up before it is finished', () => {
    spec
      .given([...order.inProduction, assigned('r1')])
      .when({ type: 'PickUp', riderId: 'r1', now })
      .thenRefuses('ORDER_NOT_READY', 'conflict');
  });
});

describe('which orders can be cancelled', () => {
  it.each<[string, OrderEvent[]]>([
    ['placed', order.placed],
    ['accepted', order.accepted],
    ['in_production', order.inProduction],
    ['ready', order.ready],
  ])('a %s order is cancelled with its reason', (_status, history) => {
    spec
      .given(history)
      .when({ type: 'CancelOrder', reason: 'changed mind', now })
      .then([{ type: 'OrderCancelled', data: { ...ref, reason: 'changed mind', cancelledAt: now } }]);
  });

  it('cancelling a ready order tells its rider', () => {
    spec
      .given(order.readyWithRider)
      .when({ type: 'CancelOrder', reason: 'changed mind', now })
      .then([{ type: 'OrderCancelled', data: { ...ref, riderId: 'r1', reason: 'changed mind', cancelledAt: now } }]);
  });

  it('cancelling a cancelled order again changes nothing', () => {
    spec.given(order.cancelled).when({ type: 'CancelOrder', reason: 'again', now }).then([]);
  });

  it.each<[OrderStatus, OrderEvent[]]>([
    ['out_for_delivery', order.outForDelivery],
    ['delivered', order.delivered],
    ['carded', order.carded],
    ['delivery_failed', order.failedDelivery],
    ['returned', order.returned],
    ['rejected', order.rejected],
  ])('a %s order cannot be cancelled, and the refusal names its status', (status, history) => {
    const error = spec.given(history).when({ type: 'CancelOrder', reason: 'changed mind', now }).thenRefuses('ORDER_NOT_CANCELLABLE', 'conflict');
    expect(error.details).toMatchObject({ status, state: { status } });
  });
});

describe('a ready order', () => {
  it('finishing it again changes nothing', () => {
    spec.given(order.ready).when({ type: 'FinishArrangement', now }).then([]);
  });

  it('cannot go back into production', () => {
    spec.given(order.ready).when({ type: 'StartProduction', now }).thenRefuses('PRODUCTION_NOT_STARTABLE', 'conflict');
  });

  it('can still get an arrangement photo', () => {
    spec
      .given(order.ready)
      .when({ type: 'AttachArrangementPhoto', photoRef: 'photo-bouquet', now })
      .then([{ type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: 'photo-bouquet', attachedAt: now } }]);
  });

  it('cannot be picked up before a rider is assigned, by a rider or by staff', () => {
    spec.given(order.ready).when({ type: 'PickUp', riderId: 'r1', now }).thenRefuses('NO_RIDER_ASSIGNED', 'conflict');
    spec.given(order.ready).when({ type: 'PickUp', now }).thenRefuses('NO_RIDER_ASSIGNED', 'conflict');
  });

  const outForDelivery: OrderEvent = { type: 'OutForDelivery', data: { ...ref, riderId: 'r1', pickedUpAt: now } };

  it('is picked up by its rider with the pickup code on its label', () => {
    spec.given(order.readyWithRider).when({ type: 'PickUp', riderId: 'r1', pickupCode: 'K7PQ2', now }).then([outForDelivery]);
  });

  it('refuses its rider without the pickup code', () => {
    const error = spec.given(order.readyWithRider).when({ type: 'PickUp', riderId: 'r1', now }).thenRefuses('PICKUP_CODE_REQUIRED', 'conflict');
    expect(error.details).toMatchObject({ status: 'ready' });
  });

  it('refuses its rider with a wrong code, with the current state and the tries left but never the code', () => {
    const error = spec
      .given(order.readyWithRider)
      .when({ type: 'PickUp', riderId: 'r1', pickupCode: 'K7PQ3', now })
      .thenRefuses('PICKUP_CODE_WRONG', 'conflict');
    expect(error.details).toMatchObject({ status: 'ready', triesLeft: 4, state: { status: 'ready', riderId: 'r1' } });
    expect(JSON.stringify(error)).not.toContain('K7PQ2');
    expect(JSON.stringify(error.details)).not.toContain('K7PQ2');
  });

  it('takes the right code on the rider’s last try', () => {
    spec.given(order.readyWithRider).when({ type: 'PickUp', riderId: 'r1', pickupCode: 'K7PQ2', wrongPickupCodes: 4, now }).then([outForDelivery]);
    const error = spec
      .given(order.readyWithRider)
      .when({ type: 'PickUp', riderId: 'r1', pickupCode: 'K7PQ3', wrongPickupCodes: 4, now })
      .thenRefuses('PICKUP_CODE_WRONG', 'conflict');
    expect(error.details).toMatchObject({ triesLeft: 0 });
  });

  it('refuses its rider after five wrong codes, even with the right one', () => {
    const error = spec
      .given(order.readyWithRider)
      .when({ type: 'PickUp', riderId: 'r1', pickupCode: 'K7PQ2', wrongPickupCodes: 5, now })
      .thenRefuses('PICKUP_CODE_LOCKED', 'conflict');
    expect(JSON.stringify(error.details)).not.toContain('K7PQ2');
  });

  it('is handed by staff to the rider assigned to it, without the code, also after wrong codes', () => {
    spec.given(order.readyWithRider).when({ type: 'PickUp', now }).then([outForDelivery]);
    spec.given(order.readyWithRider).when({ type: 'PickUp', wrongPickupCodes: 5, now }).then([outForDelivery]);
    spec.given(order.readyWithRider).when({ type: 'PickUp', pickupCode: 'K7PQ2', now }).then([outForDelivery]);
  });

  it('refuses staff who give a wrong code', () => {
    spec.given(order.readyWithRider).when({ type: 'PickUp', pickupCode: 'K7PQ3', now }).thenRefuses('PICKUP_CODE_WRONG', 'conflict');
  });

  it('no refusal shows the pickup code', () => {
    const error = spec.given(order.readyWithRider).when({ type: 'StartProduction', now }).thenRefuses('PRODUCTION_NOT_STARTABLE', 'conflict');
    expect(error.details).toMatchObject({ status: 'ready', state: { status: 'ready' } });
    expect(error.details?.state).not.toHaveProperty('pickupCode');
  });

  it('refuses a pickup by a rider it is not assigned to', () => {
    spec.given(order.readyWithRider).when({ type: 'PickUp', riderId: 'r2', now }).thenRefuses('RIDER_NOT_ASSIGNED', 'conflict');
  });

  it('has its window moved, and its rider hears of it', () => {
    spec
      .given(order.readyWithRider)
      .when({ type: 'ChangeWindow', deliveryWindow: laterToday, deliverySlot: '2026-02-14T14:00', now })
      .then([{ type: 'DeliveryWindowChanged', data: { ...ref, riderId: 'r1', deliveryWindow: laterToday, deliverySlot: '2026-02-14T14:00', changedAt: now } }]);
  });

  it('cannot be delivered before it is picked up', () => {
    spec
      .given(order.readyWithRider)
      .when({ type: 'Deliver', outcome: { kind: 'recipient' }, proof: { at: now }, now })
      .thenRefuses('ORDER_NOT_OUT_FOR_DELIVERY', 'conflict');
  });
});

describe('an order out for delivery', () => {
  const proof = { at: now, photoRef: 'photo-door', position: { lat: 52.37, lng: 4.89 } };

  it('picking it up again changes nothing, whether the rider or staff says so', () => {
    spec.given(order.outForDelivery).when({ type: 'PickUp', riderId: 'r1', now }).then([]);
    spec.given(order.outForDelivery).when({ type: 'PickUp', now }).then([]);
  });

  it('cannot be picked up by another rider', () => {
    spec.given(order.outForDelivery).when({ type: 'PickUp', riderId: 'r2', now }).thenRefuses('RIDER_NOT_ASSIGNED', 'conflict');
  });

  it('assigning its rider again changes nothing', () => {
    spec.given(order.outForDelivery).when({ type: 'AssignRider', riderId: 'r1', now }).then([]);
  });

  it('cannot be given to another rider', () => {
    const error = spec.given(order.outForDelivery).when({ type: 'AssignRider', riderId: 'r2', now }).thenRefuses('RIDER_NOT_ASSIGNABLE', 'conflict');
    expect(error.details).toMatchObject({ status: 'out_for_delivery' });
  });

  it('cannot lose its rider, who has the flowers', () => {
    spec.given(order.outForDelivery).when({ type: 'UnassignRider', riderId: 'r1', now }).thenRefuses('RIDER_HAS_THE_FLOWERS', 'conflict');
  });

  it('is delivered to the recipient', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'Deliver', outcome: { kind: 'recipient' }, proof, now })
      .then([{ type: 'OrderDelivered', data: { ...ref, riderId: 'r1', outcome: { kind: 'recipient' }, proof, deliveredAt: now } }]);
  });

  it('is delivered to a neighbour, who is named', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'Deliver', outcome: { kind: 'neighbour' }, proof, receivedBy: neighbour, now })
      .then([{ type: 'OrderDelivered', data: { ...ref, riderId: 'r1', outcome: { kind: 'neighbour' }, proof, receivedBy: neighbour, deliveredAt: now } }]);
  });

  it('refuses a delivery to a neighbour who is not named, as invalid input', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'Deliver', outcome: { kind: 'neighbour' }, proof, now })
      .thenRefuses('NEIGHBOUR_NAME_REQUIRED', 'invalid');
  });

  it('is left in a safe place, with a photo of it', () => {
    const outcome: DeliveryOutcome = { kind: 'safe_place', place: 'behind the blue gate' };
    spec
      .given(order.outForDelivery)
      .when({ type: 'Deliver', outcome, proof, now })
      .then([{ type: 'OrderDelivered', data: { ...ref, riderId: 'r1', outcome, proof, deliveredAt: now } }]);
  });

  it('refuses flowers left in a safe place without a photo, as invalid input', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'Deliver', outcome: { kind: 'safe_place', place: 'behind the blue gate' }, proof: { at: now }, now })
      .thenRefuses('SAFE_PLACE_PHOTO_REQUIRED', 'invalid');
  });

  it('is delivered at reception', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'Deliver', outcome: { kind: 'reception' }, proof, now })
      .then([{ type: 'OrderDelivered', data: { ...ref, riderId: 'r1', outcome: { kind: 'reception' }, proof, deliveredAt: now } }]);
  });

  it('is carded when nobody is home, with the note and photo of the card', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'MarkCarded', note: 'card in the letterbox', photoRef: 'photo-card', now })
      .then([{ type: 'DeliveryCarded', data: { ...ref, riderId: 'r1', note: 'card in the letterbox', photoRef: 'photo-card', cardedAt: now } }]);
  });

  it('is reported failed with the reason', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'ReportDeliveryFailed', reason: 'facility_refuses_flowers', note: 'ICU', now })
      .then([{ type: 'DeliveryFailed', data: { ...ref, riderId: 'r1', reason: 'facility_refuses_flowers', note: 'ICU', failedAt: now } }]);
  });

  it('has its address corrected on the way, and its rider hears of it', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'CorrectAddress', addressType: 'business', recipient, now })
      .then([{ type: 'DeliveryAddressCorrected', data: { ...ref, riderId: 'r1', addressType: 'business', recipient, correctedAt: now } }]);
  });

  it('can no longer have its window moved', () => {
    spec.given(order.outForDelivery).when({ type: 'ChangeWindow', deliveryWindow: laterToday, now }).thenRefuses('WINDOW_LOCKED', 'conflict');
  });

  it('is marked paid when the recipient pays at the door', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'MarkPaid', now })
      .then([{ type: 'OrderPaid', data: { ...ref, paidAt: now } }]);
  });

  it('re-attempting it changes nothing: it is already on its way', () => {
    spec.given(order.outForDelivery).when({ type: 'ReattemptDelivery', now }).then([]);
  });

  it('cannot be rescheduled or returned before an attempt failed', () => {
    spec.given(order.outForDelivery).when({ type: 'RescheduleDelivery', deliveryWindow: tomorrow, now }).thenRefuses('ORDER_NOT_RESCHEDULABLE', 'conflict');
    spec.given(order.outForDelivery).when({ type: 'ReturnToShop', now }).thenRefuses('ORDER_NOT_RETURNABLE', 'conflict');
  });
});

describe('a delivered order', () => {
  it('delivering it again changes nothing', () => {
    spec
      .given(order.delivered)
      .when({ type: 'Deliver', outcome: { kind: 'recipient' }, proof: { at: now }, now })
      .then([]);
  });

  it('cannot be carded or reported failed afterwards', () => {
    spec.given(order.delivered).when({ type: 'MarkCarded', now }).thenRefuses('ORDER_NOT_OUT_FOR_DELIVERY', 'conflict');
    spec.given(order.delivered).when({ type: 'ReportDeliveryFailed', reason: 'damaged', now }).thenRefuses('ORDER_NOT_OUT_FOR_DELIVERY', 'conflict');
  });

  it('cannot have its address corrected, and the refusal names its status', () => {
    const error = spec.given(order.delivered).when({ type: 'CorrectAddress', addressType: 'business', recipient, now }).thenRefuses('ORDER_CLOSED', 'conflict');
    expect(error.details).toMatchObject({ status: 'delivered' });
  });

  it('cannot have its window moved', () => {
    spec.given(order.delivered).when({ type: 'ChangeWindow', deliveryWindow: laterToday, now }).thenRefuses('WINDOW_LOCKED', 'conflict');
  });

  it('cannot get another rider', () => {
    spec.given(order.delivered).when({ type: 'AssignRider', riderId: 'r2', now }).thenRefuses('RIDER_NOT_ASSIGNABLE', 'conflict');
  });

  it('is marked paid afterwards when the invoice is settled', () => {
    spec
      .given(order.delivered)
      .when({ type: 'MarkPaid', now })
      .then([{ type: 'OrderPaid', data: { ...ref, paidAt: now } }]);
  });

  it('cannot be returned to the shop', () => {
    spec.given(order.delivered).when({ type: 'ReturnToShop', now }).thenRefuses('ORDER_NOT_RETURNABLE', 'conflict');
  });
});

describe('a carded order', () => {
  it('carding it again changes nothing', () => {
    spec.given(order.carded).when({ type: 'MarkCarded', now }).then([]);
  });

  it('is re-attempted by its rider', () => {
    spec
      .given(order.carded)
      .when({ type: 'ReattemptDelivery', now })
      .then([{ type: 'DeliveryReattempted', data: { ...ref, riderId: 'r1', reattemptedAt: now } }]);
  });

  it('cannot be re-attempted without a rider', () => {
    // The rules never unassign a rider on the road; this history only exercises the guard.
    const unassigned: OrderEvent = { type: 'RiderUnassigned', data: { ...ref, riderId: 'r1', unassignedAt: at('12:10') } };
    spec
      .given([...order.outForDelivery, unassigned, carded])
      .when({ type: 'ReattemptDelivery', now })
      .thenRefuses('NO_RIDER_ASSIGNED', 'conflict');
  });

  it('cannot be delivered before it is re-attempted', () => {
    spec
      .given(order.carded)
      .when({ type: 'Deliver', outcome: { kind: 'recipient' }, proof: { at: now }, now })
      .thenRefuses('ORDER_NOT_OUT_FOR_DELIVERY', 'conflict');
  });

  it('cannot lose its rider, who still has the flowers', () => {
    spec.given(order.carded).when({ type: 'UnassignRider', riderId: 'r1', now }).thenRefuses('RIDER_HAS_THE_FLOWERS', 'conflict');
  });

  it('is rescheduled to a new window', () => {
    spec
      .given(order.carded)
      .when({ type: 'RescheduleDelivery', deliveryWindow: tomorrow, deliverySlot: '2026-02-15T10:00', now })
      .then([{ type: 'DeliveryRescheduled', data: { ...ref, riderId: 'r1', deliveryWindow: tomorrow, deliverySlot: '2026-02-15T10:00', rescheduledAt: now } }]);
  });

  it('is returned to the shop', () => {
    spec
      .given(order.carded)
      .when({ type: 'ReturnToShop', note: 'no answer twice', now })
      .then([{ type: 'OrderReturned', data: { ...ref, riderId: 'r1', note: 'no answer twice', returnedAt: now } }]);
  });

  it('has its address corrected before the next attempt', () => {
    spec
      .given(order.carded)
      .when({ type: 'CorrectAddress', addressType: 'residence', recipient, now })
      .then([{ type: 'DeliveryAddressCorrected', data: { ...ref, riderId: 'r1', addressType: 'residence', recipient, correctedAt: now } }]);
  });
});

describe('an order whose delivery failed', () => {
  it('reporting the failure again changes nothing', () => {
    spec.given(order.failedDelivery).when({ type: 'ReportDeliveryFailed', reason: 'wrong_address', now }).then([]);
  });

  it('cannot be re-attempted: only a carded order is', () => {
    spec.given(order.failedDelivery).when({ type: 'ReattemptDelivery', now }).thenRefuses('ORDER_NOT_CARDED', 'conflict');
  });

  it('is rescheduled to a new window', () => {
    spec
      .given(order.failedDelivery)
      .when({ type: 'RescheduleDelivery', deliveryWindow: tomorrow, deliverySlot: '2026-02-15T10:00', now })
      .then([{ type: 'DeliveryRescheduled', data: { ...ref, riderId: 'r1', deliveryWindow: tomorrow, deliverySlot: '2026-02-15T10:00', rescheduledAt: now } }]);
  });

  it('cannot be rescheduled to a window that has already ended', () => {
    spec.given(order.failedDelivery).when({ type: 'RescheduleDelivery', deliveryWindow: alreadyOver, now }).thenRefuses('WINDOW_IN_THE_PAST', 'conflict');
  });

  it('cannot be rescheduled to a window that ends as the command is given', () => {
    spec
      .given(order.failedDelivery)
      .when({ type: 'RescheduleDelivery', deliveryWindow: { ...alreadyOver, to: now }, now })
      .thenRefuses('WINDOW_IN_THE_PAST', 'conflict');
  });

  it('for a funeral is rescheduled to a window that ends by the service', () => {
    const endsAtTheService = { ...laterToday, to: deadline };
    spec
      .given(funeralOrder.failedDelivery)
      .when({ type: 'RescheduleDelivery', deliveryWindow: endsAtTheService, now })
      .then([{ type: 'DeliveryRescheduled', data: { ...ref, riderId: 'r1', deliveryWindow: endsAtTheService, rescheduledAt: now } }]);
  });

  it('for a funeral cannot be rescheduled past the service', () => {
    const error = spec
      .given(funeralOrder.failedDelivery)
      .when({ type: 'RescheduleDelivery', deliveryWindow: pastTheDeadline, now })
      .thenRefuses('WINDOW_AFTER_DEADLINE', 'conflict');
    expect(error.details).toMatchObject({ status: 'delivery_failed' });
  });

  it('is returned to the shop', () => {
    spec
      .given(order.failedDelivery)
      .when({ type: 'ReturnToShop', now })
      .then([{ type: 'OrderReturned', data: { ...ref, riderId: 'r1', returnedAt: now } }]);
  });

  it('can no longer have its window moved: it is rescheduled instead', () => {
    spec.given(order.failedDelivery).when({ type: 'ChangeWindow', deliveryWindow: tomorrow, now }).thenRefuses('WINDOW_LOCKED', 'conflict');
  });
});

describe('a rescheduled order', () => {
  it('needs a rider again before it is picked up', () => {
    spec.given(order.rescheduled).when({ type: 'PickUp', riderId: 'r1', now }).thenRefuses('NO_RIDER_ASSIGNED', 'conflict');
  });

  it('is picked up by its new rider with the same code: the label stays on the bouquet', () => {
    spec
      .given([...order.rescheduled, assigned('r2')])
      .when({ type: 'PickUp', riderId: 'r2', pickupCode: 'K7PQ2', now })
      .then([{ type: 'OutForDelivery', data: { ...ref, riderId: 'r2', pickedUpAt: now } }]);
  });

  it('gets a rider for its new run as a first assignment', () => {
    spec
      .given(order.rescheduled)
      .when({ type: 'AssignRider', riderId: 'r2', now })
      .then([{ type: 'RiderAssigned', data: { ...ref, riderId: 'r2', assignedAt: now } }]);
  });

  it('can have its new window moved like any order at the shop', () => {
    spec
      .given(order.rescheduled)
      .when({ type: 'ChangeWindow', deliveryWindow: { ...tomorrow, to: '2026-02-15T13:00:00+01:00' }, now })
      .then([{ type: 'DeliveryWindowChanged', data: { ...ref, deliveryWindow: { ...tomorrow, to: '2026-02-15T13:00:00+01:00' }, changedAt: now } }]);
  });
});

describe('a returned order', () => {
  it('returning it again changes nothing', () => {
    spec.given(order.returned).when({ type: 'ReturnToShop', now }).then([]);
  });

  it('cannot be rescheduled', () => {
    spec.given(order.returned).when({ type: 'RescheduleDelivery', deliveryWindow: tomorrow, now }).thenRefuses('ORDER_NOT_RESCHEDULABLE', 'conflict');
  });

  it('cannot have its address corrected', () => {
    spec.given(order.returned).when({ type: 'CorrectAddress', addressType: 'business', recipient, now }).thenRefuses('ORDER_CLOSED', 'conflict');
  });
});

describe('a rejected order', () => {
  it('rejecting it again changes nothing', () => {
    spec.given(order.rejected).when({ type: 'RejectOrder', reason: 'again', now }).then([]);
  });

  it('cannot be accepted', () => {
    spec.given(order.rejected).when({ type: 'AcceptOrder', now }).thenRefuses('ORDER_NOT_ACCEPTABLE', 'conflict');
  });

  it('cannot be marked paid', () => {
    spec.given(order.rejected).when({ type: 'MarkPaid', now }).thenRefuses('ORDER_NOT_PAYABLE', 'conflict');
  });
});

describe('a cancelled order', () => {
  it('cannot be accepted, and the refusal names its status', () => {
    const error = spec.given(order.cancelled).when({ type: 'AcceptOrder', now }).thenRefuses('ORDER_NOT_ACCEPTABLE', 'conflict');
    expect(error.details).toMatchObject({ status: 'cancelled' });
  });

  it('cannot be marked paid', () => {
    spec.given(order.cancelled).when({ type: 'MarkPaid', now }).thenRefuses('ORDER_NOT_PAYABLE', 'conflict');
  });

  it('cannot get a rider', () => {
    spec.given(order.cancelled).when({ type: 'AssignRider', riderId: 'r1', now }).thenRefuses('RIDER_NOT_ASSIGNABLE', 'conflict');
  });

  it('cannot have its address corrected or its window moved', () => {
    spec.given(order.cancelled).when({ type: 'CorrectAddress', addressType: 'business', recipient, now }).thenRefuses('ORDER_CLOSED', 'conflict');
    spec.given(order.cancelled).when({ type: 'ChangeWindow', deliveryWindow: laterToday, now }).thenRefuses('WINDOW_LOCKED', 'conflict');
  });
});

describe('an order placed before pickup codes', () => {
  // OrderPlaced v2 reads as v3 with no code (order.upcasters.ts).
  const legacy = lifeOf({ type: 'OrderPlaced', schemaVersion: 3, data: { ...gift, pickupCode: null, placedAt: at('08:00') } });

  it('is picked up by its rider without a code', () => {
    spec
      .given(legacy.readyWithRider)
      .when({ type: 'PickUp', riderId: 'r1', now })
      .then([{ type: 'OutForDelivery', data: { ...ref, riderId: 'r1', pickedUpAt: now } }]);
  });

  it('is picked up whatever code its rider gives: its label has none', () => {
    spec
      .given(legacy.readyWithRider)
      .when({ type: 'PickUp', riderId: 'r1', pickupCode: 'K7PQ3', wrongPickupCodes: 5, now })
      .then([{ type: 'OutForDelivery', data: { ...ref, riderId: 'r1', pickedUpAt: now } }]);
  });
});

describe('exceptions on an order', () => {
  it('are flagged with their kind and note', () => {
    spec
      .given(order.outForDelivery)
      .when({ type: 'FlagException', exceptionId: 'x1', kind: 'late', note: 'stuck in traffic', now })
      .then([{ type: 'OrderExceptionFlagged', data: { ...ref, exceptionId: 'x1', kind: 'late', note: 'stuck in traffic', flaggedAt: now } }]);
  });

  it('flagging an open exception again changes nothing', () => {
    spec
      .given([...order.outForDelivery, flagged])
      .when({ type: 'FlagException', exceptionId: 'x1', kind: 'late', now })
      .then([]);
  });

  it('are cleared with their resolution', () => {
    spec
      .given([...order.outForDelivery, flagged])
      .when({ type: 'ClearException', exceptionId: 'x1', resolution: 'customer called', now })
      .then([{ type: 'OrderExceptionCleared', data: { ...ref, exceptionId: 'x1', resolution: 'customer called', clearedAt: now } }]);
  });

  it('clearing an exception that is not open changes nothing', () => {
    spec.given(order.outForDelivery).when({ type: 'ClearException', exceptionId: 'x1', now }).then([]);
    const cleared: OrderEvent = { type: 'OrderExceptionCleared', data: { ...ref, exceptionId: 'x1', clearedAt: at('12:10') } };
    spec
      .given([...order.outForDelivery, flagged, cleared])
      .when({ type: 'ClearException', exceptionId: 'x1', now })
      .then([]);
  });

  it('are flagged on a delivered order too, for a complaint afterwards', () => {
    spec
      .given(order.delivered)
      .when({ type: 'FlagException', exceptionId: 'x2', kind: 'complaint', now })
      .then([{ type: 'OrderExceptionFlagged', data: { ...ref, exceptionId: 'x2', kind: 'complaint', flaggedAt: now } }]);
  });
});

describe('what an order looks like after its history', () => {
  it('is placed with what the buyer gave, nothing open and no photos yet', () => {
    expect(orderAfter(order.placed)).toEqual({
      ...gift,
      status: 'placed',
      placedAt: at('08:00'),
      arrangementPhotos: [],
      openExceptions: [],
      reachedAt: { placed: at('08:00') },
      updatedAt: at('08:00'),
    });
  });

  it('records when it reached each status on the way to the door', () => {
    const state = orderAfter([...order.delivered.slice(0, 3), photoAttached, ...order.delivered.slice(3)]);
    expect(state).toMatchObject({
      status: 'delivered',
      riderId: 'r1',
      arrangementPhotos: ['photo-bouquet'],
      delivery: { outcome: { kind: 'recipient' }, proof: { at: at('12:15') }, deliveredAt: at('12:15') },
      reachedAt: {
        placed: at('08:00'),
        accepted: at('08:05'),
        in_production: at('09:00'),
        ready: at('10:00'),
        out_for_delivery: at('11:30'),
        delivered: at('12:15'),
      },
      updatedAt: at('12:15'),
    });
  });

  it('after a reschedule is back on the shelf, with the new window and no rider', () => {
    const state = orderAfter(order.rescheduled);
    expect(state.status).toBe('ready');
    expect(state.riderId).toBeUndefined();
    expect(state.deliveryWindow).toEqual(tomorrow);
    expect(state.deliverySlot).toBe('2026-02-15T10:00');
    expect(state.lastFailedAttempt).toEqual({ kind: 'failed', at: at('12:20'), reason: 'wrong_address' });
    expect(state.reachedAt).toMatchObject({ ready: at('12:25'), delivery_failed: at('12:20') });
  });

  it('after a card remembers the attempt', () => {
    expect(orderAfter(order.carded)).toMatchObject({
      status: 'carded',
      riderId: 'r1',
      lastFailedAttempt: { kind: 'carded', at: at('12:20'), note: 'nobody home' },
    });
  });

  it('after a cancellation has no rider and keeps the reason', () => {
    const state = orderAfter([...order.readyWithRider, cancelled]);
    expect(state).toMatchObject({ status: 'cancelled', closingReason: 'changed mind' });
    expect(state.riderId).toBeUndefined();
  });

  it('after a return has no rider and keeps the note', () => {
    const state = orderAfter(order.returned);
    expect(state).toMatchObject({ status: 'returned', closingReason: 'back on the shelf' });
    expect(state.riderId).toBeUndefined();
  });

  it('after a reassignment has the new rider', () => {
    const unassigned: OrderEvent = { type: 'RiderUnassigned', data: { ...ref, riderId: 'r1', reason: 'reassigned', unassignedAt: at('10:06') } };
    expect(orderAfter([...order.readyWithRider, unassigned, assigned('r2')]).riderId).toBe('r2');
  });

  it('lists the exceptions still open', () => {
    const flaggedAgain: OrderEvent = {
      type: 'OrderExceptionFlagged',
      data: { ...ref, exceptionId: 'x2', kind: 'address', note: 'no such number', flaggedAt: at('12:05') },
    };
    const cleared: OrderEvent = { type: 'OrderExceptionCleared', data: { ...ref, exceptionId: 'x1', clearedAt: at('12:10') } };
    expect(orderAfter([...order.outForDelivery, flagged, flaggedAgain, cleared]).openExceptions).toEqual([
      { exceptionId: 'x2', kind: 'address', note: 'no such number', flaggedAt: at('12:05') },
    ]);
  });

  it('is paid without moving, and its address and window change in place', () => {
    const corrected: OrderEvent = {
      type: 'DeliveryAddressCorrected',
      data: { ...ref, addressType: 'business', recipient: { personId: 'p-recipient', sealed: 'x-office' }, correctedAt: at('08:30') },
    };
    const moved: OrderEvent = {
      type: 'DeliveryWindowChanged',
      data: { ...ref, deliveryWindow: laterToday, deliverySlot: '2026-02-14T14:00', changedAt: at('08:40') },
    };
    expect(orderAfter([...order.accepted, paid, corrected, moved])).toMatchObject({
      status: 'accepted',
      paid: true,
      addressType: 'business',
      recipient: { personId: 'p-recipient', sealed: 'x-office' },
      deliveryWindow: laterToday,
      deliverySlot: '2026-02-14T14:00',
      updatedAt: at('08:40'),
      reachedAt: { placed: at('08:00'), accepted: at('08:05') },
    });
  });
});
