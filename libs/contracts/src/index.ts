export * from './errors';
export * from './exception-reports';
export * from './integration-event';
export * from './messaging';
export * from './order-commands';
export * from './orders';
export * from './roles';
export * from './topics';
