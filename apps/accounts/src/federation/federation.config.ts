import { ConfigError } from '@petalpost/platform';
import { keyEncryptionKeyFrom } from '../keys/keys.config';
import { z } from 'zod';

export const federationConfigShape = {
  /**
   * Where a shop chain's identity provider sends people back: this service's GET /sessions/oidc/callback
   * as the browser reaches it (through the gateway in production). Registered as the redirect URI at
   * every provider. Outside production it defaults to http://HOST:PORT/sessions/oidc/callback.
   */
  ACCOUNTS_OIDC_REDIRECT_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** How long a person may take at their provider between the start and the callback. */
  ACCOUNTS_OIDC_STATE_SECONDS: z.coerce.number().int().min(60).max(3600).default(600),
};

export interface FederationConfig {
  NODE_ENV: string;
  HOST: string;
  PORT: number;
  ACCOUNTS_OIDC_REDIRECT_URL?: string;
  ACCOUNTS_OIDC_STATE_SECONDS: number;
  ACCOUNTS_KEY_ENCRYPTION_KEY: string;
}

export interface FederationSettings {
  /** Absent: no shop can sign in through its provider (production without ACCOUNTS_OIDC_REDIRECT_URL). */
  redirectUrl?: string;
  stateMs: number;
  /** Plain-HTTP issuers on loopback, for a provider run on a developer's machine or in a test; never in production. */
  allowLoopbackHttpIssuers: boolean;
  /** Seals the client secrets at rest. */
  keyEncryptionKey: Buffer;
}

/** Checked once at start: a wrong redirect URL would only surface as every provider refusing the sign-in. */
export function federationSettingsFrom(config: FederationConfig): FederationSettings {
  const production = config.NODE_ENV === 'production';
  const redirectUrl =
    config.ACCOUNTS_OIDC_REDIRECT_URL ??
    (!production && config.PORT > 0
      ? `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}/sessions/oidc/callback`
      : undefined);
  const problems: string[] = [];
  if (redirectUrl) {
    const url = new URL(redirectUrl);
    if (production && url.protocol !== 'https:') problems.push('ACCOUNTS_OIDC_REDIRECT_URL: https in production');
    if (url.search || url.hash) problems.push('ACCOUNTS_OIDC_REDIRECT_URL: no query or fragment (the provider appends its own)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...(redirectUrl ? { redirectUrl } : {}),
    stateMs: config.ACCOUNTS_OIDC_STATE_SECONDS * 1000,
    allowLoopbackHttpIssuers: !production,
    // The signing keys' key-encryption key seals the client secrets too: one secret to hold, checked where it is defined.
    keyEncryptionKey: keyEncryptionKeyFrom(config),
  };
}
