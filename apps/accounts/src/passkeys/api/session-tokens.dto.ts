import { RoleSchema } from '@petalpost/contracts';
import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';

/** The answer of every sign-in (password, passkey, a shop chain's identity provider). */
export class SessionTokens extends createZodDto(
  z.object({
    accessToken: z.string().describe('ES256 JWT for the services, at most 15 minutes'),
    tokenType: z.literal('Bearer'),
    expiresAt: z.string().describe("The access token's expiry"),
    refreshToken: z.string().describe('Opaque; good for one refresh'),
    session: z.object({
      sessionId: z.string(),
      role: RoleSchema,
      shopId: z.string().optional(),
      createdAt: z.string(),
      lastUsedAt: z.string(),
      expiresAt: z.string(),
      current: z.boolean(),
    }),
    memberships: z.array(z.object({ shopId: z.string(), roles: z.array(RoleSchema), owner: z.boolean(), manageTeam: z.boolean() })),
  }),
) {}
