import type { AddressType } from '@petalpost/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Where a delivery is in the order's life, as a dispatcher plans it (see delivery.evolve.ts). */
export const DELIVERY_STATUSES = [
  'awaiting_acceptance',
  'awaiting_assignment',
  'ready_for_pickup',
  'out_for_delivery',
  'delivered',
  'carded',
  'failed',
  'returned',
  'cancelled',
  'rejected',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Still to be delivered, with or without a rider yet: what ETAs are estimated for and lateness is flagged on. */
export const OPEN_STATUSES: readonly DeliveryStatus[] = ['awaiting_assignment', 'ready_for_pickup', 'out_for_delivery'];

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

  /** A hard deadline such as a funeral service time. */
  @Column({ type: 'timestamptz', nullable: true })
  deadline!: Date | null;

  /** null only on rows placed before the board recorded it. */
  @Column({ name: 'address_type', type: 'text', nullable: true })
  addressType!: AddressType | null;

  @Column({ name: 'do_not_contact_recipient', type: 'boolean', default: false })
  doNotContactRecipient!: boolean;

  /** What the delivery takes of a rider's capacity: the order's items, by quantity. */
  @Column({ type: 'integer', default: 1 })
  bouquets!: number;

  @Column({ name: 'rider_id', type: 'text', nullable: true })
  riderId!: string | null;

  @Column({ name: 'recipient_person_id', type: 'text', nullable: true })
  recipientPersonId!: string | null;

  /** The recipient's data below is null once erased (or when the publisher did not know it). */
  @Column({ name: 'recipient_erased', type: 'boolean', default: false })
  recipientErased!: boolean;

  @Column({ name: 'recipient_name', type: 'text', nullable: true })
  recipientName!: string | null;

  @Column({ name: 'recipient_phone', type: 'text', nullable: true })
  recipientPhone!: string | null;

  /** Until when the phone can be called: a platform's privacy number (隐私号) expires; null for a real number. */
  @Column({ name: 'recipient_phone_expires_at', type: 'timestamptz', nullable: true })
  recipientPhoneExpiresAt!: Date | null;

  @Column({ name: 'address_text', type: 'text', nullable: true })
  addressText!: string | null;

  @Column({ name: 'address_lat', type: 'double precision', nullable: true })
  addressLat!: number | null;

  @Column({ name: 'address_lng', type: 'double precision', nullable: true })
  addressLng!: number | null;

  @Column({ name: 'address_ward', type: 'text', nullable: true })
  addressWard!: string | null;

  @Column({ name: 'address_room', type: 'text', nullable: true })
  addressRoom!: string | null;

  @Column({ name: 'address_notes', type: 'text', nullable: true })
  addressNotes!: string | null;

  /** When the order was delivered; null until then (and on rows delivered before the board kept it). */
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  /** The order stream's version last applied: older or repeated events change nothing. */
  @Column({ name: 'order_version', type: 'integer' })
  orderVersion!: number;
}
