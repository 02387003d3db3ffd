import type { Role } from '@petalpost/contracts';

/** The roles a person can hold at a shop. Operators are the platform's own; customers follow a tracking link. */
export const SHOP_ROLES = ['staff', 'florist', 'dispatcher', 'rider'] as const satisfies readonly Role[];
export type ShopRole = (typeof SHOP_ROLES)[number];

/** Who did it: a person of this service (their person id), and whether they acted as an operator. */
export interface ActingPerson {
  personId: string;
  operator: boolean;
}

export const shopStream = (shopId: string) => `shop-${shopId}`;

/**
 * A shop's facts: its creation and later changes of its name or currency, who joined it with which
 * roles and rights (and who granted them), every change to that, and the invitations it gave out.
 * One stream per shop, so the rule "who may grant what" is decided against the whole team at once,
 * and its history is the audit.
 */
export type ShopEvent =
  | {
      type: 'ShopCreated';
      data: {
        shopId: string;
        name: string;
        timeZone: string;
        /** ISO 4217. Missing in shops created before it was recorded: they price in DEFAULT_SHOP_CURRENCY. */
        currency?: string;
        createdAt: string;
        by: ActingPerson | { selfService: true };
      };
    }
  | { type: 'ShopRenamed'; data: { shopId: string; name: string; previousName: string; changedAt: string; by: ActingPerson } }
  | { type: 'ShopCurrencyChanged'; data: { shopId: string; currency: string; previousCurrency: string; changedAt: string; by: ActingPerson } }
  | {
      type: 'MemberJoined';
      data: {
        shopId: string;
        personId: string;
        roles: ShopRole[];
        owner: boolean;
        manageTeam: boolean;
        joinedAt: string;
        /** Who granted the roles: the inviter, the operator, or the owner themselves at sign-up. */
        grantedBy: string;
        invitationId?: string;
      };
    }
  | {
      type: 'MemberRolesChanged';
      data: { shopId: string; personId: string; roles: ShopRole[]; previousRoles: ShopRole[]; changedAt: string; by: ActingPerson };
    }
  | {
      type: 'MemberRightsChanged';
      data: {
        shopId: string;
        personId: string;
        owner: boolean;
        manageTeam: boolean;
        previous: { owner: boolean; manageTeam: boolean };
        changedAt: string;
        by: ActingPerson;
      };
    }
  | { type: 'MemberRemoved'; data: { shopId: string; personId: string; roles: ShopRole[]; removedAt: string; by: ActingPerson } }
  | {
      type: 'InvitationCreated';
      data: {
        shopId: string;
        invitationId: string;
        /** SHA-256 of the secret, base64url: the secret itself is shown once and kept nowhere. */
        secretHash: string;
        email?: string;
        roles: ShopRole[];
        expiresAt: string;
        createdAt: string;
        by: ActingPerson;
      };
    }
  | { type: 'InvitationAccepted'; data: { shopId: string; invitationId: string; personId: string; acceptedAt: string } }
  | { type: 'InvitationRevoked'; data: { shopId: string; invitationId: string; revokedAt: string; by: ActingPerson } };
