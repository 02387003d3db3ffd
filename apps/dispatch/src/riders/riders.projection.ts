import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { type RiderEvent, riderStream } from '../domain/rider.decider';

export const RIDERS_TABLE = 'riders';

/**
 * The riders read model, from dispatch's own log: one row per rider with their profile and
 * availability. Another reader (the planner) reads it concurrently, so its columns are a contract.
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
          const { riderId, shopId, shopIds, name, phone, vehicle, registeredAt } = event.data;
          await db.query(
            `INSERT INTO ${riders} (rider_id, shop_id, shop_ids, name, phone, vehicle_kind, capacity, availability, availability_since, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'off', $8, $9) ON CONFLICT (rider_id) DO NOTHING`,
            [riderId, shopId, shopIds, name, phone ?? null, vehicle.kind, vehicle.capacity, registeredAt, version],
          );
          break;
        }
        case 'RiderProfileUpdated': {
          const { riderId, shopIds, name, phone, vehicle } = event.data;
          await db.query(
            `UPDATE ${riders} SET shop_ids = COALESCE($2, shop_ids), name = COALESCE($3, name), phone = COALESCE($4, phone),
               vehicle_kind = COALESCE($5, vehicle_kind), capacity = COALESCE($6, capacity), version = $7
             WHERE rider_id = $1 AND version < $7`,
            [riderId, shopIds ?? null, name ?? null, phone ?? null, vehicle?.kind ?? null, vehicle?.capacity ?? null, version],
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
