import { DomainError, exhaustive } from '@petalpost/contracts';
import { DEFAULT_SHOP_CURRENCY, isShopCurrency } from './currency';
import { type ActingPerson, SHOP_ROLES, type ShopEvent, type ShopRole } from './shop.events';

/**
 * A shop's team: who belongs with which roles, who may manage the team, and the invitations out.
 *
 * Rights: an owner always manages the team and grants any of the four shop roles, and alone makes
 * others owners or team managers. A member with the manageTeam right invites, changes and removes
 * people only within the roles they hold themselves. Operators may do everything. The last owner
 * cannot go. Someone who is no member of the shop is told it does not exist (404).
 */

export interface Member {
  personId: string;
  roles: ShopRole[];
  owner: boolean;
  manageTeam: boolean;
  joinedAt: string;
}

export interface Invitation {
  invitationId: string;
  secretHash: string;
  email?: string;
  roles: ShopRole[];
  expiresAt: string;
  createdAt: string;
  invitedBy: string;
  status: 'pending' | 'accepted' | 'revoked';
}

export type ShopState =
  | { status: 'none' }
  | {
      status: 'open';
      shopId: string;
      name: string;
      timeZone: string;
      currency: string;
      members: Record<string, Member>;
      invitations: Record<string, Invitation>;
    };

export type OpenShop = Extract<ShopState, { status: 'open' }>;

export type ShopCommand =
  | {
      type: 'CreateShop';
      shopId: string;
      name: string;
      timeZone: string;
      currency: string;
      ownerId: string;
      ownerRoles: ShopRole[];
      by: ActingPerson | { selfService: true };
      now: string;
    }
  | { type: 'CreateInvitation'; invitationId: string; secretHash: string; email?: string; roles: ShopRole[]; expiresAt: string; by: ActingPerson; now: string }
  | { type: 'RevokeInvitation'; invitationId: string; by: ActingPerson; now: string }
  /** `person.email` is the accepting person's (normalised) e-mail: an e-mail invitation is for that address only. */
  | { type: 'AcceptInvitation'; secretHash: string; person: { personId: string; email: string }; now: string }
  | { type: 'ChangeMember'; personId: string; roles?: ShopRole[]; owner?: boolean; manageTeam?: boolean; by: ActingPerson; now: string }
  | { type: 'RemoveMember'; personId: string; by: ActingPerson; now: string }
  /** Name and currency; what is left out, or the same as now, stays as it is. */
  | { type: 'ChangeShop'; name?: string; currency?: string; by: ActingPerson; now: string };

export const initialState = (): ShopState => ({ status: 'none' });

export function evolve(state: ShopState, event: ShopEvent): ShopState {
  if (event.type === 'ShopCreated') {
    const { shopId, name, timeZone, currency = DEFAULT_SHOP_CURRENCY } = event.data;
    return { status: 'open', shopId, name, timeZone, currency, members: {}, invitations: {} };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ShopRenamed':
      return { ...state, name: event.data.name };
    case 'ShopCurrencyChanged':
      return { ...state, currency: event.data.currency };
    case 'MemberJoined': {
      const { personId, roles, owner, manageTeam, joinedAt } = event.data;
      return { ...state, members: { ...state.members, [personId]: { personId, roles, owner, manageTeam, joinedAt } } };
    }
    case 'MemberRolesChanged':
      return withMember(state, event.data.personId, (m) => ({ ...m, roles: event.data.roles }));
    case 'MemberRightsChanged':
      return withMember(state, event.data.personId, (m) => ({ ...m, owner: event.data.owner, manageTeam: event.data.manageTeam }));
    case 'MemberRemoved': {
      const members = { ...state.members };
      delete members[event.data.personId];
      return { ...state, members };
    }
    case 'InvitationCreated': {
      const { invitationId, secretHash, email, roles, expiresAt, createdAt, by } = event.data;
      const invitation: Invitation = {
        invitationId,
        secretHash,
        ...(email ? { email } : {}),
        roles,
        expiresAt,
        createdAt,
        invitedBy: by.personId,
        status: 'pending',
      };
      return { ...state, invitations: { ...state.invitations, [invitationId]: invitation } };
    }
    case 'InvitationAccepted':
      return withInvitation(state, event.data.invitationId, 'accepted');
    case 'InvitationRevoked':
      return withInvitation(state, event.data.invitationId, 'revoked');
    default:
      return exhaustive(event);
  }
}

export function decide(command: ShopCommand, state: ShopState): ShopEvent[] {
  if (command.type === 'CreateShop') {
    if (state.status !== 'none') throw new DomainError('conflict', 'SHOP_EXISTS', 'this shop already exists');
    const { shopId, name, timeZone, currency, ownerId, ownerRoles, by, now } = command;
    assertCurrency(currency);
    return [
      { type: 'ShopCreated', data: { shopId, name, timeZone, currency, createdAt: now, by } },
      {
        type: 'MemberJoined',
        data: {
          shopId,
          personId: ownerId,
          roles: ownerRoles,
          owner: true,
          manageTeam: true,
          joinedAt: now,
          grantedBy: 'selfService' in by ? ownerId : by.personId,
        },
      },
    ];
  }
  if (state.status === 'none') throw shopNotFound();
  switch (command.type) {
    case 'CreateInvitation': {
      const { invitationId, secretHash, email, roles, expiresAt, by, now } = command;
      assertMayGrant(state, by, roles);
      if (Date.parse(expiresAt) <= Date.parse(now)) throw new DomainError('invalid', 'INVITATION_EXPIRY_PAST', 'an invitation must expire in the future');
      return [
        {
          type: 'InvitationCreated',
          data: { shopId: state.shopId, invitationId, secretHash, ...(email ? { email } : {}), roles, expiresAt, createdAt: now, by },
        },
      ];
    }
    case 'RevokeInvitation': {
      teamManager(state, command.by);
      const invitation = state.invitations[command.invitationId];
      if (!invitation) throw new DomainError('not_found', 'INVITATION_NOT_FOUND', 'no such invitation');
      if (invitation.status === 'accepted') throw refusal('INVITATION_USED', 'this invitation was already accepted; remove the member instead', invitation);
      // Revoking twice asks for what is already so.
      if (invitation.status === 'revoked') return [];
      return [{ type: 'InvitationRevoked', data: { shopId: state.shopId, invitationId: invitation.invitationId, revokedAt: command.now, by: command.by } }];
    }
    case 'AcceptInvitation': {
      const { secretHash, person, now } = command;
      const invitation = Object.values(state.invitations).find((i) => i.secretHash === secretHash);
      if (!invitation) throw invitationNotFound();
      if (invitation.status === 'accepted') throw refusal('INVITATION_USED', 'this invitation has already been used', invitation);
      if (invitation.status === 'revoked') throw refusal('INVITATION_REVOKED', 'this invitation was revoked by the shop', invitation);
      if (Date.parse(now) >= Date.parse(invitation.expiresAt))
        throw refusal('INVITATION_EXPIRED', `this invitation expired at ${invitation.expiresAt}`, invitation);
      if (invitation.email && invitation.email !== person.email) {
        throw new DomainError('forbidden', 'INVITATION_FOR_ANOTHER_EMAIL', 'this invitation was sent to another e-mail address');
      }
      if (state.members[person.personId]) throw new DomainError('conflict', 'ALREADY_MEMBER', 'you already belong to this shop');
      const { shopId } = state;
      return [
        { type: 'InvitationAccepted', data: { shopId, invitationId: invitation.invitationId, personId: person.personId, acceptedAt: now } },
        {
          type: 'MemberJoined',
          data: {
            shopId,
            personId: person.personId,
            roles: invitation.roles,
            owner: false,
            manageTeam: false,
            joinedAt: now,
            grantedBy: invitation.invitedBy,
            invitationId: invitation.invitationId,
          },
        },
      ];
    }
    case 'ChangeMember':
      return changeMember(state, command);
    case 'ChangeShop':
      return changeShop(state, command);
    case 'RemoveMember': {
      const { personId, by, now } = command;
      const member = memberOf(state, by, personId);
      // Anyone may leave; removing someone else takes the right to grant what they hold.
      if (by.personId !== personId || by.operator) {
        assertMayGrant(state, by, member.roles);
        if (member.owner) ownerOnly(state, by, 'only an owner removes an owner');
      }
      if (member.owner) assertAnotherOwner(state, personId);
      return [{ type: 'MemberRemoved', data: { shopId: state.shopId, personId, roles: member.roles, removedAt: now, by } }];
    }
    default:
      return exhaustive(command);
  }
}

function changeMember(state: OpenShop, command: Extract<ShopCommand, { type: 'ChangeMember' }>): ShopEvent[] {
  const { personId, by, now } = command;
  const member = memberOf(state, by, personId);
  const events: ShopEvent[] = [];
  if (member.owner) ownerOnly(state, by, "only an owner changes an owner's roles or rights");
  const wanted = command.roles;
  if (wanted && !sameRoles(wanted, member.roles)) {
    const touched = [...wanted.filter((r) => !member.roles.includes(r)), ...member.roles.filter((r) => !wanted.includes(r))];
    assertMayGrant(state, by, touched);
    events.push({
      type: 'MemberRolesChanged',
      data: { shopId: state.shopId, personId, roles: wanted, previousRoles: member.roles, changedAt: now, by },
    });
  }
  const owner = command.owner ?? member.owner;
  // An owner always manages the team; making someone owner gives them the right too.
  // Taking ownership away takes the right with it, unless it is kept in the same change.
  const manageTeam = owner ? true : (command.manageTeam ?? (member.owner ? false : member.manageTeam));
  if (owner && command.manageTeam === false) {
    throw new DomainError('conflict', 'OWNER_MANAGES_TEAM', 'an owner always has the manageTeam right; take ownership away instead', { member });
  }
  if (owner !== member.owner || manageTeam !== member.manageTeam) {
    ownerOnly(state, by, 'only an owner grants or takes the owner and manageTeam rights');
    if (member.owner && !owner) assertAnotherOwner(state, personId);
    events.push({
      type: 'MemberRightsChanged',
      data: { shopId: state.shopId, personId, owner, manageTeam, previous: { owner: member.owner, manageTeam: member.manageTeam }, changedAt: now, by },
    });
  }
  return events;
}

/** The shop's own details are the owners' (and operators') to change; its members are told so, others that it does not exist. */
function changeShop(state: OpenShop, command: Extract<ShopCommand, { type: 'ChangeShop' }>): ShopEvent[] {
  const { name, currency, by, now } = command;
  if (!by.operator && !state.members[by.personId]) throw shopNotFound();
  if (!by.operator && !state.members[by.personId].owner) {
    throw new DomainError('forbidden', 'OWNER_RIGHT_REQUIRED', "only an owner changes the shop's name or currency");
  }
  if (name !== undefined && name.length === 0) throw new DomainError('invalid', 'SHOP_NAME_REQUIRED', 'a shop needs a name');
  if (currency !== undefined) assertCurrency(currency);
  const events: ShopEvent[] = [];
  if (name !== undefined && name !== state.name) {
    events.push({ type: 'ShopRenamed', data: { shopId: state.shopId, name, previousName: state.name, changedAt: now, by } });
  }
  if (currency !== undefined && currency !== state.currency) {
    events.push({ type: 'ShopCurrencyChanged', data: { shopId: state.shopId, currency, previousCurrency: state.currency, changedAt: now, by } });
  }
  return events;
}

function assertCurrency(currency: string): void {
  if (!isShopCurrency(currency)) throw new DomainError('invalid', 'CURRENCY_UNKNOWN', `${currency} is no ISO 4217 currency in use`, { field: 'currency' });
}

/** The roles someone may hand out here: all four for operators and owners, their own for team managers. */
export function grantableRoles(state: OpenShop, by: ActingPerson): ShopRole[] {
  if (by.operator) return [...SHOP_ROLES];
  const actor = state.members[by.personId];
  if (!actor) return [];
  if (actor.owner) return [...SHOP_ROLES];
  return actor.manageTeam ? actor.roles : [];
}

/** Whether this person may manage the team: see its invitations and audit, invite, change, remove. */
export function managesTeam(state: OpenShop, by: ActingPerson): boolean {
  return by.operator || state.members[by.personId]?.manageTeam === true || state.members[by.personId]?.owner === true;
}

/** A non-member is told the shop does not exist; a member without the right is refused. */
function teamManager(state: OpenShop, by: ActingPerson): void {
  if (!by.operator && !state.members[by.personId]) throw shopNotFound();
  if (!managesTeam(state, by))
    throw new DomainError('forbidden', 'TEAM_RIGHT_REQUIRED', 'only the owner or a member with the manageTeam right manages the team');
}

function assertMayGrant(state: OpenShop, by: ActingPerson, roles: ShopRole[]): void {
  teamManager(state, by);
  const grantable = grantableRoles(state, by);
  const refused = roles.filter((r) => !grantable.includes(r));
  if (refused.length > 0) {
    throw new DomainError('forbidden', 'ROLE_NOT_GRANTABLE', `you may not grant ${refused.join(', ')}: a team manager grants only the roles they hold`, {
      refused,
      grantable,
    });
  }
}

function ownerOnly(state: OpenShop, by: ActingPerson, message: string): void {
  teamManager(state, by);
  if (!by.operator && !state.members[by.personId]?.owner) throw new DomainError('forbidden', 'OWNER_RIGHT_REQUIRED', message);
}

function assertAnotherOwner(state: OpenShop, personId: string): void {
  const others = Object.values(state.members).filter((m) => m.owner && m.personId !== personId);
  if (others.length === 0) throw new DomainError('conflict', 'LAST_OWNER', 'a shop keeps at least one owner: make someone else owner first');
}

/** A member of the shop, as someone who may see the shop asks for them. */
function memberOf(state: OpenShop, by: ActingPerson, personId: string): Member {
  if (!by.operator && !state.members[by.personId]) throw shopNotFound();
  const member = state.members[personId];
  if (!member) throw new DomainError('not_found', 'MEMBER_NOT_FOUND', 'this person does not belong to the shop');
  return member;
}

const sameRoles = (a: ShopRole[], b: ShopRole[]) => a.length === b.length && a.every((r) => b.includes(r));

function withMember(state: OpenShop, personId: string, change: (member: Member) => Member): ShopState {
  const member = state.members[personId];
  return member ? { ...state, members: { ...state.members, [personId]: change(member) } } : state;
}

function withInvitation(state: OpenShop, invitationId: string, status: Invitation['status']): ShopState {
  const invitation = state.invitations[invitationId];
  return invitation ? { ...state, invitations: { ...state.invitations, [invitationId]: { ...invitation, status } } } : state;
}

export const shopNotFound = () => new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
export const invitationNotFound = () => new DomainError('not_found', 'INVITATION_NOT_FOUND', 'no such invitation');

/** An invitation that can no longer be used: 409, naming why, with what the invitation was for (never its secret). */
function refusal(code: string, message: string, invitation: Invitation): DomainError {
  return new DomainError('conflict', code, message, { invitationId: invitation.invitationId, status: invitation.status, expiresAt: invitation.expiresAt });
}

export const shopDecider = { streamType: 'shop', initialState, evolve, decide };
