import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RiderOnRecord } from '../platforms/platform-connector';

/**
 * The only code that reads and writes intake_riders: the shop's riders as dispatch tells of them,
 * whose name and phone a Chinese platform shows the buyer (商家自配送).
 */
@Injectable()
export class IntakeRidersStore {
  constructor(private readonly dataSource: DataSource) {}

  /** RiderRegistered, or a profile update naming the rider: the rider as of `at`; an older word changes nothing. */
  async upsert(manager: EntityManager, rider: { riderId: string; name: string; phone?: string; at: string }): Promise<void> {
    await manager.query(
      `INSERT INTO intake_riders (rider_id, name, phone, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (rider_id) DO UPDATE SET name = EXCLUDED.name, phone = COALESCE(EXCLUDED.phone, intake_riders.phone), updated_at = EXCLUDED.updated_at
       WHERE intake_riders.updated_at <= EXCLUDED.updated_at`,
      [rider.riderId, rider.name, rider.phone ?? null, rider.at],
    );
  }

  /** A profile update that leaves the name as it was: only a rider already known can take it. */
  async updatePhone(manager: EntityManager, rider: { riderId: string; phone: string; at: string }): Promise<void> {
    await manager.query(`UPDATE intake_riders SET phone = $2, updated_at = $3 WHERE rider_id = $1 AND updated_at <= $3`, [
      rider.riderId,
      rider.phone,
      rider.at,
    ]);
  }

  async byId(riderId: string): Promise<RiderOnRecord | undefined> {
    const [row] = await this.dataSource.query<Array<{ rider_id: string; name: string; phone: string | null }>>(
      `SELECT rider_id, name, phone FROM intake_riders WHERE rider_id = $1`,
      [riderId],
    );
    return row ? { riderId: row.rider_id, name: row.name, ...(row.phone !== null ? { phone: row.phone } : {}) } : undefined;
  }
}
