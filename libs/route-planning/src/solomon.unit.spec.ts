import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPlan } from './feasibility';
import { planRoutes } from './planner';
import { parseSolomon, solomonToVrptw } from './solomon';
import { euclideanTravelTimes } from './travel-times';

// The published instances live in the shared data folder next to the repository.
const solomonDir = join(__dirname, 'solomon');
const read = (name: string) => readFileSync(join(solomonDir, `${name}.txt`), 'utf8');

describe('reading Solomon instances', () => {
  it.each([
    ['C101', 1810, { id: 0, x: 40, y: 50, demand: 0, ready: 0, due: 1236, service: 0 }, { id: 1, x: 45, y: 68, demand: 10, ready: 912, due: 967, service: 90 }],
    ['R101', 1458, { id: 0, x: 35, y: 35, demand: 0, ready: 0, due: 230, service: 0 }, { id: 1, x: 41, y: 49, demand: 10, ready: 161, due: 171, service: 10 }],
    ['RC101', 1724, { id: 0, x: 40, y: 50, demand: 0, ready: 0, due: 240, service: 0 }, { id: 1, x: 25, y: 85, demand: 20, ready: 145, due: 175, service: 10 }],
  ])('reads %s: 101 rows, the depot first, total demand %i', (name, totalDemand, depot, first) => {
    const instance = parseSolomon(read(name));
    expect(instance).toMatchObject({ name, vehicles: 25, capacity: 200 });
    expect(instance.rows).toHaveLength(101);
    expect(instance.rows[0]).toEqual(depot);
    expect(instance.rows[1]).toEqual(first);
    expect(instance.rows.reduce((sum, r) => sum + r.demand, 0)).toBe(totalDemand);
  });

  it('reads a copy with CRLF line ends and a trailing EOF line the same', () => {
    const original = read('R101');
    expect(parseSolomon(`${original.replace(/\n/g, '\r\n')}EOF\r\n`)).toEqual(parseSolomon(original));
  });

  it('refuses a row that is not seven numbers', () => {
    expect(() => parseSolomon(read('C101').replace('    1      45         68', '    1      45         x'))).toThrow('is not 7 numbers');
  });

  it('turns the depot window into every vehicle shift and the customers into stops', () => {
    const vrptw = solomonToVrptw(parseSolomon(read('RC101')));
    expect(vrptw.stops).toHaveLength(100);
    expect(vrptw.vehicles).toHaveLength(25);
    expect(vrptw.vehicles[0]).toEqual({ id: 'v1', capacity: 200, profile: 'unit', shift: { ready: 0, due: 240 }, maxTrips: 1 });
    expect(vrptw.stops[0]).toEqual({ id: '1', location: { x: 25, y: 85 }, demand: 20, window: { ready: 145, due: 175 }, serviceTime: 10 });
  });

  it('plans R101 with every window met, on a short budget', () => {
    const instance = solomonToVrptw(parseSolomon(read('R101')));
    const plane = euclideanTravelTimes();
    const plan = planRoutes(instance, plane, { seed: 1, maxIterations: 1000 });
    const check = checkPlan(instance, plane, plan);
    expect(check.violations).toEqual([]);
    expect(plan.unassigned).toEqual([]);
    expect(check.routesUsed).toBeLessThanOrEqual(25);
  });
});
