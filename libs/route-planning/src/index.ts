export * from './vrptw';
export * from './feasibility';
export * from './planner';
export * from './naive-planner';
export * from './travel-times';
export * from './solomon';
