import type { Principal } from './principal';
import { mayReceive } from './visibility';

const placed = { type: 'OrderPlaced', shopId: 's1', data: { orderId: 'o1' } };
const accepted = { type: 'OrderAccepted', shopId: 's1', data: { orderId: 'o1' } };
const assigned = { type: 'RiderAssigned', shopId: 's1', data: { orderId: 'o1', riderId: 'li' } };
const photo = { type: 'ArrangementPhotoAttached', shopId: 's1', data: { orderId: 'o1', photoRef: 'p.jpg' } };
const carded = { type: 'DeliveryCarded', shopId: 's1', data: { orderId: 'o1', riderId: 'li' } };
const flagged = { type: 'OrderExceptionFlagged', shopId: 's1', data: { orderId: 'o1', riderId: 'li' } };
const erased = { type: 'PersonalDataErased', shopId: 's1', data: { personId: 'p1', shopId: 's1' } };
const mention = { type: 'MessagePosted', shopId: 's1', data: { orderId: 'o1', mentions: ['fay', 'li'] } };

const who = (p: Partial<Principal> & Pick<Principal, 'role'>): Principal => ({ sub: 'x', ...p }) as Principal;

describe('who is told about an event', () => {
  it.each([
    ['an operator, of any shop', who({ role: 'operator' }), placed, true],
    ['staff of the shop', who({ role: 'staff', shopId: 's1' }), placed, true],
    ['staff of another shop', who({ role: 'staff', shopId: 's2' }), placed, false],
    ['a dispatcher of the shop', who({ role: 'dispatcher', shopId: 's1' }), assigned, true],
    ['a dispatcher of another shop', who({ role: 'dispatcher', shopId: 's2' }), assigned, false],
    ['a florist, of an accepted order (their queue)', who({ role: 'florist', shopId: 's1' }), accepted, true],
    ['a florist, of a placed order not yet accepted', who({ role: 'florist', shopId: 's1' }), placed, false],
    ['the rider assigned', who({ role: 'rider', shopId: 's1', sub: 'li' }), assigned, true],
    ['another rider of the shop', who({ role: 'rider', shopId: 's1', sub: 'mo' }), assigned, false],
    ['a rider, of an order nobody assigned to them', who({ role: 'rider', shopId: 's1', sub: 'li' }), placed, false],
    ['the customer of the order', who({ role: 'customer', orderId: 'o1' }), accepted, true],
    ['the customer of another order', who({ role: 'customer', orderId: 'o2' }), accepted, false],
    ['the customer, of dispatch internals', who({ role: 'customer', orderId: 'o1' }), assigned, false],
    ['the customer, of the finished arrangement’s photo', who({ role: 'customer', orderId: 'o1' }), photo, true],
    ['the customer, of a card left at the door', who({ role: 'customer', orderId: 'o1' }), carded, true],
    ['the customer, of an exception the shop handles', who({ role: 'customer', orderId: 'o1' }), flagged, false],
    ['a florist, of the photo of their arrangement', who({ role: 'florist', shopId: 's1' }), photo, true],
    ['a florist, of a delivery attempt', who({ role: 'florist', shopId: 's1' }), carded, false],
    ['staff of the shop, of an erasure', who({ role: 'staff', shopId: 's1' }), erased, true],
    ['a rider, of an erasure', who({ role: 'rider', shopId: 's1', sub: 'li' }), erased, false],
    ['a florist @mentioned in a conversation of their shop', who({ role: 'florist', shopId: 's1', sub: 'fay' }), mention, true],
    ['a rider @mentioned in a conversation of their shop', who({ role: 'rider', shopId: 's1', sub: 'li' }), mention, true],
    ['a florist of the shop, not mentioned', who({ role: 'florist', shopId: 's1', sub: 'gus' }), mention, false],
    ['a florist of another shop with the mentioned name', who({ role: 'florist', shopId: 's2', sub: 'fay' }), mention, false],
    ['the customer, of a conversation the shop holds', who({ role: 'customer', orderId: 'o1' }), mention, false],
  ])('%s', (_label, principal, event, expected) => {
    expect(mayReceive(principal, event)).toBe(expected);
  });
});
