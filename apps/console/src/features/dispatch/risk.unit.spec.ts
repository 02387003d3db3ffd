import { planChanges, shownRisk } from './risk';

const open = { status: 'out_for_delivery', eta: '2026-02-14T10:40:00Z' };

describe('how the map shows a delivery', () => {
  it('shows dispatch’s flag as it is', () => {
    expect(shownRisk({ ...open, risk: 'at_risk' })).toBe('at_risk');
    expect(shownRisk({ ...open, risk: 'late' })).toBe('late');
    // Flagged before any estimate reached the board: still flagged.
    expect(shownRisk({ status: 'ready_for_pickup', risk: 'late' })).toBe('late');
  });

  it('is on time only with an ETA, and says there is none rather than guessing', () => {
    expect(shownRisk({ ...open, risk: 'on_time' })).toBe('on_time');
    expect(shownRisk({ status: 'awaiting_assignment', risk: 'on_time' })).toBe('no_eta');
  });

  it('sets finished deliveries apart, whatever they were flagged', () => {
    expect(shownRisk({ status: 'delivered', risk: 'late' })).toBe('done');
    expect(shownRisk({ status: 'cancelled', risk: 'on_time' })).toBe('done');
  });
});

describe('what a plan would change', () => {
  it('lists only the stops whose rider differs from the board', () => {
    const board = new Map<string, string | undefined>([
      ['a', 'rita'],
      ['b', undefined],
      ['c', 'li'],
    ]);
    const stops = [
      { orderId: 'a', riderId: 'rita' },
      { orderId: 'b', riderId: 'li' },
      { orderId: 'c', riderId: 'rita' },
    ];
    expect(planChanges(stops, board)).toEqual([
      { orderId: 'b', from: undefined, to: 'li' },
      { orderId: 'c', from: 'li', to: 'rita' },
    ]);
  });
});
