export * from './checkpoints';
export * from './command-handler';
export * from './decider';
export * from './event-store';
export * from './event-store.migration';
export * from './relay';
export * from './stored-event';
