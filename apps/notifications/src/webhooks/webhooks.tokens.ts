/** The webhooks' own view of the service config (webhooks.config.ts). */
export const WEBHOOKS_CONFIG = Symbol('WEBHOOKS_CONFIG');
