import { ConfigError } from '@petalpost/platform';
import { z } from 'zod';

/** Browsers treat http://localhost as a secure context, so a developer's console may use WebAuthn over plain HTTP there. */
const DEVELOPMENT_RP_ID = 'localhost';
const DEVELOPMENT_ORIGINS = 'http://localhost:8080';

export const passkeysConfigShape = {
  /** The domain passkeys are bound to (the console's host or a parent domain of it), e.g. `petalpost.example`. */
  ACCOUNTS_WEBAUTHN_RP_ID: z.string().optional(),
  /** The name an authenticator shows when it creates a passkey. */
  ACCOUNTS_WEBAUTHN_RP_NAME: z.string().min(1).max(64).default('Petalpost'),
  /** The exact origins (scheme://host[:port], comma-separated) of the pages allowed to run the ceremonies. */
  ACCOUNTS_WEBAUTHN_ORIGINS: z.string().optional(),
  /** How long a ceremony's challenge may wait for the authenticator's answer. */
  ACCOUNTS_WEBAUTHN_CHALLENGE_SECONDS: z.coerce.number().int().min(30).max(900).default(300),
};

export interface PasskeysConfig {
  NODE_ENV: string;
  ACCOUNTS_WEBAUTHN_RP_ID?: string;
  ACCOUNTS_WEBAUTHN_RP_NAME: string;
  ACCOUNTS_WEBAUTHN_ORIGINS?: string;
  ACCOUNTS_WEBAUTHN_CHALLENGE_SECONDS: number;
}

export interface WebAuthnSettings {
  rpId: string;
  rpName: string;
  origins: string[];
  challengeMs: number;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

function originProblems(origin: string, rpId: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `${origin} is not a URL`;
  }
  if (url.origin !== origin) return `${origin} is not an origin (scheme://host[:port], no path or trailing slash; expected ${url.origin})`;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost')) return `${origin}: https only (http on localhost alone)`;
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) return `${origin} is not on ${rpId} or one of its subdomains`;
  return undefined;
}

/**
 * The relying party's identity, checked once at start: an authenticator binds each passkey to the RP ID
 * for good, so a wrong one is found now rather than by every person's sign-in failing later.
 */
export function webAuthnSettingsFrom(config: PasskeysConfig): WebAuthnSettings {
  const production = config.NODE_ENV === 'production';
  const problems: string[] = [];
  if (production && config.ACCOUNTS_WEBAUTHN_RP_ID === undefined)
    problems.push('ACCOUNTS_WEBAUTHN_RP_ID: must be set in production (the domain of the console)');
  if (production && config.ACCOUNTS_WEBAUTHN_ORIGINS === undefined) problems.push('ACCOUNTS_WEBAUTHN_ORIGINS: must be set in production (the console origins)');
  const rpId = config.ACCOUNTS_WEBAUTHN_RP_ID ?? DEVELOPMENT_RP_ID;
  if (!DOMAIN.test(rpId) || IPV4.test(rpId)) problems.push(`ACCOUNTS_WEBAUTHN_RP_ID: ${rpId} is not a lower-case domain name (no scheme, port or IP address)`);
  if (production && rpId === DEVELOPMENT_RP_ID) problems.push('ACCOUNTS_WEBAUTHN_RP_ID: localhost is for development only');
  const origins = (config.ACCOUNTS_WEBAUTHN_ORIGINS ?? DEVELOPMENT_ORIGINS)
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length === 0) problems.push('ACCOUNTS_WEBAUTHN_ORIGINS: name at least one origin');
  for (const origin of origins) {
    const problem = originProblems(origin, rpId);
    if (problem) problems.push(`ACCOUNTS_WEBAUTHN_ORIGINS: ${problem}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { rpId, rpName: config.ACCOUNTS_WEBAUTHN_RP_NAME, origins, challengeMs: config.ACCOUNTS_WEBAUTHN_CHALLENGE_SECONDS * 1000 };
}
