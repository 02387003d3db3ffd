import { specFor } from '@petalpost/testing';
import { type ShopCommand, shopDecider } from './shop.decider';
import type { ShopEvent, ShopRole } from './shop.events';

const spec = specFor(shopDecider);
const shopId = 's1';
const t0 = '2026-02-01T09:00:00.000Z';
const t1 = '2026-02-02T09:00:00.000Z';
const expires = '2026-02-09T09:00:00.000Z';
const anna = { personId: 'anna', operator: false }; // owner
const dan = { personId: 'dan', operator: false }; // dispatcher with the manageTeam right
const flo = { personId: 'flo', operator: false }; // florist
const olga = { personId: 'olga', operator: true }; // operator, no member

const created: ShopEvent = {
  type: 'ShopCreated',
  data: { shopId, name: 'Bloom', timeZone: 'Europe/Amsterdam', currency: 'CNY', createdAt: t0, by: { selfService: true } },
};
const joined = (personId: string, roles: ShopRole[], extra = {}): ShopEvent => ({
  type: 'MemberJoined',
  data: { shopId, personId, roles, owner: false, manageTeam: false, joinedAt: t0, grantedBy: 'anna', ...extra },
});
const annaJoined = joined('anna', ['staff'], { owner: true, manageTeam: true, grantedBy: 'anna' });
const danJoined = joined('dan', ['dispatcher', 'rider'], { manageTeam: true });
const floJoined = joined('flo', ['florist']);
const team = [created, annaJoined, danJoined, floJoined];

const invite = (
  by = anna,
  roles: ShopCommand & { type: 'CreateInvitation' } extends { roles: infer R } ? R : never = ['rider'],
  email?: string,
): ShopCommand => ({
  type: 'CreateInvitation',
  invitationId: 'i1',
  secretHash: 'h1',
  ...(email ? { email } : {}),
  roles,
  expiresAt: expires,
  by,
  now: t1,
});
const invited = (roles: ShopRole[] = ['rider'], email?: string, by = anna): ShopEvent => ({
  type: 'InvitationCreated',
  data: { shopId, invitationId: 'i1', secretHash: 'h1', ...(email ? { email } : {}), roles, expiresAt: expires, createdAt: t1, by },
});
const accept = (personId = 'rita', email = 'rita@example.com', now = t1): ShopCommand => ({
  type: 'AcceptInvitation',
  secretHash: 'h1',
  person: { personId, email },
  now,
});

describe('shop decider', () => {
  describe('no shop yet', () => {
    it('creates the shop with its owner, who manages the team', () =>
      spec
        .given([])
        .when({
          type: 'CreateShop',
          shopId,
          name: 'Bloom',
          timeZone: 'Europe/Amsterdam',
          currency: 'CNY',
          ownerId: 'anna',
          ownerRoles: ['staff'],
          by: { selfService: true },
          now: t0,
        })
        .then([created, annaJoined]));
    it('records the operator who created a shop as the grantor of its owner', () =>
      spec
        .given([])
        .when({
          type: 'CreateShop',
          shopId,
          name: 'Bloom',
          timeZone: 'Europe/Amsterdam',
          currency: 'CNY',
          ownerId: 'anna',
          ownerRoles: ['staff'],
          by: olga,
          now: t0,
        })
        .then([
          { ...created, data: { ...created.data, by: olga } } as ShopEvent,
          joined('anna', ['staff'], { owner: true, manageTeam: true, grantedBy: 'olga' }),
        ]));
    it('knows no shop to invite to', () => void spec.given([]).when(invite()).thenRefuses('SHOP_NOT_FOUND', 'not_found'));
    it('refuses a currency that is no ISO 4217 code in use', () =>
      void spec
        .given([])
        .when({ type: 'CreateShop', shopId, name: 'Bloom', timeZone: 'UTC', currency: 'XYZ', ownerId: 'anna', ownerRoles: ['staff'], by: olga, now: t0 })
        .thenRefuses('CURRENCY_UNKNOWN', 'invalid'));
    it('knows no shop to rename', () =>
      void spec.given([]).when({ type: 'ChangeShop', name: 'Thorns', by: olga, now: t1 }).thenRefuses('SHOP_NOT_FOUND', 'not_found'));
  });

  describe('an open shop', () => {
    it('refuses to create it twice', () =>
      void spec
        .given(team)
        .when({
          type: 'CreateShop',
          shopId,
          name: 'x',
          timeZone: 'UTC',
          currency: 'EUR',
          ownerId: 'x',
          ownerRoles: ['staff'],
          by: { selfService: true },
          now: t1,
        })
        .thenRefuses('SHOP_EXISTS', 'conflict'));
    it('lets the owner invite into any role', () =>
      spec
        .given(team)
        .when(invite(anna, ['staff', 'dispatcher']))
        .then([invited(['staff', 'dispatcher'])]));
    it('lets an operator who is no member invite', () =>
      spec
        .given(team)
        .when(invite(olga, ['staff']))
        .then([invited(['staff'], undefined, olga)]));
    it('lets a team manager invite into the roles they hold', () =>
      spec
        .given(team)
        .when(invite(dan, ['rider']))
        .then([invited(['rider'], undefined, dan)]));
    it('refuses a team manager inviting into a role they do not hold', () => {
      const error = spec
        .given(team)
        .when(invite(dan, ['staff']))
        .thenRefuses('ROLE_NOT_GRANTABLE', 'forbidden');
      expect(error.details).toEqual({ refused: ['staff'], grantable: ['dispatcher', 'rider'] });
    });
    it('refuses a member without the manageTeam right', () =>
      void spec
        .given(team)
        .when(invite(flo, ['florist']))
        .thenRefuses('TEAM_RIGHT_REQUIRED', 'forbidden'));
    it('tells someone who does not belong that the shop does not exist', () =>
      void spec
        .given(team)
        .when(invite({ personId: 'stranger', operator: false }))
        .thenRefuses('SHOP_NOT_FOUND', 'not_found'));
    it('refuses an invitation that expires before it is made', () =>
      void spec
        .given(team)
        .when({ ...invite(), expiresAt: t0 } as ShopCommand)
        .thenRefuses('INVITATION_EXPIRY_PAST', 'invalid'));
  });

  describe('a pending invitation', () => {
    const history = [...team, invited(['rider'])];
    it('is accepted once: the person joins with its roles, granted by the inviter', () =>
      spec
        .given(history)
        .when(accept())
        .then([
          { type: 'InvitationAccepted', data: { shopId, invitationId: 'i1', personId: 'rita', acceptedAt: t1 } },
          joined('rita', ['rider'], { joinedAt: t1, invitationId: 'i1' }),
        ]));
    it('is not there for another secret', () =>
      void spec
        .given(history)
        .when({ ...accept(), secretHash: 'other' } as ShopCommand)
        .thenRefuses('INVITATION_NOT_FOUND', 'not_found'));
    it('refuses acceptance once it has expired', () =>
      void spec
        .given(history)
        .when(accept('rita', 'rita@example.com', expires))
        .thenRefuses('INVITATION_EXPIRED', 'conflict'));
    it('refuses someone who already belongs', () => void spec.given(history).when(accept('flo')).thenRefuses('ALREADY_MEMBER', 'conflict'));
    it('is for the address it was sent to only', () =>
      void spec
        .given([...team, invited(['rider'], 'rita@example.com')])
        .when(accept('rob', 'rob@example.com'))
        .thenRefuses('INVITATION_FOR_ANOTHER_EMAIL', 'forbidden'));
    it('is revoked by a team manager', () =>
      spec
        .given(history)
        .when({ type: 'RevokeInvitation', invitationId: 'i1', by: dan, now: t1 })
        .then([{ type: 'InvitationRevoked', data: { shopId, invitationId: 'i1', revokedAt: t1, by: dan } }]));
    it('is not revoked by a member without the right', () =>
      void spec.given(history).when({ type: 'RevokeInvitation', invitationId: 'i1', by: flo, now: t1 }).thenRefuses('TEAM_RIGHT_REQUIRED', 'forbidden'));
  });

  describe('a used or revoked invitation', () => {
    const used = [...team, invited(), { type: 'InvitationAccepted', data: { shopId, invitationId: 'i1', personId: 'rita', acceptedAt: t1 } } as ShopEvent];
    const revoked = [...team, invited(), { type: 'InvitationRevoked', data: { shopId, invitationId: 'i1', revokedAt: t1, by: anna } } as ShopEvent];
    it('refuses a second use', () => void spec.given(used).when(accept('rob', 'rob@example.com')).thenRefuses('INVITATION_USED', 'conflict'));
    it('refuses a revoked one', () => void spec.given(revoked).when(accept()).thenRefuses('INVITATION_REVOKED', 'conflict'));
    it('cannot revoke one already used', () =>
      void spec.given(used).when({ type: 'RevokeInvitation', invitationId: 'i1', by: anna, now: t1 }).thenRefuses('INVITATION_USED', 'conflict'));
    it('revokes a revoked one again as nothing', () => spec.given(revoked).when({ type: 'RevokeInvitation', invitationId: 'i1', by: anna, now: t1 }).then([]));
  });

  describe('members', () => {
    it("changes a member's roles within what the actor may grant", () =>
      spec
        .given(team)
        .when({ type: 'ChangeMember', personId: 'flo', roles: ['florist', 'rider'], by: dan, now: t1 })
        .then([
          { type: 'MemberRolesChanged', data: { shopId, personId: 'flo', roles: ['florist', 'rider'], previousRoles: ['florist'], changedAt: t1, by: dan } },
        ]));
    it('refuses a team manager taking away a role they do not hold', () =>
      void spec
        .given(team)
        .when({ type: 'ChangeMember', personId: 'flo', roles: ['rider'], by: dan, now: t1 })
        .thenRefuses('ROLE_NOT_GRANTABLE', 'forbidden'));
    it('lets only owners grant the manageTeam right', () => {
      spec.given(team).when({ type: 'ChangeMember', personId: 'flo', manageTeam: true, by: dan, now: t1 }).thenRefuses('OWNER_RIGHT_REQUIRED', 'forbidden');
      spec
        .given(team)
        .when({ type: 'ChangeMember', personId: 'flo', manageTeam: true, by: anna, now: t1 })
        .then([
          {
            type: 'MemberRightsChanged',
            data: { shopId, personId: 'flo', owner: false, manageTeam: true, previous: { owner: false, manageTeam: false }, changedAt: t1, by: anna },
          },
        ]);
    });
    it('refuses to take the last owner away, by demotion or removal', () => {
      spec.given(team).when({ type: 'ChangeMember', personId: 'anna', owner: false, by: anna, now: t1 }).thenRefuses('LAST_OWNER', 'conflict');
      spec.given(team).when({ type: 'RemoveMember', personId: 'anna', by: olga, now: t1 }).thenRefuses('LAST_OWNER', 'conflict');
    });
    it('lets an owner go once there is another', () => {
      const twoOwners = [
        ...team,
        {
          type: 'MemberRightsChanged',
          data: { shopId, personId: 'dan', owner: true, manageTeam: true, previous: { owner: false, manageTeam: true }, changedAt: t1, by: anna },
        } as ShopEvent,
      ];
      spec
        .given(twoOwners)
        .when({ type: 'RemoveMember', personId: 'anna', by: dan, now: t1 })
        .then([{ type: 'MemberRemoved', data: { shopId, personId: 'anna', roles: ['staff'], removedAt: t1, by: dan } }]);
    });
    it('removes a rider: the removal is a fact of its own', () =>
      spec
        .given([...team, joined('rita', ['rider'])])
        .when({ type: 'RemoveMember', personId: 'rita', by: dan, now: t1 })
        .then([{ type: 'MemberRemoved', data: { shopId, personId: 'rita', roles: ['rider'], removedAt: t1, by: dan } }]));
    it('lets anyone leave', () =>
      spec
        .given(team)
        .when({ type: 'RemoveMember', personId: 'flo', by: flo, now: t1 })
        .then([{ type: 'MemberRemoved', data: { shopId, personId: 'flo', roles: ['florist'], removedAt: t1, by: flo } }]));
    it('refuses a team manager removing someone whose roles they may not grant', () =>
      void spec.given(team).when({ type: 'RemoveMember', personId: 'flo', by: dan, now: t1 }).thenRefuses('ROLE_NOT_GRANTABLE', 'forbidden'));
    it('answers a removed member as not there', () =>
      void spec
        .given([...team, { type: 'MemberRemoved', data: { shopId, personId: 'flo', roles: ['florist'], removedAt: t1, by: anna } }])
        .when({ type: 'RemoveMember', personId: 'flo', by: anna, now: t1 })
        .thenRefuses('MEMBER_NOT_FOUND', 'not_found'));
    it('hides who belongs from someone who does not', () =>
      void spec
        .given(team)
        .when({ type: 'RemoveMember', personId: 'flo', by: { personId: 'stranger', operator: false }, now: t1 })
        .thenRefuses('SHOP_NOT_FOUND', 'not_found'));
    it('changes nothing when nothing changes', () =>
      spec
        .given(team)
        .when({ type: 'ChangeMember', personId: 'flo', roles: ['florist'], by: anna, now: t1 })
        .then([]));
  });

  describe("the shop's name and currency", () => {
    const change = (by: typeof anna, patch: { name?: string; currency?: string }): ShopCommand => ({ type: 'ChangeShop', ...patch, by, now: t1 });
    it('lets an owner rename the shop and change its currency, each a fact with what it was before', () =>
      spec
        .given(team)
        .when(change(anna, { name: 'Bloom & Co', currency: 'HKD' }))
        .then([
          { type: 'ShopRenamed', data: { shopId, name: 'Bloom & Co', previousName: 'Bloom', changedAt: t1, by: anna } },
          { type: 'ShopCurrencyChanged', data: { shopId, currency: 'HKD', previousCurrency: 'CNY', changedAt: t1, by: anna } },
        ]));
    it('lets an operator change them', () =>
      spec
        .given(team)
        .when(change(olga, { currency: 'EUR' }))
        .then([{ type: 'ShopCurrencyChanged', data: { shopId, currency: 'EUR', previousCurrency: 'CNY', changedAt: t1, by: olga } }]));
    it('changes nothing when nothing changes', () =>
      spec
        .given(team)
        .when(change(anna, { name: 'Bloom', currency: 'CNY' }))
        .then([]));
    it('refuses a team manager who is no owner', () =>
      void spec
        .given(team)
        .when(change(dan, { name: 'Dan’s' }))
        .thenRefuses('OWNER_RIGHT_REQUIRED', 'forbidden'));
    it('tells someone who does not belong that the shop does not exist', () =>
      void spec
        .given(team)
        .when(change({ personId: 'stranger', operator: false }, { currency: 'EUR' }))
        .thenRefuses('SHOP_NOT_FOUND', 'not_found'));
    it('refuses an unknown currency and an empty name', () => {
      spec
        .given(team)
        .when(change(anna, { currency: 'ABC' }))
        .thenRefuses('CURRENCY_UNKNOWN', 'invalid');
      spec
        .given(team)
        .when(change(anna, { name: '' }))
        .thenRefuses('SHOP_NAME_REQUIRED', 'invalid');
    });
    it('reads a shop created before currencies were recorded as pricing in euros', () => {
      const { currency: _currency, ...before } = created.data as { currency?: string };
      spec
        .given([{ type: 'ShopCreated', data: before } as ShopEvent, annaJoined])
        .when(change(anna, { currency: 'CNY' }))
        .then([{ type: 'ShopCurrencyChanged', data: { shopId, currency: 'CNY', previousCurrency: 'EUR', changedAt: t1, by: anna } }]);
    });
  });
});
