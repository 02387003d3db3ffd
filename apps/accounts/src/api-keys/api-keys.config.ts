import { MAX_ACCESS_TOKEN_SECONDS } from '@petalpost/auth';
import { z } from 'zod';

export const apiKeysConfigShape = {
  /** After a key's secret is rotated, the old secret keeps working this long, so the shop's systems can switch over. */
  ACCOUNTS_API_KEY_ROTATION_GRACE_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** How long the access token a key is exchanged for lives. */
  ACCOUNTS_API_KEY_TOKEN_SECONDS: z.coerce.number().int().min(10).max(MAX_ACCESS_TOKEN_SECONDS).default(600),
  /** How long each use of a key is kept (the key's count and last use stay). */
  ACCOUNTS_API_KEY_USES_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
};

export interface ApiKeysConfig {
  ACCOUNTS_API_KEY_ROTATION_GRACE_MINUTES: number;
  ACCOUNTS_API_KEY_TOKEN_SECONDS: number;
  ACCOUNTS_API_KEY_USES_RETENTION_DAYS: number;
}

/** What a shop system may be allowed; the services' routes name the scope they take (@Scopes). */
export const API_KEY_SCOPES = ['orders:write', 'orders:read'] as const;
export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

/** Every secret starts so, which makes a leaked one easy to recognise (secret scanners) and to tell from a JWT. */
export const API_KEY_SECRET_PREFIX = 'pp_live_';
