import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';
import { ApiKeyScopeSchema } from '../api-keys.config';

export class CreateApiKeyBody extends createZodDto(
  z
    .strictObject({
      label: z.string().trim().min(1).max(100).describe('What uses it, for the people who manage it'),
      scopes: z.array(ApiKeyScopeSchema).min(1).max(10).describe('What it may do'),
    })
    .meta({ example: { label: 'Web shop (Shopify)', scopes: ['orders:write'] } }),
) {}

const ApiKeyViewSchema = z.object({
  keyId: z.string(),
  shopId: z.string(),
  label: z.string(),
  scopes: z.array(ApiKeyScopeSchema),
  secretHint: z.string().describe('The start of its newest secret, to tell keys apart'),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().optional(),
  useCount: z.number().int().describe('Times it was exchanged for an access token'),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
});

export class ApiKeyList extends createZodDto(z.object({ items: z.array(ApiKeyViewSchema) })) {}

export class CreatedApiKey extends createZodDto(
  z.object({
    apiKey: ApiKeyViewSchema,
    secret: z.string().describe('Shown this once: only its hash is kept. Send it as `Authorization: Bearer …` to POST /api-keys/token'),
  }),
) {}

export class RotatedApiKey extends createZodDto(
  z.object({
    apiKey: ApiKeyViewSchema,
    secret: z.string().describe('The new secret, shown this once'),
    previousSecretValidUntil: z.string().describe('Until when the previous secret still works'),
  }),
) {}

export class ApiKeyToken extends createZodDto(
  z.object({
    accessToken: z.string().describe('ES256 JWT: role staff at the key’s shop, subject api-key:<keyId>, the key’s scopes in `scope`'),
    tokenType: z.literal('Bearer'),
    expiresAt: z.string(),
    scopes: z.array(ApiKeyScopeSchema),
  }),
) {}
