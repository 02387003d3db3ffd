import type { PlanarPoint } from './travel-times';
import type { Stop, Vehicle, VrptwInstance } from './vrptw';

/** Stops on a line east of the depot at x = 0: distance and travel time are the difference in x. */
export function line(stops: Array<Partial<Stop<PlanarPoint>> & { x: number }>, vehicle: Partial<Vehicle> = {}): VrptwInstance<PlanarPoint> {
  return {
    name: 'line',
    depot: { x: 0, y: 0 },
    stops: stops.map(({ x, ...s }, i) => ({ id: `s${i + 1}`, location: { x, y: 0 }, demand: 1, window: { ready: 0, due: 1000 }, serviceTime: 0, ...s })),
    vehicles: [{ id: 'v1', capacity: 10, profile: 'unit', shift: { ready: 0, due: 1000 }, maxTrips: 1, ...vehicle }],
  };
}
