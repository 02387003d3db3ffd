export * from './vrptw';
export * from './feasibility';
export * from './planner';
export * from './naive-planner';
export * from './travel-times';
export * from './solomon';
export * from './route-solver';
export * from './jsprit-solver';
