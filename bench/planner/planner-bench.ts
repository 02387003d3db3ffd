import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureRouteSolverJar, startRouteSolver } from '@petalpost/infra';
import {
  checkPlan,
  euclideanTravelTimes,
  offlineTravelTimes,
  parseSolomon,
  planNaively,
  planRoutes,
  solomonToVrptw,
  solveWithJsprit,
  type Plan,
  type PlanRoutes,
  type TravelTimes,
  type VrptwInstance,
} from '@petalpost/route-planning';
import { repoRoot } from '../lib/infra';
import { markdownTable, say } from '../lib/measure';
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

/** Ours (planner.ts, in this process), jsprit (its sidecar, a JVM beside it) and the naive baseline. */
export type PlannerName = 'ours' | 'jsprit' | 'naive';
const PLANNERS: PlannerName[] = ['ours', 'jsprit', 'naive'];

export interface PlannerBenchOptions {
  /** Stops per generated city instance. */
  sizes?: number[];
  /** Seed of the generated instances. */
  instanceSeed?: number;
  /** Seeds of the planners; each Solomon instance is planned once per seed, each city instance with the first. */
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
  /** jsprit's own count of ruin-and-recreate iterations; our planner does not report one. */
  iterations?: number;
  /** Why there is no plan (the sidecar failed or timed out); the numbers are then NaN. */
  failure?: string;
}

export interface CityRow {
  instance: string;
  stops: number;
  fleet: number;
  ours: Contender;
  jsprit: Contender;
  naive: Contender;
  /** Our distance over the baseline's. */
  distanceRatio: number;
}

export interface SolomonRow {
  instance: string;
  planner: PlannerName;
  /** Absent for the naive baseline, which draws no random numbers. */
  seed?: number;
  routes: number;
  distance: number;
  bestVehicles: number;
  bestDistance: number;
  /** (distance − best-known) / best-known, in %; below zero only with more vehicles than the best-known. */
  gapPct: number;
  violations: number;
  unassigned: number;
  timeMs: number;
  iterations?: number;
  failure?: string;
}

export interface PlannerBenchResult {
  machine: { cpus: number; model: string; node: string; loadAvgStart: number[]; loadAvgEnd: number[] };
  settings: Required<Omit<PlannerBenchOptions, 'solomonDir'>>;
  city: CityRow[];
  solomon: SolomonRow[];
  /** Ours, over all its Solomon runs: the issue's target. */
  meanGapPct: number;
  jspritMeanGapPct: number;
  /** The sidecar: jsprit's version, how long it took to start, and whether this run built it first. */
  jsprit: { version: string; startMs: number; built: boolean };
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
/** Kafka's jar cache: the sidecar's build lives beside it. */
const CACHE_DIR = join(repoRoot, '.cache');
/** Both searches run once on a small day before anything is measured, so neither is timed while its JIT warms up. */
const WARM_UP_MS = 1000;

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
  const log = (message: string) => say(`  ${message}`);
  const startedAt = performance.now();
  const { built } = await ensureRouteSolverJar({ cacheDir: CACHE_DIR, log });
  const sidecar = await startRouteSolver({ cacheDir: CACHE_DIR, log });
  try {
    const health = (await (await fetch(`${sidecar.url}/health`)).json()) as { version?: string };
    const jsprit = { version: health.version ?? 'unknown', startMs: performance.now() - startedAt, built };
    const loadAvgStart = loadavg();
    const streets = offlineTravelTimes();
    const warmUp = cityInstance(20, settings.instanceSeed + 1);
    measure(planRoutes, warmUp, streets, 1, WARM_UP_MS);
    await measureJspritRun(sidecar.url, warmUp, streets, 1, WARM_UP_MS);

    const city: CityRow[] = [];
    for (const stops of settings.sizes) {
      const instance = cityInstance(stops, settings.instanceSeed);
      const seed = settings.plannerSeeds[0];
      const naive = measure(planNaively, instance, streets, seed, settings.cityTimeLimitMs);
      const ours = measure(planRoutes, instance, streets, seed, settings.cityTimeLimitMs);
      await yieldToEventLoop();
      const jspritRun = await measureJspritRun(sidecar.url, instance, streets, seed, settings.cityTimeLimitMs);
      city.push({
        instance: instance.name,
        stops,
        fleet: instance.vehicles.length,
        ours,
        jsprit: jspritRun,
        naive,
        distanceRatio: ours.distance / naive.distance,
      });
      log(
        `${instance.name}: ours ${km(ours.distance)} km, jsprit ${km(jspritRun.distance)} km${jspritRun.failure ? ` (${jspritRun.failure})` : ''}, naive ${km(naive.distance)} km`,
      );
    }

    const solomon: SolomonRow[] = [];
    const plane = euclideanTravelTimes();
    for (const name of settings.solomonInstances) {
      const instance = solomonToVrptw(parseSolomon(readFileSync(join(solomonDir, `${name}.txt`), 'utf8')));
      const best = SOLOMON_BEST_KNOWN[name];
      solomon.push(solomonRow(name, 'naive', undefined, measure(planNaively, instance, plane, settings.plannerSeeds[0], settings.solomonTimeLimitMs), best));
      for (const seed of settings.plannerSeeds) {
        const ours = solomonRow(name, 'ours', seed, measure(planRoutes, instance, plane, seed, settings.solomonTimeLimitMs), best);
        await yieldToEventLoop();
        const jspritRow = solomonRow(name, 'jsprit', seed, await measureJspritRun(sidecar.url, instance, plane, seed, settings.solomonTimeLimitMs), best);
        solomon.push(ours, jspritRow);
        log(
          `${name} seed ${seed}: ours ${ours.routes} routes ${ours.distance.toFixed(2)}, jsprit ${jspritRow.routes} routes ${jspritRow.distance.toFixed(2)}${jspritRow.failure ? ` (${jspritRow.failure})` : ''}`,
        );
      }
    }
    solomon.sort((a, b) => a.instance.localeCompare(b.instance) || PLANNERS.indexOf(a.planner) - PLANNERS.indexOf(b.planner) || (a.seed ?? 0) - (b.seed ?? 0));
    return {
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadAvgStart, loadAvgEnd: loadavg() },
      settings,
      city,
      solomon,
      meanGapPct: meanGap(solomon, 'ours'),
      jspritMeanGapPct: meanGap(solomon, 'jsprit'),
      jsprit,
    };
  } finally {
    await sidecar.stop();
  }
}

function measure<L>(plan: PlanRoutes, instance: VrptwInstance<L>, travel: TravelTimes<L>, seed: number, timeLimitMs: number): Contender {
  const started = performance.now();
  const result: Plan = plan(instance, travel, { seed, timeLimitMs, clock: () => performance.now() });
  return judge(instance, travel, result, performance.now() - started);
}

/**
 * jsprit's plan as the sidecar gives it, not through the checked solver: a plan that fails the
 * check is counted here (violations), where dispatch would fall back. Planning time runs from
 * building the matrices to the answer timed on them, HTTP and JSON both ways included.
 */
async function measureJspritRun<L>(url: string, instance: VrptwInstance<L>, travel: TravelTimes<L>, seed: number, timeLimitMs: number): Promise<Contender> {
  const started = performance.now();
  try {
    const { plan, answer } = await solveWithJsprit({ url }, instance, travel, { seed, timeLimitMs, clock: () => performance.now() });
    return { ...judge(instance, travel, plan, performance.now() - started), iterations: answer.stats.iterations };
  } catch (err) {
    const failure = err instanceof Error ? err.message : String(err);
    return { distance: NaN, onTimePct: NaN, ridersUsed: NaN, trips: NaN, unassigned: NaN, violations: NaN, planningMs: performance.now() - started, failure };
  }
}

function judge<L>(instance: VrptwInstance<L>, travel: TravelTimes<L>, plan: Plan, planningMs: number): Contender {
  const check = checkPlan(instance, travel, plan);
  return {
    distance: check.distance,
    onTimePct: (100 * check.onTime) / check.stops,
    ridersUsed: check.routesUsed,
    trips: plan.routes.reduce((sum, r) => sum + r.trips.length, 0),
    unassigned: plan.unassigned.length,
    violations: check.violations.length,
    planningMs,
  };
}

function solomonRow(
  instance: string,
  planner: PlannerName,
  seed: number | undefined,
  run: Contender,
  best: { vehicles: number; distance: number } | undefined,
): SolomonRow {
  return {
    instance,
    planner,
    seed,
    routes: run.ridersUsed,
    distance: run.distance,
    bestVehicles: best?.vehicles ?? NaN,
    bestDistance: best?.distance ?? NaN,
    gapPct: best ? (run.distance / best.distance - 1) * 100 : NaN,
    violations: run.violations,
    unassigned: run.unassigned,
    timeMs: run.planningMs,
    iterations: run.iterations,
    failure: run.failure,
  };
}

function meanGap(rows: SolomonRow[], planner: PlannerName): number {
  const gaps = rows.filter((r) => r.planner === planner).map((r) => r.gapPct);
  return gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length : NaN;
}

/** Gaps compare only at the best-known vehicle count: more vehicles can buy less distance. */
function atBestVehicles(rows: SolomonRow[], planner: PlannerName): { runs: number; of: number; meanGapPct: number } {
  const mine = rows.filter((r) => r.planner === planner);
  const comparable = mine.filter((r) => r.routes === r.bestVehicles && r.unassigned === 0);
  return { runs: comparable.length, of: mine.length, meanGapPct: meanGap(comparable, planner) };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const km = (metres: number) => (Number.isFinite(metres) ? (metres / 1000).toFixed(1) : '–');
/** Two decimals, without a "-0.00" for a result equal to the best-known one. */
const gap = (n: number) => (Number.isFinite(n) ? `${(Math.abs(n) < 0.005 ? 0 : n).toFixed(2)} %` : '–');
const pct = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} %` : '–');
const ms = (n: number) => n.toFixed(0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export interface PlannerTarget {
  what: string;
  measured: string;
  target: string;
  /** Undefined for a row that informs and judges nothing. */
  met: boolean | undefined;
}

/** The issue's targets, judged on this run, and how jsprit did on the same instances. */
export function plannerTargets(result: PlannerBenchResult): PlannerTarget[] {
  const worstRatio = Math.max(...result.city.map((r) => r.distanceRatio));
  const onTimeHolds = result.city.every((r) => r.ours.onTimePct >= r.naive.onTimePct);
  const hundred = result.city.find((r) => r.stops === 100);
  const ours = result.solomon.filter((r) => r.planner === 'ours');
  const jsprit = result.solomon.filter((r) => r.planner === 'jsprit');
  const violations = ours.reduce((total, r) => total + r.violations + r.unassigned, 0);
  const vehicleMisses = ours.filter((r) => r.routes !== r.bestVehicles);
  const versusOurs = result.city.map((r) => r.jsprit.distance / r.ours.distance).filter(Number.isFinite);
  const jspritAtBest = atBestVehicles(result.solomon, 'jsprit');
  const jspritFailures = [...result.city.map((r) => r.jsprit), ...jsprit].filter((r) => r.failure).length;
  const jspritFaults = sum([...result.city.map((r) => r.jsprit), ...jsprit].map((r) => (r.failure ? 0 : r.violations + r.unassigned)));
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
      measured: `${gap(result.meanGapPct)} over ${ours.length} runs`,
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
    {
      what: 'jsprit, same budget and matrices: generated days, distance ÷ ours (best … worst)',
      measured: versusOurs.length ? `${Math.min(...versusOurs).toFixed(3)} … ${Math.max(...versusOurs).toFixed(3)}` : 'not run',
      target: '(info)',
      met: undefined,
    },
    {
      what: 'jsprit: Solomon runs at the best-known vehicle count; their mean gap',
      measured: `${jspritAtBest.runs} of ${jspritAtBest.of}; ${gap(jspritAtBest.meanGapPct)}`,
      target: '(info)',
      met: undefined,
    },
    {
      what: 'jsprit: windows violated and stops left out (all instances); runs without an answer',
      measured: `${jspritFaults}; ${jspritFailures}`,
      target: '(info)',
      met: undefined,
    },
  ];
}

/** The planner's section for docs/benchmarks.md: markdown tables and the machine they ran on. */
export function renderPlannerSection(result: PlannerBenchResult): string {
  const { machine, settings } = result;
  const out: string[] = ['### Route planner', ''];
  out.push(
    `Machine: ${machine.cpus} × ${machine.model}, Node ${machine.node}, load ${machine.loadAvgStart[0].toFixed(2)} → ${machine.loadAvgEnd[0].toFixed(2)}. ` +
      `Three planners on the same instances and the same travel-time matrices: **ours**, in this process, single-threaded: insertion, then vehicle removal and simulated annealing by string-removal ruin-and-recreate (SISR); ` +
      `**jsprit** ${result.jsprit.version} in its sidecar (tools/route-solver, a JVM on the same machine, one search thread; started in ${(result.jsprit.startMs / 1000).toFixed(1)} s${result.jsprit.built ? ', building it first' : ''}), sent our matrices over HTTP; ` +
      `**naive**, the dispatcher without planning. Time limit ${settings.cityTimeLimitMs} ms per city plan and ${settings.solomonTimeLimitMs} ms per Solomon run, for ours and jsprit alike; ` +
      `planning time includes building the travel-time matrices (and for jsprit the HTTP request and JSON both ways). Both searches ran ${WARM_UP_MS} ms on a small day before anything was measured. ` +
      `Every plan is re-driven by an independent check at the travel time of each leg's actual departure hour.`,
    '',
  );
  out.push('#### Targets', '');
  out.push(
    markdownTable(
      ['what', 'measured', 'target', 'met'],
      plannerTargets(result).map((t) => [t.what, t.measured, t.target, t.met === undefined ? '–' : t.met ? 'yes' : '**no**']),
    ),
    '',
  );

  out.push('#### Summary', '');
  out.push(
    markdownTable(
      [
        'planner',
        'city km (all days)',
        'city on-time',
        'city riders (trips)',
        'city ms, mean',
        'Solomon runs at best-known vehicles',
        'their mean gap',
        'violations / left out (all)',
      ],
      PLANNERS.map((planner) => {
        const days = result.city.map((r) => r[planner]);
        const runs = result.solomon.filter((r) => r.planner === planner);
        const everything = [...days, ...runs];
        const atBest = atBestVehicles(result.solomon, planner);
        return [
          planner,
          km(sum(days.map((d) => d.distance))),
          pct(sum(result.city.map((r) => r[planner].onTimePct * r.stops)) / sum(result.city.map((r) => r.stops))),
          `${sum(days.map((d) => d.ridersUsed))} (${sum(days.map((d) => d.trips))})`,
          ms(sum(days.map((d) => d.planningMs)) / days.length),
          `${atBest.runs} of ${atBest.of}`,
          gap(atBest.meanGapPct),
          `${sum(everything.map((x) => x.violations))} / ${sum(everything.map((x) => x.unassigned))}`,
        ];
      }),
    ),
    '',
  );

  out.push(
    '#### Generated city days',
    '',
    `Seed ${settings.instanceSeed}; around a shop in Utrecht, windows of 1–2 h from 9:00 to 19:00, bouquets of 1–3 units, a rider per six orders (bicycles, e-bikes, scooters, cars; 8:30–19:30), who may come back to the shop to load again. ` +
      'Naive: orders in arrival order, one per trip, each to the rider who can be at the door first. jsprit models the return to the shop as shipments picked up there. Distance is great-circle × 1.3; on-time counts every order, so one left out counts as late.',
    '',
  );
  out.push(
    markdownTable(
      ['instance', 'fleet', 'planner', 'km', '÷ naive km', 'on-time', 'riders (trips)', 'ms', 'iterations', 'left out / violations'],
      result.city.flatMap((r) =>
        PLANNERS.map((planner) => {
          const c = r[planner];
          return [
            r.instance,
            r.fleet,
            planner,
            km(c.distance),
            Number.isFinite(c.distance) ? (c.distance / r.naive.distance).toFixed(3) : '–',
            pct(c.onTimePct),
            c.failure ? '–' : `${c.ridersUsed} (${c.trips})`,
            ms(c.planningMs),
            c.iterations ?? '–',
            c.failure ? `no plan: ${c.failure}` : `${c.unassigned} / ${c.violations}`,
          ];
        }),
      ),
    ),
    '',
  );

  out.push(
    '#### Solomon VRPTW (100 customers), hierarchical best-known (a)',
    '',
    'Full-precision Euclidean distances; gap = (distance − best-known) ÷ best-known. A negative gap can only come with more vehicles than the best-known, and then is not a better result. ' +
      'The naive baseline sends each vehicle out once with one order, so most are left out and its gap means nothing.',
    '',
  );
  out.push(
    markdownTable(
      ['instance', 'planner', 'seed', 'routes', 'best-known routes', 'distance', 'best-known (a)', 'gap', 'violations', 'left out', 'time ms', 'iterations'],
      result.solomon.map((r) => [
        r.instance,
        r.planner,
        r.seed ?? '–',
        Number.isFinite(r.routes) ? r.routes : '–',
        r.bestVehicles,
        Number.isFinite(r.distance) ? r.distance.toFixed(2) : `no plan: ${r.failure}`,
        r.bestDistance.toFixed(2),
        r.unassigned > 0 ? '–' : gap(r.gapPct),
        Number.isFinite(r.violations) ? r.violations : '–',
        Number.isFinite(r.unassigned) ? r.unassigned : '–',
        ms(r.timeMs),
        r.iterations ?? '–',
      ]),
    ),
    '',
    `Mean gap over all ${result.solomon.filter((r) => r.planner === 'ours').length} runs each: ours **${gap(result.meanGapPct)}**, jsprit **${gap(result.jspritMeanGapPct)}**; ` +
      `over the runs at the best-known vehicle count: ${(['ours', 'jsprit'] as const).map((p) => `${p} ${gap(atBestVehicles(result.solomon, p).meanGapPct)} (${atBestVehicles(result.solomon, p).runs} runs)`).join(', ')}. ` +
      'Iterations: the ruin-and-recreate iterations jsprit counted (our planner does not report a count).',
  );
  return out.join('\n');
}
