import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { LOGGER } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { DeliveryInProgress } from '../domain/rider-position';
import { InboxListener } from '../inbox-listener';

interface Row {
  order_id: string;
  shop_id: string;
  rider_id: string | null;
}

/**
 * This replica's copy of `deliveries_on_the_road` (written by the inbox consumer, whichever replica
 * ran it): which orders each rider carries right now. Read for every rider position, so it lives in
 * memory; refreshed order by order when a NOTIFY says one changed, and wholly after a reconnect.
 */
@Injectable()
export class DeliveriesOnTheRoad implements OnModuleInit {
  private readonly byOrder = new Map<string, DeliveryInProgress>();
  private readonly byRider = new Map<string, Set<string>>();
  /** Only the latest refresh of an order may apply: an older answer could arrive last. */
  private readonly refreshes = new Map<string, number>();
  private generation = 0;
  private reloads = 0;

  constructor(
    private readonly dataSource: DataSource,
    listener: InboxListener,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    listener.on('deliveries', (orderId) => void this.refresh(orderId));
    listener.onResume(() => void this.reload());
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  withRider(shopId: string, riderId: string): DeliveryInProgress[] {
    const orders = this.byRider.get(riderKey(shopId, riderId));
    if (!orders) return [];
    return [...orders].flatMap((orderId) => this.byOrder.get(orderId) ?? []);
  }

  async reload(): Promise<void> {
    const reload = ++this.reloads;
    const rows = await this.dataSource.query<Row[]>(
      `SELECT order_id, shop_id, rider_id FROM deliveries_on_the_road WHERE on_the_road AND rider_id IS NOT NULL`,
    );
    if (reload !== this.reloads) return;
    this.byOrder.clear();
    this.byRider.clear();
    for (const row of rows) this.put(row.order_id, row);
  }

  private async refresh(orderId: string): Promise<void> {
    const generation = ++this.generation;
    this.refreshes.set(orderId, generation);
    try {
      const [row] = await this.dataSource.query<Row[]>(
        `SELECT order_id, shop_id, rider_id FROM deliveries_on_the_road WHERE order_id = $1 AND on_the_road AND rider_id IS NOT NULL`,
        [orderId],
      );
      if (this.refreshes.get(orderId) !== generation) return;
      this.refreshes.delete(orderId);
      this.put(orderId, row);
    } catch (err) {
      this.logger.warn({ err, orderId }, 'could not refresh a delivery on the road; reloading all');
      await this.reload().catch(() => undefined);
    }
  }

  private put(orderId: string, row: Row | undefined): void {
    const before = this.byOrder.get(orderId);
    if (before) {
      this.byRider.get(riderKey(before.shopId, before.riderId))?.delete(orderId);
      this.byOrder.delete(orderId);
    }
    if (!row?.rider_id) return;
    const delivery = { orderId, shopId: row.shop_id, riderId: row.rider_id };
    this.byOrder.set(orderId, delivery);
    const key = riderKey(delivery.shopId, delivery.riderId);
    this.byRider.set(key, (this.byRider.get(key) ?? new Set()).add(orderId));
  }
}

function riderKey(shopId: string, riderId: string): string {
  return `${shopId}\u0000${riderId}`;
}
