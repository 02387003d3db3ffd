import type { Provider } from '@nestjs/common';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import { type GeoPoint, jspritSolver, offlineTravelTimes, type RouteSolver, sisrSolver, type TravelTimes, withFallback } from '@petalpost/route-planning';
import type { Logger } from 'pino';
import type { PlanningConfig } from './planning.config';

/** The solver port (libs/route-planning): the sidecar when configured, our in-process planner when not or when it is down. */
export const ROUTE_SOLVER = Symbol('ROUTE_SOLVER');
/** The travel-time port: offline great-circle times with the vehicles' speed profiles until a routing engine takes its place. */
export const TRAVEL_TIMES = Symbol('TRAVEL_TIMES');

export const routeSolverProviders: Provider[] = [
  {
    provide: ROUTE_SOLVER,
    inject: [SERVICE_CONFIG, LOGGER],
    useFactory: (config: PlanningConfig, logger: Logger): RouteSolver =>
      config.DISPATCH_ROUTE_SOLVER_URL
        ? withFallback(jspritSolver({ url: config.DISPATCH_ROUTE_SOLVER_URL }), sisrSolver, (reason) =>
            logger.warn({ reason }, 'route solver sidecar failed; planned in process'),
          )
        : sisrSolver,
  },
  { provide: TRAVEL_TIMES, useFactory: (): TravelTimes<GeoPoint> => offlineTravelTimes() },
];
