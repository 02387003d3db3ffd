import { z } from 'zod';

/** Auto-dispatch (docs/dispatch.md, "Auto-dispatch"). */
export const planningConfigShape = {
  DISPATCH_PLAN_TIME_LIMIT_MS: z.coerce.number().int().min(10).max(60_000).default(1000).describe('Wall-clock budget of the in-process solver for one plan'),
  DISPATCH_ROUTE_SOLVER_URL: z.url().optional().describe('The route-solver sidecar (jsprit); unset, or down, plans in process'),
  DISPATCH_REPLAN_DEBOUNCE_SECONDS: z.coerce.number().min(0).max(3600).default(30).describe('At most one automatic plan per shop per this many seconds'),
  DISPATCH_REPLAN_SETTLE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(1000)
    .describe('A change waits this long before it is planned, so the board has caught up with it'),
};

export type PlanningConfig = {
  DISPATCH_PLAN_TIME_LIMIT_MS: number;
  DISPATCH_ROUTE_SOLVER_URL?: string;
  DISPATCH_REPLAN_DEBOUNCE_SECONDS: number;
  DISPATCH_REPLAN_SETTLE_MS: number;
};
