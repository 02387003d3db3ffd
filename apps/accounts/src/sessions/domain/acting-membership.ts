import { DomainError, type Role } from '@petalpost/contracts';

export interface ActingAs {
  role: Role;
  /** Absent for an operator. */
  shopId?: string;
}

export interface Member {
  operator: boolean;
  memberships: ReadonlyArray<{ shopId: string; roles: readonly Role[] }>;
}

export const membershipNotHeld = (requested: { shopId?: string; role?: Role }) =>
  new DomainError('forbidden', 'MEMBERSHIP_NOT_HELD', 'you do not hold this role at this shop', { ...requested });

/**
 * The shop and role a session acts as: the one asked for, if the person holds it; else operators
 * act as operators, and everyone else as their first role at their first shop.
 */
export function actingAs(member: Member, requested: { shopId?: string; role?: Role }): ActingAs {
  const { shopId, role } = requested;
  if (role === 'operator' || (member.operator && shopId === undefined && role === undefined)) {
    if (!member.operator || shopId !== undefined) throw membershipNotHeld(requested);
    return { role: 'operator' };
  }
  const candidates = member.memberships.filter((m) => (shopId === undefined || m.shopId === shopId) && (role === undefined || m.roles.includes(role)));
  const chosen = candidates.find((m) => m.roles.length > 0);
  if (!chosen) {
    if (shopId === undefined && role === undefined)
      throw new DomainError('forbidden', 'NO_MEMBERSHIP', 'you belong to no shop yet: accept an invitation first');
    throw membershipNotHeld(requested);
  }
  return { shopId: chosen.shopId, role: role ?? chosen.roles[0] };
}

/** Whether the person still holds the role the session acts as. */
export function stillHolds(member: Member, acting: ActingAs): boolean {
  if (acting.role === 'operator') return member.operator;
  return member.memberships.some((m) => m.shopId === acting.shopId && m.roles.includes(acting.role));
}
