import type { TrustedKeys } from '@petalpost/auth';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** A JWKS document given inline: the public keys to trust without fetching them. */
const inlineJwks = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().min(1) })).min(1) }));

const brokerList = z
  .string()
  .min(1)
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^:]+:\d+$/, 'expected host:port')).min(1));

/** proxy-addr's names for whole ranges, as Fastify's `trustProxy` reads them. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Addresses and CIDR ranges, comma-separated; empty trusts nobody. */
export const trustedProxyList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .refine(
          (entry) => NAMED_RANGES.has(entry) || ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry),
          'expected IP addresses or CIDR ranges (or loopback, linklocal, uniquelocal), comma-separated',
        ),
    ),
  );

/** Variables every service reads. Each service extends this with its own. */
export const serviceConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    HOST: z.string().default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    KAFKA_BROKERS: brokerList,
    KAFKA_NAMESPACE: z
      .string()
      .regex(/^[a-z0-9_-]*$/, 'lower-case letters, digits, - and _')
      .default(''),
    /** The client the outbox relays publish through (docs/kafka.md: both pass the conformance; this one acks sooner). */
    KAFKA_RELAY_CLIENT: z.enum(['platformatic', 'kafkajs']).default('platformatic'),
    /** The accounts service's JWKS: the keys access tokens are verified with. No service holds a signing key. */
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Public keys to trust given inline, as a JWKS document (a pinned deployment, a benchmark). */
    AUTH_JWKS: inlineJwks.optional(),
    /** Trust the public development key: `true` by default outside production, refused in production. */
    AUTH_DEVELOPMENT_KEY: z.enum(['true', 'false']).optional(),
    HTTP_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /**
     * The proxies (a gateway, an Ingress) whose X-Forwarded-For names the client. Nobody by default:
     * a client talking to the service directly must not choose the address its sign-ins are throttled by.
     */
    TRUSTED_PROXIES: trustedProxyList,
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.AUTH_DEVELOPMENT_KEY !== 'true', {
    path: ['AUTH_DEVELOPMENT_KEY'],
    message: 'the development key is public: production never trusts it',
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.AUTH_JWKS_URL !== undefined || c.AUTH_JWKS !== undefined, {
    path: ['AUTH_JWKS_URL'],
    message: "must be set in production (the accounts service's /.well-known/jwks.json)",
  })
  .refine((c) => !trustsDevelopmentKey(c) || LOOPBACK_HOSTS.has(c.HOST), {
    path: ['HOST'],
    message: 'a service trusting the public development key listens on loopback only; set AUTH_DEVELOPMENT_KEY=false and AUTH_JWKS_URL to listen here',
  })
  .refine((c) => trustsDevelopmentKey(c) || c.AUTH_JWKS_URL !== undefined || c.AUTH_JWKS !== undefined, {
    path: ['AUTH_JWKS_URL'],
    message: 'with AUTH_DEVELOPMENT_KEY=false, set AUTH_JWKS_URL or AUTH_JWKS: otherwise no token could ever be verified',
  });

function trustsDevelopmentKey(c: { NODE_ENV: string; AUTH_DEVELOPMENT_KEY?: 'true' | 'false' }): boolean {
  return c.AUTH_DEVELOPMENT_KEY === undefined ? c.NODE_ENV !== 'production' : c.AUTH_DEVELOPMENT_KEY === 'true';
}

/** The keys a service verifies access tokens with, as configured. */
export function trustedKeysOf(config: ServiceConfig): TrustedKeys {
  return {
    developmentKey: trustsDevelopmentKey(config),
    ...(config.AUTH_JWKS_URL ? { jwksUrl: config.AUTH_JWKS_URL } : {}),
    ...(config.AUTH_JWKS ? { jwks: config.AUTH_JWKS as TrustedKeys['jwks'] } : {}),
  };
}

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

/** A service's own variables: the shared ones, and its database schema named after it by default. */
export function serviceConfigSchemaFor(service: string) {
  return serviceConfigSchema.safeExtend({ DATABASE_SCHEMA: z.string().default(service) });
}

/** How long the rider who delivered an order keeps seeing it: the one grace period of every service that decides what a rider sees. */
export const riderGraceConfigShape = {
  RIDER_GRACE_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
};

/** Old names still read (deprecated): old name → the variable it stands for. */
const DEPRECATED_ALIASES: Record<string, string> = {
  MESSAGING_RIDER_GRACE_MINUTES: 'RIDER_GRACE_MINUTES',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The one place that reads the environment: validates it once at boot and fails with the
 * list of bad variables, so a misconfigured service never half-starts.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const { resolved, problems } = withDeprecatedAliases(env);
  const result = schema.safeParse(resolved);
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError([...problems, ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`))]);
}

/** A deprecated name stands for its new one when that is unset; both set to different values is a mistake to name. */
function withDeprecatedAliases(env: Record<string, string | undefined>) {
  const resolved = { ...env };
  const problems: string[] = [];
  for (const [old, current] of Object.entries(DEPRECATED_ALIASES)) {
    if (env[old] === undefined) continue;
    if (env[current] === undefined) resolved[current] = env[old];
    else if (env[current] !== env[old]) problems.push(`${old}: deprecated name of ${current}, which is set to another value; unset ${old}`);
  }
  return { resolved, problems };
}
