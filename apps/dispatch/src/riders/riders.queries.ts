import type { RiderAvailability, VehicleKind } from '@petalpost/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { RIDERS_TABLE } from './projections/riders.projection';

export interface RiderRow {
  riderId: string;
  shopId: string;
  shopIds: string[];
  pendingShopIds: string[];
  name: string;
  phone: string | null;
  vehicleKind: VehicleKind;
  capacity: number;
  availability: RiderAvailability;
  availabilitySince: Date;
  version: number;
}

interface Row {
  rider_id: string;
  shop_id: string;
  shop_ids: string[];
  pending_shop_ids: string[];
  name: string;
  phone: string | null;
  vehicle_kind: VehicleKind;
  capacity: number;
  availability: RiderAvailability;
  availability_since: Date;
  version: number;
}

/** The riders of a shop who are on shift now, by the read model (a moment behind the log): only those the shop approved. */
export async function ridersOnShift(
  db: EntityManager | DataSource,
  shopId: string,
): Promise<Array<{ riderId: string; vehicleKind: VehicleKind; capacity: number }>> {
  const rows: Array<Pick<Row, 'rider_id' | 'vehicle_kind' | 'capacity'>> = await db.query(
    `SELECT rider_id, vehicle_kind, capacity FROM ${RIDERS_TABLE} WHERE shop_ids @> ARRAY[$1::text] AND availability = 'on_shift' ORDER BY rider_id`,
    [shopId],
  );
  return rows.map((r) => ({ riderId: r.rider_id, vehicleKind: r.vehicle_kind, capacity: r.capacity }));
}

/**
 * The riders who ride for a shop, by name, optionally only those with one availability; or, with
 * `offered`, the riders other shops offered it that it has not approved yet.
 */
export async function ridersOfShop(
  db: EntityManager | DataSource,
  shopId: string,
  availability?: RiderAvailability,
  limit = 500,
  offered = false,
): Promise<RiderRow[]> {
  const rows: Row[] = await db.query(
    `SELECT * FROM ${RIDERS_TABLE} WHERE ${offered ? 'pending_shop_ids' : 'shop_ids'} @> ARRAY[$1::text] AND ($2::text IS NULL OR availability = $2) ORDER BY name, rider_id LIMIT $3`,
    [shopId, availability ?? null, limit],
  );
  return rows.map(toRider);
}

function toRider(r: Row): RiderRow {
  return {
    riderId: r.rider_id,
    shopId: r.shop_id,
    shopIds: r.shop_ids,
    pendingShopIds: r.pending_shop_ids,
    name: r.name,
    phone: r.phone,
    vehicleKind: r.vehicle_kind,
    capacity: r.capacity,
    availability: r.availability,
    availabilitySince: r.availability_since,
    version: r.version,
  };
}

/** The vehicle a rider rides, if dispatch knows the rider. */
export async function vehicleOf(db: EntityManager | DataSource, riderId: string): Promise<VehicleKind | undefined> {
  const [row] = await db.query<Array<Pick<Row, 'vehicle_kind'>>>(`SELECT vehicle_kind FROM ${RIDERS_TABLE} WHERE rider_id = $1`, [riderId]);
  return row?.vehicle_kind;
}
