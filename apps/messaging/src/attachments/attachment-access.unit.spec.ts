import type { Principal } from '@petalpost/auth';
import { mayUpload, mayUploadAs, type OrderScope, type Purpose, PURPOSES, viewOf } from './attachment-access';

const order: OrderScope = { orderId: 'o1', shopId: 's1', riderId: 'li' };
const person = (role: Principal['role'], extra: Partial<Principal> = {}): Principal => ({ role, sub: `${role}-1`, shopId: 's1', ...extra }) as Principal;

const staff = person('staff');
const florist = person('florist');
const dispatcher = person('dispatcher');
const rider = person('rider', { sub: 'li' });
const otherRider = person('rider', { sub: 'mo' });
const operator = person('operator', { shopId: undefined });
const buyer = person('customer', { shopId: undefined, orderId: 'o1' });
const otherBuyer = person('customer', { shopId: undefined, orderId: 'o2' });
const staffElsewhere = person('staff', { shopId: 's2' });

describe('who may label a photo with each purpose', () => {
  // [who, principal, purposes they may upload as]
  const table: Array<[string, Principal, Purpose[]]> = [
    ['staff', staff, ['message', 'proof_of_delivery', 'damage', 'arrangement']],
    ['a florist', florist, ['message', 'proof_of_delivery', 'damage', 'arrangement']],
    ['an operator', operator, ['message', 'proof_of_delivery', 'damage', 'arrangement']],
    ['a dispatcher', dispatcher, ['message', 'proof_of_delivery', 'damage']],
    ["the order's rider", rider, ['message', 'proof_of_delivery', 'damage']],
  ];
  it.each(table)('%s', (_who, principal, allowed) => {
    expect(mayUpload(principal, order)).toBe(true);
    expect(PURPOSES.filter((purpose) => mayUploadAs(principal, purpose))).toEqual(allowed);
  });
});

describe('which version of a photo each caller sees, by purpose', () => {
  const seen = (principal: Principal) => Object.fromEntries(PURPOSES.map((purpose) => [purpose, viewOf(principal, order, purpose) ?? 'none']));
  const all = (view: string) => Object.fromEntries(PURPOSES.map((purpose) => [purpose, view]));

  it('gives staff and operators the original of every photo', () => {
    expect(seen(staff)).toEqual(all('original'));
    expect(seen(operator)).toEqual(all('original'));
  });

  it("gives florists, dispatchers and the order's rider the clean version of every photo", () => {
    for (const principal of [florist, dispatcher, rider]) expect(seen(principal)).toEqual(all('clean'));
  });

  it('shows the buyer the finished arrangement and the proof of delivery, clean, and nothing else', () => {
    expect(seen(buyer)).toEqual({ message: 'none', proof_of_delivery: 'clean', damage: 'none', arrangement: 'clean' });
    expect(seen(otherBuyer)).toEqual(all('none'));
  });

  it('shows another shop and another rider nothing', () => {
    expect(seen(staffElsewhere)).toEqual(all('none'));
    expect(seen(otherRider)).toEqual(all('none'));
  });
});
