import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['awaiting_acceptance', 'awaiting_assignment', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The dispatch board: one row per order that may need delivering, as order events tell it. */
@Entity('deliveries')
@Index(['shopId', 'status'])
export class Delivery {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'shop_id', type: 'text' })
  shopId!: string;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  @Column({ name: 'window_from', type: 'timestamptz' })
  windowFrom!: Date;

  @Column({ name: 'window_to', type: 'timestamptz' })
  windowTo!: Date;

  /** The order stream's version last applied: older or repeated events change nothing. */
  @Column({ name: 'order_version', type: 'integer' })
  orderVersion!: number;
}
