import { RoleSchema } from '@petalpost/contracts';
import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';

const ActingRoleSchema = RoleSchema.exclude(['customer']);
const shopId = z.string().min(1).max(64);

export class SignInBody extends createZodDto(
  z
    .strictObject({
      email: z.string().trim().min(3).max(320),
      password: z.string().min(1).max(1024),
      shopId: shopId.optional().describe('The shop to act for (default: your first)'),
      role: ActingRoleSchema.optional().describe('The role to act as there (default: your first); operators: operator'),
    })
    .meta({ example: { email: 'alice@rosewood.example', password: 'correct horse battery staple', shopId: 'rosewood', role: 'staff' } }),
) {}

export class RefreshBody extends createZodDto(
  z
    .strictObject({
      refreshToken: z.string().min(1).max(200),
      shopId: shopId.optional().describe('Switch the session to this shop (one you belong to)'),
      role: ActingRoleSchema.optional().describe('Switch the session to this role (one you hold there)'),
    })
    .meta({ example: { refreshToken: 'q3bY…', shopId: 'rosewood', role: 'florist' } }),
) {}

const SessionViewSchema = z.object({
  sessionId: z.string(),
  role: RoleSchema.describe('The role the session acts as'),
  shopId: z.string().optional().describe('The shop it acts for (none for operators)'),
  createdAt: z.string(),
  lastUsedAt: z.string(),
  expiresAt: z.string().describe('When it ends unless used again (and at the latest)'),
  clientAddress: z.string().optional().describe('Where it was signed in from'),
  userAgent: z.string().optional(),
  current: z.boolean().describe('The session of the token making this request'),
});

const MembershipSchema = z.object({ shopId: z.string(), roles: z.array(RoleSchema), owner: z.boolean(), manageTeam: z.boolean() });

export class SessionTokens extends createZodDto(
  z
    .object({
      accessToken: z.string().describe('ES256 JWT for the services, at most 15 minutes'),
      tokenType: z.literal('Bearer'),
      expiresAt: z.string().describe("The access token's expiry"),
      refreshToken: z.string().describe('Opaque; good for one refresh. Keep it secret: presenting a used one ends the session'),
      session: SessionViewSchema,
      memberships: z.array(MembershipSchema).describe('Every shop you belong to, with your roles there'),
    })
    .meta({
      example: {
        accessToken: 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6Ii4uLiJ9…',
        tokenType: 'Bearer',
        expiresAt: '2026-02-14T09:15:00.000Z',
        refreshToken: 'q3bY…',
        session: {
          sessionId: '0b6f…',
          role: 'staff',
          shopId: 'rosewood',
          createdAt: '2026-02-14T09:00:00.000Z',
          lastUsedAt: '2026-02-14T09:00:00.000Z',
          expiresAt: '2026-03-16T09:00:00.000Z',
          current: true,
        },
        memberships: [{ shopId: 'rosewood', roles: ['staff', 'florist'], owner: true, manageTeam: true }],
      },
    }),
) {}

export class SessionList extends createZodDto(z.object({ items: z.array(SessionViewSchema) })) {}

export class SignedOutEverywhere extends createZodDto(z.object({ ended: z.number().int().describe('Sessions ended, this one included') })) {}

export class FailuresQuery extends createZodDto(z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) })) {}

export class SignInFailureList extends createZodDto(
  z.object({
    items: z.array(
      z.object({
        at: z.string(),
        email: z.string().describe('As typed, lower-cased'),
        personId: z.string().optional(),
        clientAddress: z.string(),
        userAgent: z.string().optional(),
        reason: z.enum(['wrong_password', 'unknown_account', 'locked']),
      }),
    ),
  }),
) {}

export class UnlockBody extends createZodDto(z.strictObject({ personId: z.string().min(1).max(128) }).meta({ example: { personId: 'p-rita' } })) {}

export class UnlockResult extends createZodDto(z.object({ personId: z.string(), wasLocked: z.boolean() })) {}
