/** The jsprit sidecar, for the specs that compare against it: started per spec, not per run. */
export { type RouteSolverProcess, startRouteSolver } from '@petalpost/infra';
