import { actingAs, stillHolds } from './acting-membership';

const rider = {
  operator: false,
  memberships: [
    { shopId: 's1', roles: ['rider' as const] },
    { shopId: 's2', roles: ['rider' as const, 'florist' as const] },
  ],
};
const operator = { operator: true, memberships: [] };
const code = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return undefined;
};

describe('the shop and role a session acts as', () => {
  it('is the one asked for, when held', () => {
    expect(actingAs(rider, { shopId: 's2', role: 'florist' })).toEqual({ shopId: 's2', role: 'florist' });
    expect(actingAs(rider, { role: 'florist' })).toEqual({ shopId: 's2', role: 'florist' });
    expect(actingAs(rider, { shopId: 's2' })).toEqual({ shopId: 's2', role: 'rider' });
  });

  it('is the first role at the first shop when none is asked for, and operator for operators', () => {
    expect(actingAs(rider, {})).toEqual({ shopId: 's1', role: 'rider' });
    expect(actingAs(operator, {})).toEqual({ role: 'operator' });
  });

  it('is refused when not held', () => {
    expect(code(() => actingAs(rider, { shopId: 's1', role: 'florist' }))).toBe('MEMBERSHIP_NOT_HELD');
    expect(code(() => actingAs(rider, { shopId: 's3' }))).toBe('MEMBERSHIP_NOT_HELD');
    expect(code(() => actingAs(rider, { role: 'operator' }))).toBe('MEMBERSHIP_NOT_HELD');
    expect(code(() => actingAs(operator, { shopId: 's1' }))).toBe('MEMBERSHIP_NOT_HELD');
    expect(code(() => actingAs({ operator: false, memberships: [] }, {}))).toBe('NO_MEMBERSHIP');
  });

  it('is no longer held once the person leaves the shop or loses the role', () => {
    expect(stillHolds(rider, { shopId: 's2', role: 'florist' })).toBe(true);
    expect(stillHolds({ operator: false, memberships: [{ shopId: 's2', roles: ['rider'] }] }, { shopId: 's2', role: 'florist' })).toBe(false);
    expect(stillHolds({ operator: false, memberships: [] }, { shopId: 's1', role: 'rider' })).toBe(false);
  });
});
