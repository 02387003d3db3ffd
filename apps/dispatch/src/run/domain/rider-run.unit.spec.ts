import type { Arrivals } from '../../deliveries/domain/delivery-risk';
import { type RunDelivery, type RunPlannedStop, riderRun } from './rider-run';

const rider = { shopId: 's1', riderId: 'rita' };
const now = new Date('2026-02-14T09:00:00.000Z');
const timeZone = 'Europe/Amsterdam';
const at = (hhmm: string, day = '2026-02-14') => new Date(`${day}T${hhmm}:00.000Z`);
const delivery = (orderId: string, from: string, to: string, status: RunDelivery['status'] = 'ready_for_pickup', day?: string): RunDelivery => ({
  orderId,
  status,
  windowFrom: at(from, day),
  windowTo: at(to, day),
});
const plan = (trip: number, seq: number): RunPlannedStop => ({ planId: 'p1', appliedAt: at('08:30'), trip, seq });
const noArrivals = new Map<string, Arrivals>();
const run = (deliveries: RunDelivery[], planned = new Map<string, RunPlannedStop>(), arrivals = noArrivals) =>
  riderRun({ rider, deliveries, planned, arrivals, timeZone, now });
const order = (r: ReturnType<typeof riderRun>) => r.stops.map((s) => s.orderId);

describe('a rider’s run', () => {
  it('follows the applied plan’s trips and stops, then the rest by window start', () => {
    const deliveries = [
      delivery('by-hand-late', '13:00', '14:00'),
      delivery('trip2-stop1', '10:00', '12:00'),
      delivery('by-hand-early', '09:00', '18:00'),
      delivery('trip1-stop2', '09:00', '11:00'),
      delivery('trip1-stop1', '11:00', '12:00'),
    ];
    const planned = new Map([
      ['trip1-stop1', plan(1, 1)],
      ['trip1-stop2', plan(1, 2)],
      ['trip2-stop1', plan(2, 1)],
    ]);
    const answer = run(deliveries, planned);
    expect(order(answer)).toEqual(['trip1-stop1', 'trip1-stop2', 'trip2-stop1', 'by-hand-early', 'by-hand-late']);
    expect(answer.stops.map((s) => [s.trip, s.stop])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [null, null],
      [null, null],
    ]);
    expect(answer).toMatchObject({ riderId: 'rita', shopId: 's1', planId: 'p1', plannedAt: '2026-02-14T08:30:00.000Z', asOf: now.toISOString() });
  });

  it('puts what the rider carries off the plan first, as the planner and the ETAs ride it, by window end', () => {
    const planned = new Map([['planned', plan(1, 1)]]);
    const answer = run(
      [
        delivery('planned', '09:00', '10:00'),
        delivery('carried-b', '09:00', '12:00', 'out_for_delivery'),
        delivery('carried-a', '10:00', '11:00', 'out_for_delivery'),
      ],
      planned,
    );
    expect(order(answer)).toEqual(['carried-a', 'carried-b', 'planned']);
    expect(answer.stops.map((s) => s.carrying)).toEqual([true, true, false]);
  });

  it('is today’s on the shop’s clock: tomorrow’s windows wait, yesterday’s overdue ones stay', () => {
    // 23:00Z on the 14th is already the 15th in Amsterdam.
    const answer = run([
      delivery('tonight', '22:30', '22:59'),
      delivery('after-local-midnight', '23:00', '23:30'),
      delivery('overdue', '16:00', '17:00', 'ready_for_pickup', '2026-02-13'),
    ]);
    expect(order(answer)).toEqual(['overdue', 'tonight']);
  });

  it('late in the evening, looks into the next hours: a stop just after midnight is on the run, tomorrow afternoon’s is not', () => {
    const lateEvening = new Date('2026-02-14T22:50:00.000Z'); // 23:50 in Amsterdam
    const answer = riderRun({
      rider,
      deliveries: [delivery('just-after-midnight', '23:05', '23:50'), delivery('tomorrow-afternoon', '13:00', '15:00', 'ready_for_pickup', '2026-02-15')],
      planned: new Map(),
      arrivals: new Map(),
      timeZone,
      now: lateEvening,
    });
    expect(order(answer)).toEqual(['just-after-midnight']);
  });

  it('shows the window on the shop’s clock, the ETA of this rider and the flag of the current window', () => {
    const arrivals = new Map<string, Arrivals>([
      ['o1', { eta: at('10:50'), etaRiderId: 'rita', atRiskFor: at('11:00'), atRiskSince: at('08:55'), lateFor: null, lateSince: null }],
      ['o2', { eta: at('10:10'), etaRiderId: 'ron', atRiskFor: at('09:30'), atRiskSince: at('08:00'), lateFor: null, lateSince: null }],
    ]);
    const answer = run([delivery('o1', '10:00', '11:00'), delivery('o2', '10:00', '12:00')], new Map(), arrivals);
    expect(answer.stops).toEqual([
      {
        orderId: 'o1',
        status: 'ready_for_pickup',
        window: { from: '2026-02-14T10:00:00.000Z', to: '2026-02-14T11:00:00.000Z', timeZone },
        eta: '2026-02-14T10:50:00.000Z',
        risk: 'at_risk',
        riskSince: '2026-02-14T08:55:00.000Z',
        trip: null,
        stop: null,
        carrying: false,
      },
      expect.objectContaining({ orderId: 'o2', eta: null, risk: 'on_time', riskSince: null }),
    ]);
  });

  it('follows no plan when none of its stops is planned', () => {
    expect(run([delivery('o1', '10:00', '11:00')])).toMatchObject({ planId: null, plannedAt: null });
    expect(run([])).toMatchObject({ planId: null, stops: [] });
  });
});
