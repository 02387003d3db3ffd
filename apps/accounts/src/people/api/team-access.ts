import { type Principal } from '@petalpost/auth';
import type { EntityManager } from 'typeorm';
import { shopNotFound } from '../domain/shop.decider';
import { activeMember, shopById } from '../people.queries';

/**
 * How much of a shop's team a caller sees: operators and team managers everything (e-mails too),
 * other members names, roles, rights and when people joined, riders (and nothing else) names and
 * roles only — enough to know who the dispatcher is. Someone who does not belong gets 404.
 */
export type TeamView = 'manager' | 'member' | 'rider';

export async function teamViewOf(db: EntityManager, principal: Principal, shopId: string): Promise<TeamView> {
  if (principal.role === 'operator') {
    if (!(await shopById(db, shopId))) throw shopNotFound();
    return 'manager';
  }
  const me = await activeMember(db, shopId, principal.sub);
  if (!me) throw shopNotFound();
  if (me.owner || me.manageTeam) return 'manager';
  return me.roles.every((r) => r === 'rider') ? 'rider' : 'member';
}
