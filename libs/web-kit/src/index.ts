// What the browser apps (the console, the rider's app) share: the signed-in session, the live
// stream, and the typed service clients behind the gateway.
export * from './api';
export * from './i18n';
export * from './live-stream';
export * from './session';
export * from './sign-in-form';
export * from './recipient-phone';
