import { z } from 'zod';

/** Used when JWT_SECRET is unset; start-up warns loudly, and production refuses it. */
export const DEVELOPMENT_JWT_SECRET = 'petalpost-development-secret-do-not-use-in-production';

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
    JWT_SECRET: z.string().min(32).default(DEVELOPMENT_JWT_SECRET),
    HTTP_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(256 * 1024),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.JWT_SECRET !== DEVELOPMENT_JWT_SECRET, {
    path: ['JWT_SECRET'],
    message: 'must be set in production',
  });

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
