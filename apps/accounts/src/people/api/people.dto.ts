import { createZodDto, ianaTimeZone } from '@petalpost/platform';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../domain/credentials';
import { DEFAULT_SHOP_CURRENCY, isShopCurrency } from '../domain/currency';
import { SHOP_ROLES } from '../domain/shop.events';

/** Bodies and answers of the shops and people API. Unknown fields are refused (strict objects). */

const ShopRoleSchema = z.enum(SHOP_ROLES);
const roles = z
  .array(ShopRoleSchema)
  .min(1)
  .max(SHOP_ROLES.length)
  .refine((r) => new Set(r).size === r.length, 'each role once')
  .describe('staff, florist, dispatcher, rider: never operator or customer');
const email = z.email().max(254).describe('Compared normalised: NFKC, lower-case');
const displayName = z.string().min(1).max(100);
// Length and content rules are checked on the normalised password, each refusal with its reason; this only bounds the body.
const password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4)
  .describe('At least 15 characters, at most 128 (NIST SP 800-63B); no composition rules; not a common password, nor containing your e-mail or the shop name');

// Read in upper case: "cny" is CNY. Only codes in use today (Intl's list), so every screen can format them.
const currency = z
  .string()
  .length(3)
  .transform((code, context) => {
    const upper = code.toUpperCase();
    if (!isShopCurrency(upper)) context.addIssue({ code: 'custom', message: `unknown currency "${code}": an ISO 4217 code in use, e.g. CNY or EUR` });
    return upper;
  })
  .describe('ISO 4217 code of the currency the shop prices in, e.g. CNY');
const shopName = z.string().min(1).max(100);

export class CreateShopBody extends createZodDto(
  z
    .strictObject({
      name: shopName,
      timeZone: ianaTimeZone.describe('IANA time zone of the shop, e.g. Europe/Amsterdam'),
      currency: currency
        .default(DEFAULT_SHOP_CURRENCY)
        .describe(
          `ISO 4217 code of the currency the shop prices in, e.g. CNY. Left out: ${DEFAULT_SHOP_CURRENCY}, as for shops made before it could be given; an owner changes it later`,
        ),
      owner: z.strictObject({ email, displayName, password }),
    })
    .meta({
      example: {
        name: 'Bloom & Co',
        timeZone: 'Europe/Amsterdam',
        currency: 'EUR',
        owner: { email: 'anna@bloom.example', displayName: 'Anna', password: 'tulips under a quiet rain' },
      },
    }),
) {}

export class ChangeShopBody extends createZodDto(
  z
    .strictObject({ name: shopName.optional(), currency: currency.optional() })
    .refine((b) => b.name !== undefined || b.currency !== undefined, 'say what to change: name or currency')
    .meta({ example: { currency: 'CNY' } }),
) {}

export class ShopsQuery extends createZodDto(
  z.strictObject({
    q: z.string().trim().max(100).optional().describe('Only shops whose name contains this, in any case'),
    cursor: z.string().max(200).optional().describe('From the previous page: continue with older shops'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}

export class ChangeMemberBody extends createZodDto(
  z
    .strictObject({
      roles: roles.optional(),
      manageTeam: z.boolean().optional().describe('Owners only: may invite, change and remove people (within the roles they hold)'),
      owner: z.boolean().optional().describe('Owners only: a shop keeps at least one owner'),
    })
    .refine((b) => b.roles !== undefined || b.manageTeam !== undefined || b.owner !== undefined, 'say what to change: roles, manageTeam or owner')
    .meta({ example: { roles: ['staff', 'dispatcher'], manageTeam: true } }),
) {}

export class CreateInvitationBody extends createZodDto(
  z
    .strictObject({
      email: email.optional().describe('Send the invitation to this address (only its owner can accept it); without it, hand the link over in person'),
      roles,
      expiresInDays: z.number().int().min(1).max(30).default(7),
    })
    .meta({ example: { email: 'flo@bloom.example', roles: ['florist'], expiresInDays: 7 } }),
) {}

export class AcceptInvitationBody extends createZodDto(
  z
    .strictObject({
      email: email.optional().describe("New people: your e-mail (an e-mail invitation's own address when left out)"),
      displayName: displayName.optional().describe('New people: your name as the team sees it'),
      password: password.optional().describe('New people: your password'),
    })
    .default({})
    .describe('New people give displayName and password; someone signed in (bearer token) sends nothing')
    .meta({ example: { displayName: 'Flo', password: 'a vase of seven yellow tulips' } }),
) {}

export class AuditQuery extends createZodDto(
  z.strictObject({
    cursor: z.string().max(200).optional().describe('From the previous page: continue with older entries'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}

const MemberSchema = z.object({
  personId: z.string(),
  displayName: z.string(),
  email: z.string().optional().describe('Shown to team managers and operators'),
  roles: z.array(ShopRoleSchema),
  owner: z.boolean().optional(),
  manageTeam: z.boolean().optional(),
  joinedAt: z.string().optional(),
});

export class MemberView extends createZodDto(MemberSchema) {}

export class MemberList extends createZodDto(
  z.object({
    shopId: z.string(),
    items: z
      .array(MemberSchema)
      .describe('Riders see names and roles; other members also rights and when each joined; team managers and operators also e-mails'),
  }),
) {}

const InvitationSchema = z.object({
  invitationId: z.string(),
  shopId: z.string(),
  email: z.string().optional(),
  roles: z.array(ShopRoleSchema),
  expiresAt: z.string(),
  createdAt: z.string(),
  invitedBy: z.string(),
});

export class InvitationList extends createZodDto(z.object({ items: z.array(InvitationSchema) })) {}

export class IssuedInvitationView extends createZodDto(
  InvitationSchema.extend({
    secret: z.string().optional().describe('Shown once, here: kept only as a hash. Missing on an idempotent replay; revoke and invite again'),
    link: z.string().optional().describe('The page to accept it at, with the secret; e-mailed when the invitation has an address'),
    acceptPath: z.string().optional().describe('POST here to accept'),
  }),
) {}

const MembershipSchema = z.object({
  shopId: z.string(),
  shopName: z.string(),
  shopTimeZone: z.string().describe("The shop's IANA time zone: show its times in it"),
  shopCurrency: z.string().describe("The shop's currency (ISO 4217): price new orders in it"),
  roles: z.array(ShopRoleSchema),
  owner: z.boolean(),
  manageTeam: z.boolean(),
  joinedAt: z.string(),
});

export class MeView extends createZodDto(
  z.object({
    personId: z.string(),
    email: z.string(),
    displayName: z.string(),
    operator: z.boolean(),
    memberships: z.array(MembershipSchema),
  }),
) {}

const ShopSchema = z.object({ shopId: z.string(), name: z.string(), timeZone: z.string(), currency: z.string() });

export class ShopView extends createZodDto(ShopSchema) {}

export class ShopList extends createZodDto(
  z.object({
    items: z.array(
      ShopSchema.extend({
        createdAt: z.string(),
        memberCount: z.number().int().describe('People in the team today'),
        owners: z.array(z.object({ personId: z.string(), displayName: z.string() })),
      }),
    ),
    nextCursor: z.string().optional(),
  }),
) {}

export class ShopCreatedView extends createZodDto(
  ShopSchema.extend({
    owner: z.object({ personId: z.string(), roles: z.array(ShopRoleSchema) }),
  }),
) {}

export class MembershipView extends createZodDto(
  z.object({ shopId: z.string(), personId: z.string(), roles: z.array(ShopRoleSchema), owner: z.boolean(), manageTeam: z.boolean() }),
) {}

export class AuditPage extends createZodDto(
  z.object({
    items: z.array(
      z.object({
        version: z.number().int(),
        type: z
          .string()
          .describe(
            'ShopCreated, ShopRenamed, ShopCurrencyChanged, MemberJoined, MemberRolesChanged, MemberRightsChanged, MemberRemoved, InvitationCreated, InvitationAccepted, InvitationRevoked',
          ),
        at: z.string(),
        by: z.object({ personId: z.string().optional(), displayName: z.string().optional(), role: z.string().optional() }).optional(),
        person: z.object({ personId: z.string(), displayName: z.string().optional() }).optional().describe('Whom it is about'),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.string().optional(),
  }),
) {}

export class RemovedMemberView extends createZodDto(z.object({ shopId: z.string(), personId: z.string(), removed: z.literal(true) })) {}
