import { planChanges, riskOf } from './risk';

const now = Date.parse('2026-02-14T10:00:00Z');
const open = { status: 'ready_for_pickup', windowTo: '2026-02-14T11:00:00Z' };

describe('how a delivery stands against its window', () => {
  it('is on time when the ETA is before the window end minus the margin', () => {
    expect(riskOf({ ...open, eta: '2026-02-14T10:40:00Z' }, 15, now)).toBe('on_time');
  });

  it('is at risk when the ETA falls inside the margin before the window ends', () => {
    expect(riskOf({ ...open, eta: '2026-02-14T10:50:00Z' }, 15, now)).toBe('at_risk');
  });

  it('is at risk when the ETA passes a hard deadline, whatever the window', () => {
    expect(riskOf({ ...open, eta: '2026-02-14T10:30:00Z', deadline: '2026-02-14T10:20:00Z' }, 15, now)).toBe('at_risk');
  });

  it('is late once the window has closed and the flowers are not delivered', () => {
    expect(riskOf({ ...open, windowTo: '2026-02-14T09:59:00Z', eta: '2026-02-14T09:00:00Z' }, 15, now)).toBe('late');
  });

  it('believes dispatch when it flagged the delivery, even if the ETA looks fine', () => {
    expect(riskOf({ ...open, eta: '2026-02-14T10:10:00Z', flagged: 'at_risk' }, 15, now)).toBe('at_risk');
    expect(riskOf({ ...open, eta: '2026-02-14T10:10:00Z', flagged: 'late' }, 15, now)).toBe('late');
  });

  it('says there is no ETA rather than guessing one', () => {
    expect(riskOf(open, 15, now)).toBe('no_eta');
  });

  it('is done once delivered, even after the window', () => {
    expect(riskOf({ ...open, status: 'delivered', windowTo: '2026-02-14T09:00:00Z' }, 15, now)).toBe('done');
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
