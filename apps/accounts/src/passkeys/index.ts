// The passkeys slice: WebAuthn registration and sign-in, its tables and settings.
export { passkeysConfigShape } from './passkeys.config';
export { Passkeys1781000000100 } from './passkeys.migration';
export { PasskeysModule } from './passkeys.module';
