export * from './access-tokens';
export * from './auth.guard';
export * from './development-key';
export * from './principal';
export * from './token-verifier';
export * from './visibility';
export * from './shop-scope';
