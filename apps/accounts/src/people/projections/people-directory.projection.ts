import { exhaustive } from '@petalpost/contracts';
import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import type { PersonEvent } from '../domain/person.decider';
import { DEFAULT_SHOP_CURRENCY } from '../domain/currency';
import type { ShopEvent } from '../domain/shop.events';

export const PEOPLE = 'people';
export const SHOPS = 'shops';
export const SHOP_MEMBERS = 'shop_members';
export const SHOP_INVITATIONS = 'shop_invitations';

const TYPES: ReadonlySet<string> = new Set<(ShopEvent | PersonEvent)['type']>([
  'PersonRegistered',
  'ShopCreated',
  'ShopRenamed',
  'ShopCurrencyChanged',
  'MemberJoined',
  'MemberRolesChanged',
  'MemberRightsChanged',
  'MemberRemoved',
  'InvitationCreated',
  'InvitationAccepted',
  'InvitationRevoked',
]);

/** Sessions, keys and API keys share the service's log: this read model takes shops' and people's events only. */
const isPeopleEvent = (event: StoredEvent): boolean => (event.streamId.startsWith('shop-') || event.streamId.startsWith('person-')) && TYPES.has(event.type);

/**
 * People, shops, their members (a removed member's row kept, with when) and invitations: what the
 * API lists and what sign-in reads through PeopleDirectory. Every write is keyed, so applying an
 * event twice changes nothing.
 */
export const peopleDirectoryProjection: Projection = {
  name: 'people-directory',
  version: 1,
  tables: [PEOPLE, SHOPS, SHOP_MEMBERS, SHOP_INVITATIONS],
  async handle(events, db, tables) {
    for (const event of events.filter(isPeopleEvent)) await apply(db, tables, event as StoredEvent & (ShopEvent | PersonEvent));
  },
};

async function apply(db: EntityManager, t: Record<string, string>, event: StoredEvent & (ShopEvent | PersonEvent)): Promise<void> {
  switch (event.type) {
    case 'PersonRegistered': {
      const d = event.data;
      await db.query(
        `INSERT INTO ${t[PEOPLE]} (person_id, email, display_name, operator, registered_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id) DO NOTHING`,
        [d.personId, d.email, d.displayName, d.operator, d.registeredAt],
      );
      return;
    }
    case 'ShopCreated': {
      const d = event.data;
      await db.query(`INSERT INTO ${t[SHOPS]} (shop_id, name, time_zone, currency, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (shop_id) DO NOTHING`, [
        d.shopId,
        d.name,
        d.timeZone,
        d.currency ?? DEFAULT_SHOP_CURRENCY,
        d.createdAt,
      ]);
      return;
    }
    case 'ShopRenamed':
      await db.query(`UPDATE ${t[SHOPS]} SET name = $2 WHERE shop_id = $1`, [event.data.shopId, event.data.name]);
      return;
    case 'ShopCurrencyChanged':
      await db.query(`UPDATE ${t[SHOPS]} SET currency = $2 WHERE shop_id = $1`, [event.data.shopId, event.data.currency]);
      return;
    case 'MemberJoined': {
      const d = event.data;
      // A person removed earlier and invited again joins afresh.
      await db.query(
        `INSERT INTO ${t[SHOP_MEMBERS]} (shop_id, person_id, roles, owner, manage_team, joined_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (shop_id, person_id) DO UPDATE SET roles = $3, owner = $4, manage_team = $5, joined_at = $6, removed_at = NULL`,
        [d.shopId, d.personId, d.roles, d.owner, d.manageTeam, d.joinedAt],
      );
      return;
    }
    case 'MemberRolesChanged':
      await db.query(`UPDATE ${t[SHOP_MEMBERS]} SET roles = $3 WHERE shop_id = $1 AND person_id = $2`, [
        event.data.shopId,
        event.data.personId,
        event.data.roles,
      ]);
      return;
    case 'MemberRightsChanged': {
      const d = event.data;
      await db.query(`UPDATE ${t[SHOP_MEMBERS]} SET owner = $3, manage_team = $4 WHERE shop_id = $1 AND person_id = $2`, [
        d.shopId,
        d.personId,
        d.owner,
        d.manageTeam,
      ]);
      return;
    }
    case 'MemberRemoved':
      await db.query(`UPDATE ${t[SHOP_MEMBERS]} SET removed_at = $3 WHERE shop_id = $1 AND person_id = $2`, [
        event.data.shopId,
        event.data.personId,
        event.data.removedAt,
      ]);
      return;
    case 'InvitationCreated': {
      const d = event.data;
      await db.query(
        `INSERT INTO ${t[SHOP_INVITATIONS]} (invitation_id, shop_id, email, roles, status, expires_at, created_at, invited_by)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) ON CONFLICT (invitation_id) DO NOTHING`,
        [d.invitationId, d.shopId, d.email ?? null, d.roles, d.expiresAt, d.createdAt, d.by.personId],
      );
      return;
    }
    case 'InvitationAccepted':
      await db.query(`UPDATE ${t[SHOP_INVITATIONS]} SET status = 'accepted', accepted_by = $2, accepted_at = $3 WHERE invitation_id = $1`, [
        event.data.invitationId,
        event.data.personId,
        event.data.acceptedAt,
      ]);
      return;
    case 'InvitationRevoked':
      await db.query(`UPDATE ${t[SHOP_INVITATIONS]} SET status = 'revoked', revoked_at = $2 WHERE invitation_id = $1`, [
        event.data.invitationId,
        event.data.revokedAt,
      ]);
      return;
    default:
      return exhaustive(event);
  }
}
