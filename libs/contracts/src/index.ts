export * from './errors';
export * from './integration-event';
export * from './orders';
export * from './roles';
export * from './topics';
