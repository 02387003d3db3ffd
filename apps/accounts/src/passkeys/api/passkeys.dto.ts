import { RoleSchema } from '@petalpost/contracts';
import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';

const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url without padding');

/** What the browser's navigator.credentials.create() gives, as JSON (WebAuthn Level 3's RegistrationResponseJSON). */
const RegistrationResponseSchema = z.object({
  id: base64url(1366),
  rawId: base64url(1366),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(65_536),
    transports: z
      .array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']))
      .max(8)
      .optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

/** What navigator.credentials.get() gives, as JSON (AuthenticationResponseJSON). */
const AuthenticationResponseSchema = z.object({
  id: base64url(1366),
  rawId: base64url(1366),
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(8192),
    signature: base64url(2048),
    userHandle: base64url(128).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});

export class RegisterPasskeyBody extends createZodDto(
  z
    .strictObject({
      response: RegistrationResponseSchema.describe("The authenticator's answer to the registration options, as the browser encodes it to JSON"),
      label: z.string().trim().min(1).max(80).optional().describe('What you call it, e.g. "Counter PC, Rosewood"'),
    })
    .meta({
      example: {
        response: {
          id: 'hXo1Rk3q9tY2mUuVZlQeNw',
          rawId: 'hXo1Rk3q9tY2mUuVZlQeNw',
          type: 'public-key',
          response: {
            clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0',
            attestationObject: 'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVjF',
            transports: ['internal'],
          },
          clientExtensionResults: {},
        },
        label: 'Counter PC, Rosewood',
      },
    }),
) {}

export class PasskeySignInBody extends createZodDto(
  z
    .strictObject({
      response: AuthenticationResponseSchema.describe("The authenticator's answer to the sign-in options, as the browser encodes it to JSON"),
      shopId: z.string().min(1).max(64).optional().describe('The shop to act for (default: your first)'),
      role: RoleSchema.exclude(['customer']).optional().describe('The role to act as there (default: your first)'),
    })
    .meta({
      example: {
        response: {
          id: 'hXo1Rk3q9tY2mUuVZlQeNw',
          rawId: 'hXo1Rk3q9tY2mUuVZlQeNw',
          type: 'public-key',
          response: {
            clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0',
            authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ',
            signature: 'MEUCIQDxq7v0',
            userHandle: 'cC1yaXRh',
          },
          clientExtensionResults: {},
        },
        shopId: 'rosewood',
      },
    }),
) {}

const PasskeyViewSchema = z.object({
  credentialId: z.string(),
  label: z.string(),
  transports: z.array(z.string()).describe('How the browser may reach the authenticator'),
  deviceType: z.enum(['singleDevice', 'multiDevice']).describe('multiDevice: a synced passkey (a password manager, a platform account)'),
  backedUp: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().optional(),
  counterRegressedAt: z.string().optional().describe('When a sign-in with it was refused because its counter went backwards: a copy of it may exist'),
});

export class PasskeyView extends createZodDto(PasskeyViewSchema) {}

export class PasskeyList extends createZodDto(z.object({ items: z.array(PasskeyViewSchema) })) {}

/** WebAuthn's PublicKeyCredentialCreationOptionsJSON: hand it to navigator.credentials.create() (after decoding, or parseCreationOptionsFromJSON). */
export class RegistrationOptions extends createZodDto(
  z.looseObject({
    challenge: z.string(),
    rp: z.looseObject({ id: z.string().optional(), name: z.string() }),
    user: z.looseObject({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.looseObject({ type: z.string(), alg: z.number() })),
    timeout: z.number().optional(),
    excludeCredentials: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
    authenticatorSelection: z.looseObject({}).optional(),
    attestation: z.string().optional(),
  }),
) {}

/** WebAuthn's PublicKeyCredentialRequestOptionsJSON: hand it to navigator.credentials.get() (parseRequestOptionsFromJSON). */
export class SignInOptions extends createZodDto(
  z.looseObject({
    challenge: z.string(),
    rpId: z.string().optional(),
    timeout: z.number().optional(),
    userVerification: z.string().optional(),
    allowCredentials: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
  }),
) {}
