import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Every order gets its conversation, with an internal channel and a customer channel. */
@Entity('conversations')
export class Conversation {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'shop_id', type: 'text' })
  shopId!: string;

  @CreateDateColumn({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;
}

export const CHANNELS = ['internal', 'customer'] as const;
