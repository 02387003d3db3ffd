import { specFor } from '@petalpost/testing';
import type { OrderCommand } from './order.commands';
import { orderDecider } from './order.decider';
import type { OrderEvent } from './order.events';

const spec = specFor<OrderCommand, OrderEvent, ReturnType<typeof orderDecider.initialState>>(orderDecider);
const now = '2026-02-14T09:00:00.000Z';
const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };
const items = [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }];
const place: OrderCommand = { type: 'PlaceOrder', orderId: 'o1', shopId: 's1', reference: 'WEB-1', items, deliveryWindow: window, now };
const placed: OrderEvent = { type: 'OrderPlaced', data: { orderId: 'o1', shopId: 's1', reference: 'WEB-1', items, deliveryWindow: window, placedAt: now } };
const accepted: OrderEvent = { type: 'OrderAccepted', data: { orderId: 'o1', shopId: 's1', acceptedAt: now } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { orderId: 'o1', shopId: 's1', reason: 'changed mind', cancelledAt: now } };

describe('an order that does not exist yet', () => {
  it('is placed', () => {
    spec.given([]).when(place).then([placed]);
  });
  it('cannot be accepted', () => {
    spec.given([]).when({ type: 'AcceptOrder', now }).thenRefuses('ORDER_NOT_FOUND', 'not_found');
  });
  it('cannot be cancelled', () => {
    spec.given([]).when({ type: 'CancelOrder', reason: 'x', now }).thenRefuses('ORDER_NOT_FOUND', 'not_found');
  });
});

describe('a placed order', () => {
  it('cannot be placed again', () => {
    spec.given([placed]).when(place).thenRefuses('ORDER_ALREADY_EXISTS', 'conflict');
  });
  it('is accepted', () => {
    spec.given([placed]).when({ type: 'AcceptOrder', now }).then([accepted]);
  });
  it('is cancelled with its reason', () => {
    spec.given([placed]).when({ type: 'CancelOrder', reason: 'changed mind', now }).then([cancelled]);
  });
});

describe('an accepted order', () => {
  it('accepting it again changes nothing', () => {
    spec.given([placed, accepted]).when({ type: 'AcceptOrder', now }).then([]);
  });
  it('can still be cancelled', () => {
    spec.given([placed, accepted]).when({ type: 'CancelOrder', reason: 'changed mind', now }).then([cancelled]);
  });
});

describe('a cancelled order', () => {
  it('cannot be accepted, and the refusal names the current status', () => {
    const error = spec.given([placed, cancelled]).when({ type: 'AcceptOrder', now }).thenRefuses('ORDER_NOT_ACCEPTABLE', 'conflict');
    expect(error.details).toMatchObject({ status: 'cancelled' });
  });
  it('cancelling it again changes nothing', () => {
    spec.given([placed, cancelled]).when({ type: 'CancelOrder', reason: 'again', now }).then([]);
  });
});
