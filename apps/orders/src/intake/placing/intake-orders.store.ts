import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Sealed } from '../../personal-data/domain/personal-data';
import type { AppliedFacts, HeldIntake } from '../domain/intake.decider';
import type { IntakeStatus } from '../domain/intake-order';

/** A row of intake_orders as the placer and the attention list read it. */
export interface IntakeRow extends HeldIntake {
  shopId: string;
  source: string;
  externalRef: string;
  reason?: string;
  /** The held order's details, sealed under a person key of the vault. */
  held?: Sealed;
  receivedAt: string;
}

interface Row {
  intake_id: string;
  shop_id: string;
  source: string;
  external_ref: string;
  status: IntakeStatus;
  order_id: string | null;
  external_updated_at: Date;
  reason: string | null;
  held: Sealed | null;
  applied: AppliedFacts | null;
  received_at: Date;
}

const COLUMNS = `intake_id, shop_id, source, external_ref, status, order_id, external_updated_at, reason, held, applied, received_at`;

function rowOf(row: Row): IntakeRow {
  return {
    intakeId: row.intake_id,
    shopId: row.shop_id,
    source: row.source,
    externalRef: row.external_ref,
    status: row.status,
    ...(row.order_id ? { orderId: row.order_id } : {}),
    externalUpdatedAt: row.external_updated_at.toISOString(),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.held ? { held: row.held } : {}),
    ...(row.applied ? { applied: row.applied } : {}),
    receivedAt: row.received_at.toISOString(),
  };
}

/** Another writer changed the intake order between our read and our write: decide again. */
export class IntakeRaceLost extends Error {
  constructor(intakeId: string) {
    super(`intake order ${intakeId} was changed concurrently`);
    this.name = 'IntakeRaceLost';
  }
}

/** A new row: the state it starts in. */
export interface NewIntakeRow {
  intakeId: string;
  shopId: string;
  source: string;
  externalRef: string;
  status: IntakeStatus;
  orderId?: string;
  externalUpdatedAt: string;
  reason?: string;
  held?: Sealed;
  applied?: AppliedFacts;
}

/** What a write changes of an existing row, given the snapshot time it read (the compare in compare-and-set). */
export interface IntakeRowChange {
  status: IntakeStatus;
  orderId?: string;
  externalUpdatedAt: string;
  reason?: string;
  held?: Sealed;
  applied?: AppliedFacts;
}

/**
 * The only code that reads or writes intake_orders. Every write of an existing row is a
 * compare-and-set on the snapshot time and status it was decided on: a concurrent writer makes it
 * throw IntakeRaceLost, and the caller decides again.
 */
@Injectable()
export class IntakeOrdersStore {
  constructor(private readonly dataSource: DataSource) {}

  async find(shopId: string, source: string, externalRef: string, manager?: EntityManager): Promise<IntakeRow | undefined> {
    const rows = await (manager ?? this.dataSource.manager).query<Row[]>(
      `SELECT ${COLUMNS} FROM intake_orders WHERE shop_id = $1 AND source = $2 AND external_ref = $3`,
      [shopId, source, externalRef],
    );
    return rows[0] && rowOf(rows[0]);
  }

  /** One of the shop's intake orders (another shop's is not found). */
  async get(shopId: string, intakeId: string): Promise<IntakeRow | undefined> {
    const rows = await this.dataSource.manager.query<Row[]>(`SELECT ${COLUMNS} FROM intake_orders WHERE shop_id = $1 AND intake_id = $2`, [shopId, intakeId]);
    return rows[0] && rowOf(rows[0]);
  }

  /** The intake order an order was placed from, if it came in through intake. */
  async ofOrder(orderId: string): Promise<IntakeRow | undefined> {
    const rows = await this.dataSource.manager.query<Row[]>(`SELECT ${COLUMNS} FROM intake_orders WHERE order_id = $1`, [orderId]);
    return rows[0] && rowOf(rows[0]);
  }

  /** The shop's held orders, oldest first (they wait longest). */
  async needingAttention(shopId: string, limit: number): Promise<IntakeRow[]> {
    const rows = await this.dataSource.manager.query<Row[]>(
      `SELECT ${COLUMNS} FROM intake_orders WHERE shop_id = $1 AND status = 'needs_attention' ORDER BY received_at, intake_id LIMIT $2`,
      [shopId, limit],
    );
    return rows.map(rowOf);
  }

  /** Inserts a new row; a concurrent insert of the same (shop, source, reference) loses with IntakeRaceLost. */
  async insert(row: NewIntakeRow, manager: EntityManager): Promise<void> {
    try {
      await manager.query(
        `INSERT INTO intake_orders (intake_id, shop_id, source, external_ref, status, order_id, external_updated_at, reason, held, applied)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          row.intakeId,
          row.shopId,
          row.source,
          row.externalRef,
          row.status,
          row.orderId ?? null,
          row.externalUpdatedAt,
          row.reason ?? null,
          row.held ? JSON.stringify(row.held) : null,
          row.applied ? JSON.stringify(row.applied) : null,
        ],
      );
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new IntakeRaceLost(row.intakeId);
      throw err;
    }
  }

  /** Changes a row still as it was read (same status and snapshot time), else IntakeRaceLost. */
  async change(read: Pick<HeldIntake, 'intakeId' | 'status' | 'externalUpdatedAt'>, change: IntakeRowChange, manager: EntityManager): Promise<void> {
    const [, count] = await manager.query<[unknown, number]>(
      `UPDATE intake_orders
          SET status = $4, order_id = $5, external_updated_at = $6, reason = $7, held = $8, applied = $9, updated_at = now()
        WHERE intake_id = $1 AND status = $2 AND external_updated_at = $3`,
      [
        read.intakeId,
        read.status,
        read.externalUpdatedAt,
        change.status,
        change.orderId ?? null,
        change.externalUpdatedAt,
        change.reason ?? null,
        change.held ? JSON.stringify(change.held) : null,
        change.applied ? JSON.stringify(change.applied) : null,
      ],
    );
    if (count !== 1) throw new IntakeRaceLost(read.intakeId);
  }

  /**
   * A placed order takes a newer snapshot, in the transaction of the order command applying it:
   * refused (IntakeRaceLost) when a still newer one was applied meanwhile, so an older snapshot can
   * never undo a newer one's change. The same snapshot may advance it again (its next change).
   */
  async advance(intakeId: string, externalUpdatedAt: string, applied: AppliedFacts | undefined, manager?: EntityManager): Promise<void> {
    const [, count] = await (manager ?? this.dataSource.manager).query<[unknown, number]>(
      `UPDATE intake_orders SET external_updated_at = $2, applied = COALESCE($3, applied), updated_at = now()
        WHERE intake_id = $1 AND status = 'placed' AND external_updated_at <= $2`,
      [intakeId, externalUpdatedAt, applied ? JSON.stringify(applied) : null],
    );
    if (count !== 1) throw new IntakeRaceLost(intakeId);
  }
}

const UNIQUE_VIOLATION = '23505';
