import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { membershipAfterUpdate, membershipAtRegistration, type RiderEvent, riderStream } from '../domain/rider.decider';

export const RIDERS_TABLE = 'riders';

/**
 * The riders read model, from dispatch's own log: one row per rider with their profile and
 * availability; `shop_ids` holds only the shops that approved the rider. Another reader (the planner) reads it concurrently, so its columns are a contract.
 * Each statement applies an event only past the row's version, so a replayed batch changes nothing.
 */
export const ridersProjection: Projection = {
  name: 'riders',
  version: 1,
  tables: [RIDERS_TABLE],
  async handle(events: StoredEvent[], db: EntityManager, tables: Record<string, string>) {
    const riders = tables[RIDERS_TABLE];
    for (const stored of events) {
      if (!stored.streamId.startsWith(riderStream(''))) continue;
      const event = stored as unknown as RiderEvent & { streamVersion: number };
      const version = stored.streamVersion;
      switch (event.type) {
        case 'RiderRegistered': {
          const { riderId, shopId, name, phone, vehicle, registeredAt } = event.data;
          const { shopIds, pendingShopIds } = membershipAtRegistration(event.data);
          await db.query(
            `INSERT INTO ${riders} (rider_id, shop_id, shop_ids, pending_shop_ids, name, phone, vehicle_kind, capacity, availability, availability_since, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'off', $9, $10) ON CONFLICT (rider_id) DO NOTHING`,
            [riderId, shopId, shopIds, pendingShopIds, name, phone ?? null, vehicle.kind, vehicle.capacity, registeredAt, version],
          );
          break;
        }
        case 'RiderProfileUpdated': {
          const { riderId, name, phone, vehicle } = event.data;
          // An update from before approvals reads the shops approved so far (see membershipAfterUpdate).
          const [previous]: Array<{ shop_ids: string[]; pending_shop_ids: string[] }> = event.data.shopIds
            ? await db.query(`SELECT shop_ids, pending_shop_ids FROM ${riders} WHERE rider_id = $1`, [riderId])
            : [];
          const membership = previous ? membershipAfterUpdate({ shopIds: previous.shop_ids, pendingShopIds: previous.pending_shop_ids }, event.data) : {};
          await db.query(
            `UPDATE ${riders} SET shop_ids = COALESCE($2, shop_ids), pending_shop_ids = COALESCE($3, pending_shop_ids), name = COALESCE($4, name), phone = COALESCE($5, phone),
               vehicle_kind = COALESCE($6, vehicle_kind), capacity = COALESCE($7, capacity), version = $8
             WHERE rider_id = $1 AND version < $8`,
            [
              riderId,
              membership.shopIds ?? null,
              membership.pendingShopIds ?? null,
              name ?? null,
              phone ?? null,
              vehicle?.kind ?? null,
              vehicle?.capacity ?? null,
              version,
            ],
          );
          break;
        }
        case 'RiderAvailabilityChanged': {
          const { riderId, availability, changedAt } = event.data;
          await db.query(`UPDATE ${riders} SET availability = $2, availability_since = $3, version = $4 WHERE rider_id = $1 AND version < $4`, [
            riderId,
            availability,
            changedAt,
            version,
          ]);
          break;
        }
        default:
          // Dispatch's log holds other streams' events too; a rider stream's future event types are a new version of this projection.
          break;
      }
    }
  },
};
