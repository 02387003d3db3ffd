export * from './decider-spec';
export * from './eventually';
export * from './test-database';
export * from './test-infra';
export * from './test-service';
export * from './system';
export * from './chromium';
export * from './order-stream';
