import type { GeoPoint } from '@petalpost/contracts';
import type { DataSource, EntityManager } from 'typeorm';

/** Where the shop's riders last said they were, by rider. */
export async function latestPositionsOf(db: EntityManager | DataSource, shopId: string): Promise<Map<string, GeoPoint>> {
  const rows = await db.query<Array<{ rider_id: string; lat: number; lng: number }>>(
    `SELECT rider_id, lat, lng FROM rider_latest_positions WHERE shop_id = $1`,
    [shopId],
  );
  return new Map(rows.map((r) => [r.rider_id, { lat: r.lat, lng: r.lng }]));
}
