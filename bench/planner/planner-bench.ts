import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkPlan, euclideanTravelTimes, offlineTravelTimes, parseSolomon, planNaively, planRoutes, solomonToVrptw, type Plan, type PlanRoutes, type TravelTimes, type VrptwInstance } from '@petalpost/route-planning';
import { repoRoot } from '../lib/infra';
import { markdownTable } from '../lib/measure';
import { cityInstance } from './instances';

/**
 * Best-known solutions under the hierarchical convention (fewest vehicles, then distance at full
 * precision): the SINTEF TOP table as repeated in LKH-3's Solomon_100_EXACT results; see the
 * README next to the instance files. Never compare with the distance-only (truncated-arc) values.
 */
export const SOLOMON_BEST_KNOWN: Record<string, { vehicles: number; distance: number }> = {
  C101: { vehicles: 10, distance: 828.94 },
  R101: { vehicles: 19, distance: 1650.8 },
  RC101: { vehicles: 14, distance: 1696.95 },
};

export interface PlannerBenchOptions {
  /** Stops per generated city instance. */
  sizes?: number[];
  /** Seed of the generated instances. */
  instanceSeed?: number;
  /** Seeds of the planner; each Solomon instance is planned once per seed, each city instance with the first. */
  plannerSeeds?: number[];
  cityTimeLimitMs?: number;
  solomonTimeLimitMs?: number;
  /** The folder holding C101.txt, R101.txt and RC101.txt. */
  solomonDir?: string;
  solomonInstances?: string[];
}

export interface Contender {
  distance: number;
  onTimePct: number;
  ridersUsed: number;
  trips: number;
  unassigned: number;
  violations: number;
  planningMs: number;
}

export interface CityRow {
  instance: string;
  stops: number;
  fleet: number;
  ours: Contender;
  naive: Contender;
  /** Our distance over the baseline's. */
  distanceRatio: number;
}

export interface SolomonRow {
  instance: string;
  seed: number;
  routes: number;
  distance: number;
  bestVehicles: number;
  bestDistance: number;
  /** (distance − best-known) / best-known, in %; below zero only with more vehicles than the best-known. */
  gapPct: number;
  violations: number;
  unassigned: number;
  timeMs: number;
}

export interface PlannerBenchResult {
  machine: { cpus: number; model: string; node: string; loadAvgStart: number[]; loadAvgEnd: number[] };
  settings: Required<Omit<PlannerBenchOptions, 'solomonDir'>>;
  city: CityRow[];
  solomon: SolomonRow[];
  meanGapPct: number;
}

const DEFAULTS: Required<Omit<PlannerBenchOptions, 'solomonDir'>> = {
  sizes: [20, 50, 100, 200],
  instanceSeed: 7,
  plannerSeeds: [1, 2, 3],
  cityTimeLimitMs: 1500,
  solomonTimeLimitMs: 2000,
  solomonInstances: ['C101', 'R101', 'RC101'],
};

/** Solomon's instances, kept beside their parser. */
const SOLOMON_DIR = join(repoRoot, 'libs', 'route-planning', 'src', 'solomon');

export async function runPlannerBench(options: PlannerBenchOptions = {}): Promise<PlannerBenchResult> {
  const settings = {
    sizes: options.sizes ?? DEFAULTS.sizes,
    instanceSeed: options.instanceSeed ?? DEFAULTS.instanceSeed,
    plannerSeeds: options.plannerSeeds ?? DEFAULTS.plannerSeeds,
    cityTimeLimitMs: options.cityTimeLimitMs ?? DEFAULTS.cityTimeLimitMs,
    solomonTimeLimitMs: options.solomonTimeLimitMs ?? DEFAULTS.solomonTimeLimitMs,
    solomonInstances: options.solomonInstances ?? DEFAULTS.solomonInstances,
  };
  const solomonDir = options.solomonDir ?? SOLOMON_DIR;
  const loadAvgStart = loadavg();
  const city: CityRow[] = [];
  const streets = offlineTravelTimes();
  for (const stops of settings.sizes) {
    const instance = cityInstance(stops, settings.instanceSeed);
    const naive = measure(planNaively, instance, streets, settings.plannerSeeds[0], settings.cityTimeLimitMs);
    const ours = measure(planRoutes, instance, streets, settings.plannerSeeds[0], settings.cityTimeLimitMs);
    city.push({ instance: instance.name, stops, fleet: instance.vehicles.length, ours, naive, distanceRatio: ours.distance / naive.distance });
    await yieldToEventLoop();
  }

  const solomon: SolomonRow[] = [];
  const plane = euclideanTravelTimes();
  for (const name of settings.solomonInstances) {
    const instance = solomonToVrptw(parseSolomon(readFileSync(join(solomonDir, `${name}.txt`), 'utf8')));
    const best = SOLOMON_BEST_KNOWN[name];
    for (const seed of settings.plannerSeeds) {
      const run = measure(planRoutes, instance, plane, seed, settings.solomonTimeLimitMs);
      solomon.push({
        instance: name,
        seed,
        routes: run.ridersUsed,
        distance: run.distance,
        bestVehicles: best?.vehicles ?? NaN,
        bestDistance: best?.distance ?? NaN,
        gapPct: best ? (run.distance / best.distance - 1) * 100 : NaN,
        violations: run.violations,
        unassigned: run.unassigned,
        timeMs: run.planningMs,
      });
      await yieldToEventLoop();
    }
  }
  const gaps = solomon.map((r) => r.gapPct).filter(Number.isFinite);
  return {
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadAvgStart, loadAvgEnd: loadavg() },
    settings,
    city,
    solomon,
    meanGapPct: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN,
  };
}

function measure<L>(plan: PlanRoutes, instance: VrptwInstance<L>, travel: TravelTimes<L>, seed: number, timeLimitMs: number): Contender {
  const started = performance.now();
  const result: Plan = plan(instance, travel, { seed, timeLimitMs, clock: () => performance.now() });
  const planningMs = performance.now() - started;
  const check = checkPlan(instance, travel, result);
  return {
    distance: check.distance,
    onTimePct: (100 * check.onTime) / check.stops,
    ridersUsed: check.routesUsed,
    trips: result.routes.reduce((sum, r) => sum + r.trips.length, 0),
    unassigned: result.unassigned.length,
    violations: check.violations.length,
    planningMs,
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const km = (metres: number) => (metres / 1000).toFixed(1);
/** Two decimals, without a "-0.00" for a result equal to the best-known one. */
const gap = (n: number) => `${(Math.abs(n) < 0.005 ? 0 : n).toFixed(2)} %`;
const pct = (n: number) => `${n.toFixed(1)} %`;
const ms = (n: number) => n.toFixed(0);

export interface PlannerTarget {
  what: string;
  measured: string;
  target: string;
  met: boolean;
}

/** The targets, judged on this run. */
export function plannerTargets(result: PlannerBenchResult): PlannerTarget[] {
  const worstRatio = Math.max(...result.city.map((r) => r.distanceRatio));
  const onTimeHolds = result.city.every((r) => r.ours.onTimePct >= r.naive.onTimePct);
  const hundred = result.city.find((r) => r.stops === 100);
  const violations = result.solomon.reduce((sum, r) => sum + r.violations + r.unassigned, 0);
  const vehicleMisses = result.solomon.filter((r) => r.routes !== r.bestVehicles);
  return [
    {
      what: 'distance vs naive (worst generated instance), on-time % at least the naive one',
      measured: `${(100 * (1 - worstRatio)).toFixed(1)} % less; on-time ${onTimeHolds ? 'equal or better everywhere' : 'worse somewhere'}`,
      target: '≥ 25 % less',
      met: worstRatio <= 0.75 && onTimeHolds,
    },
    {
      what: '100-stop plan, wall time',
      measured: hundred ? `${ms(hundred.ours.planningMs)} ms (time limit ${result.settings.cityTimeLimitMs} ms)` : 'not run',
      target: '≤ 2000 ms',
      met: !!hundred && hundred.ours.planningMs <= 2000,
    },
    {
      what: 'Solomon mean gap to best-known distance (hierarchical)',
      measured: `${gap(result.meanGapPct)} over ${result.solomon.length} runs`,
      target: '≤ 2 %',
      met: result.meanGapPct <= 2,
    },
    {
      what: 'Solomon: windows violated, stops left out',
      measured: String(violations),
      target: '0',
      met: violations === 0,
    },
    {
      what: 'Solomon: runs with a vehicle count other than the best-known',
      measured: vehicleMisses.length ? vehicleMisses.map((r) => `${r.instance}#${r.seed}: ${r.routes}`).join(', ') : 'none',
      target: 'none (a gap is only comparable at equal vehicles)',
      met: vehicleMisses.length === 0,
    },
  ];
}

/** The planner's section for docs/benchmarks.md: markdown tables and the machine they ran on. */
export function renderPlannerSection(result: PlannerBenchResult): string {
  const { machine, settings } = result;
  const out: string[] = ['### Route planner', ''];
  out.push(
    `Machine: ${machine.cpus} × ${machine.model}, Node ${machine.node}, load ${machine.loadAvgStart[0].toFixed(2)} → ${machine.loadAvgEnd[0].toFixed(2)}. ` +
      `Single-threaded, in-process. Planner: insertion, then vehicle removal and simulated annealing by string-removal ruin-and-recreate (SISR); ` +
      `time limit ${settings.cityTimeLimitMs} ms per city plan and ${settings.solomonTimeLimitMs} ms per Solomon run, planning time includes building the travel-time matrices. ` +
      `Every plan is re-driven by an independent check at the travel time of each leg's actual departure hour.`,
    '',
  );
  out.push('#### Targets', '');
  out.push(markdownTable(['what', 'measured', 'target', 'met'], plannerTargets(result).map((t) => [t.what, t.measured, t.target, t.met ? 'yes' : '**no**'])), '');

  out.push(
    '#### Generated city days: planner vs naive',
    '',
    `Seed ${settings.instanceSeed}; around a shop in Utrecht, windows of 1–2 h from 9:00 to 19:00, bouquets of 1–3 units, a rider per six orders (bicycles, e-bikes, scooters, cars; 8:30–19:30). ` +
      'Naive: orders in arrival order, one per trip, each to the rider who can be at the door first. Distance is great-circle × 1.3; on-time counts every order, so one left out counts as late.',
    '',
  );
  out.push(
    markdownTable(
      ['instance', 'fleet', 'ours km', 'naive km', 'ours ÷ naive', 'ours on-time', 'naive on-time', 'ours riders (trips)', 'naive riders (trips)', 'ours ms', 'naive ms', 'ours left out / violations'],
      result.city.map((r) => [
        r.instance,
        r.fleet,
        km(r.ours.distance),
        km(r.naive.distance),
        r.distanceRatio.toFixed(3),
        pct(r.ours.onTimePct),
        pct(r.naive.onTimePct),
        `${r.ours.ridersUsed} (${r.ours.trips})`,
        `${r.naive.ridersUsed} (${r.naive.trips})`,
        ms(r.ours.planningMs),
        ms(r.naive.planningMs),
        `${r.ours.unassigned} / ${r.ours.violations}`,
      ]),
    ),
    '',
  );

  out.push(
    '#### Solomon VRPTW (100 customers), hierarchical best-known (a)',
    '',
    'Full-precision Euclidean distances; gap = (distance − best-known) ÷ best-known. A negative gap can only come with more vehicles than the best-known, and then is not a better result.',
    '',
  );
  out.push(
    markdownTable(
      ['instance', 'seed', 'routes', 'best-known routes', 'distance', 'best-known (a)', 'gap', 'violations', 'left out', 'time ms'],
      result.solomon.map((r) => [r.instance, r.seed, r.routes, r.bestVehicles, r.distance.toFixed(2), r.bestDistance.toFixed(2), gap(r.gapPct), r.violations, r.unassigned, ms(r.timeMs)]),
    ),
    '',
    `Mean gap over ${result.solomon.length} runs: **${gap(result.meanGapPct)}**.`,
  );
  return out.join('\n');
}
