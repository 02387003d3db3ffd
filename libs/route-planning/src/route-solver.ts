import { planNaively } from './naive-planner';
import { planRoutes } from './planner';
import type { Plan, PlanningOptions, PlanRoutes, TravelTimes, VrptwInstance } from './vrptw';

/**
 * The port dispatch plans through: in-process planners and solvers in another process alike.
 * Asynchronous, since a solver elsewhere is reached over the network.
 */
export interface RouteSolver {
  /** Names the solver in results and logs: `sisr`, `jsprit`, `naive`. */
  readonly name: string;
  solve<L>(instance: VrptwInstance<L>, travel: TravelTimes<L>, options: PlanningOptions): Promise<SolverResult>;
}

export interface SolverResult {
  plan: Plan;
  /** The solver that produced `plan`. */
  solvedBy: string;
  /** Set when the preferred solver failed and `solvedBy` stood in for it. */
  fallback?: { from: string; reason: string };
}

/** An in-process planner as a solver: it cannot be down, so it is what a fallback falls back to. */
export function inProcessSolver(name: string, plan: PlanRoutes): RouteSolver {
  return {
    name,
    solve: async (instance, travel, options) => ({ plan: plan(instance, travel, options), solvedBy: name }),
  };
}

/** Our planner (planner.ts): string-removal ruin-and-recreate. */
export const sisrSolver: RouteSolver = inProcessSolver('sisr', planRoutes);

/** The baseline (naive-planner.ts): one order per trip, the rider who is at the door first. */
export const naiveSolver: RouteSolver = inProcessSolver('naive', planNaively);

/**
 * Plans with `primary`, and with `fallback` when the primary throws — it is down, timed out,
 * answered garbage or a plan its adapter rejected — so dispatch never stops planning. The
 * result says which one planned and why the primary did not. The fallback gets the same
 * options, so the worst case takes the primary's timeout plus the fallback's own budget.
 */
export function withFallback(primary: RouteSolver, fallback: RouteSolver, onFallback?: (reason: string) => void): RouteSolver {
  return {
    name: `${primary.name}, else ${fallback.name}`,
    async solve(instance, travel, options) {
      try {
        return await primary.solve(instance, travel, options);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        onFallback?.(reason);
        const result = await fallback.solve(instance, travel, options);
        return { ...result, fallback: { from: primary.name, reason } };
      }
    },
  };
}
