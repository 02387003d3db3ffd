import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';

const JwkSchema = z.object({
  kty: z.string(),
  crv: z.string(),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.string(),
  use: z.string(),
});

export class JwksView extends createZodDto(
  z.object({
    keys: z
      .array(JwkSchema)
      .describe('Every key a valid access token may be signed with: the next key (published ahead), the current one, and those whose tokens may still live'),
  }),
) {}

const KeyStatusSchema = z.enum(['pending', 'active', 'retiring', 'retired']);

const SigningKeyViewSchema = z.object({
  kid: z.string(),
  status: KeyStatusSchema.describe(
    'pending: published, not signing yet; active: signs; retiring: published until its last token expires; retired: no longer published',
  ),
  createdAt: z.string(),
  activatedAt: z.string().optional(),
  retiringAt: z.string().optional(),
  publishUntil: z.string().optional(),
  retiredAt: z.string().optional(),
});

export class SigningKeyList extends createZodDto(z.object({ items: z.array(SigningKeyViewSchema) })) {}

export class RotateKeysBody extends createZodDto(
  z
    .strictObject({
      immediately: z
        .boolean()
        .default(false)
        .describe(
          'false: publish a successor now; it signs after ACCOUNTS_KEY_PREPUBLISH_MINUTES. true: a successor (the pending one, if any) signs at once — for a key believed exposed',
        ),
    })
    .meta({ example: { immediately: false } }),
) {}

export class RotationResult extends createZodDto(
  z.object({
    steps: z.array(z.object({ type: z.enum(['CreateKey', 'ActivateKey', 'RetireKey', 'DropKey']), kid: z.string() })).describe('What the rotation did'),
    items: z.array(SigningKeyViewSchema),
  }),
) {}
