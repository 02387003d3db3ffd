export * from './auth.guard';
export * from './principal';
export * from './tokens';
export * from './visibility';
export * from './shop-scope';
