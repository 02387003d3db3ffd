export * from './bootstrap';
export * from './config';
export * from './database';
export * from './error-body';
export * from './logger';
export * from './platform.module';
export * from './processors';
export * from './request-context';
