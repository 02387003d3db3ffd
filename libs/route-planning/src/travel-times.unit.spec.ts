import { euclideanTravelTimes, greatCircleMetres, offlineTravelTimes, touchesRushHour } from './travel-times';

const hours = (h: number) => h * 60;

describe('offline travel times', () => {
  it('measures great-circle distance: one degree of latitude is about 111.2 km', () => {
    expect(greatCircleMetres({ lat: 52, lng: 5 }, { lat: 53, lng: 5 })).toBeCloseTo(111_195, -1);
  });

  it('adds the detour factor to distance and divides by the vehicle speed', () => {
    const travel = offlineTravelTimes({ detourFactor: 1.5, profiles: { bicycle: { kmh: 15, rushHourFactor: 1.2 } } });
    const from = { lat: 52, lng: 5 };
    const to = { lat: 52.01, lng: 5 };
    const metres = greatCircleMetres(from, to) * 1.5;
    expect(travel.distance(from, to)).toBeCloseTo(metres, 6);
    // 15 km/h is 250 m per minute.
    expect(travel.duration(from, to, 'bicycle', { earliest: hours(11), latest: hours(12) })).toBeCloseTo(metres / 250, 6);
  });

  it('is slower when any departure of the span falls in a rush hour', () => {
    const travel = offlineTravelTimes({ profiles: { car: { kmh: 30, rushHourFactor: 1.5 } } });
    const from = { lat: 52, lng: 5 };
    const to = { lat: 52.02, lng: 5.02 };
    const offPeak = travel.duration(from, to, 'car', { earliest: hours(10), latest: hours(16) });
    expect(travel.duration(from, to, 'car', { earliest: hours(10), latest: hours(17) })).toBeCloseTo(offPeak * 1.5, 6);
  });

  it('refuses a vehicle profile it does not know', () => {
    expect(() => offlineTravelTimes().duration({ lat: 52, lng: 5 }, { lat: 52, lng: 5.1 }, 'hovercraft', { earliest: 0, latest: 0 })).toThrow(
      'no speed profile',
    );
  });
});

describe('rush hours', () => {
  it.each([
    [hours(9), hours(10), true],
    [hours(9.5), hours(16.5) - 1, false],
    [hours(18.5) - 1, hours(18.5) - 1, true],
    [hours(20), hours(24 + 8), true],
    [hours(20), hours(24 + 7), false],
  ])('a departure between %i and %i min touches one: %s', (earliest, latest, expected) => {
    expect(touchesRushHour({ earliest, latest })).toBe(expected);
  });
});

describe('Euclidean travel times', () => {
  it('are straight-line distances at full precision, at unit speed', () => {
    const travel = euclideanTravelTimes();
    expect(travel.distance({ x: 0, y: 0 }, { x: 1, y: 1 })).toBe(Math.SQRT2);
    expect(travel.duration({ x: 0, y: 0 }, { x: 3, y: 4 }, 'any', { earliest: 0, latest: 0 })).toBe(5);
  });
});
