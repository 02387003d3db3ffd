export { keysConfigShape, type KeysConfig } from './keys.config';
export { SigningKeys1768000000100 } from './keys.migration';
export { KeysModule } from './keys.module';
export { SigningKeys } from './signing-keys';
