import { offlineTravelTimes } from '@petalpost/route-planning';
import { backAtShop, estimateArrivals, type EtaInput, type EtaStop } from './eta';

const travel = offlineTravelTimes();
const at = (hhmm: string) => Date.parse(`2026-02-14T${hhmm}:00Z`);
const minutes = (ms: number) => ms / 60_000;
// 1 km east of the shop along the equator-ish latitude of the city, give or take.
const shop = { lat: 52.09, lng: 5.12 };
const east = (km: number) => ({ lat: 52.09, lng: 5.12 + km / 68.5 });

function input(stops: EtaStop[], overrides: Partial<EtaInput> = {}): EtaInput {
  return {
    now: at('10:00'),
    position: shop,
    depot: shop,
    profile: 'bicycle',
    serviceMinutes: 5,
    stops,
    travel,
    minuteOfDay: (ms) => (ms / 60_000) % (24 * 60),
    ...overrides,
  };
}
const stop = (orderId: string, location: EtaStop['location'], overrides: Partial<EtaStop> = {}): EtaStop => ({
  orderId,
  location,
  windowFrom: at('09:00'),
  windowTo: at('12:00'),
  onBoard: true,
  ...overrides,
});

describe('estimateArrivals', () => {
  it('rides from the rider’s position to each stop in turn, serving each for the service time', () => {
    const [first, second] = estimateArrivals(input([stop('o1', east(3)), stop('o2', east(6))]));
    // 3 km × 1.3 detour at 15 km/h ≈ 15.6 min; then 5 min at the door and the same again.
    expect(minutes(first.eta - at('10:00'))).toBeCloseTo(15.6, 0);
    expect(minutes(second.eta - first.eta)).toBeCloseTo(5 + 15.6, 0);
  });

  it('waits for the window to open: nobody is served early', () => {
    const [only] = estimateArrivals(input([stop('o1', east(1), { windowFrom: at('11:00') })]));
    expect(only.eta).toBe(at('11:00'));
  });

  it('delivers what the rider carries first, then rides back to the shop to load the rest', () => {
    const etas = estimateArrivals(input([stop('waiting', east(2), { onBoard: false }), stop('carried', east(2))]));
    expect(etas.map((e) => e.orderId)).toEqual(['carried', 'waiting']);
    const [carried, waiting] = etas;
    // carried: 2 km out; then 5 min there, 2 km back, 5 min loading, 2 km out again.
    const leg = minutes(carried.eta - at('10:00'));
    expect(minutes(waiting.eta - carried.eta)).toBeCloseTo(5 + leg + 5 + leg, 0);
  });

  it('never promises a stop still at the shop earlier than the plan did', () => {
    const [only] = estimateArrivals(input([stop('o1', east(1), { onBoard: false, plannedArrival: at('11:30') })]));
    expect(only.eta).toBe(at('11:30'));
  });

  it('keeps the plan’s word where there is nothing to ride by, and skips what has neither', () => {
    const etas = estimateArrivals(input([stop('planned', null, { plannedArrival: at('10:40') }), stop('unknown', null)], { position: null }));
    expect(etas).toEqual([{ orderId: 'planned', eta: at('10:40') }]);
  });

  it('is slower in the rush hour for a car than off-peak', () => {
    const rush = estimateArrivals(input([stop('o1', east(5), { windowFrom: at('07:00') })], { now: at('08:00'), profile: 'car' }))[0].eta - at('08:00');
    const calm = estimateArrivals(input([stop('o1', east(5))], { now: at('11:00'), profile: 'car' }))[0].eta - at('11:00');
    expect(rush / calm).toBeCloseTo(1.5, 1);
  });

  it('knows when a rider out on a trip is back at the shop: after what they carry, and the ride back', () => {
    const out = estimateArrivals(input([stop('carried', east(3))]))[0].eta;
    const back = backAtShop({ ...input([stop('carried', east(3))]), depot: shop });
    // 5 minutes at the door, then the same 3 km back.
    expect(minutes(back - out)).toBeCloseTo(5 + minutes(out - at('10:00')), 0);
    expect(backAtShop({ ...input([stop('waiting', east(3), { onBoard: false })]), depot: shop })).toBe(at('10:00'));
  });
});
