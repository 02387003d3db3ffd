import { RoleSchema } from '@petalpost/contracts';
import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';

export class ConfigureIdentityProviderBody extends createZodDto(
  z
    .strictObject({
      issuer: z
        .url({ protocol: /^https?$/ })
        .max(500)
        .describe("The provider's issuer identifier, exactly as its discovery document names it"),
      clientId: z.string().min(1).max(200).describe('The client registered for Petalpost at the provider'),
      clientSecret: z.string().min(1).max(500).describe("That client's secret: kept sealed, never shown again"),
    })
    .meta({ example: { issuer: 'https://login.rosewood-flowers.example', clientId: 'petalpost', clientSecret: 's3cr3t-from-the-provider' } }),
) {}

export class IdentityProviderView extends createZodDto(
  z.object({
    shopId: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    personClaim: z.literal('email').describe("Who the person is: the provider's verified e-mail address (email, email_verified)"),
    redirectUri: z.string().optional().describe('Register this as the redirect URI of the client at the provider'),
    configuredBy: z.string(),
    configuredAt: z.string(),
  }),
) {}

export class OidcStartQuery extends createZodDto(
  z.strictObject({ role: RoleSchema.exclude(['customer', 'operator']).optional().describe('The role to act as at the shop (default: your first there)') }),
) {}

/** Anything the provider appends is accepted here; openid-client checks what matters. */
export class OidcCallbackQuery extends createZodDto(
  z.looseObject({
    state: z.string().max(200).optional(),
    code: z.string().max(2000).optional(),
    iss: z.string().max(500).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(1000).optional(),
  }),
) {}
