import type { IntegrationEvent } from '@petalpost/contracts';
import type { EntityManager } from 'typeorm';
import { Delivery, type DeliveryStatus } from './delivery.entity';

const STATUS_AFTER: Record<string, DeliveryStatus | undefined> = {
  OrderAccepted: 'awaiting_assignment',
  OrderCancelled: 'cancelled',
};

/**
 * Applies an order event to the dispatch board. Idempotent by stream version: an event the row
 * already reflects (a redelivery) changes nothing.
 */
export async function applyToDeliveries(event: IntegrationEvent, db: EntityManager): Promise<void> {
  const deliveries = db.getRepository(Delivery);
  if (event.type === 'OrderPlaced') {
    const data = event.data as { orderId: string; shopId: string; deliveryWindow: { from: string; to: string } };
    await deliveries
      .createQueryBuilder()
      .insert()
      .values({ orderId: data.orderId, shopId: data.shopId, status: 'awaiting_acceptance', windowFrom: new Date(data.deliveryWindow.from), windowTo: new Date(data.deliveryWindow.to), orderVersion: event.streamVersion })
      .orIgnore()
      .execute();
    return;
  }
  const status = STATUS_AFTER[event.type];
  if (!status) return;
  const { orderId } = event.data as { orderId: string };
  await deliveries
    .createQueryBuilder()
    .update()
    .set({ status, orderVersion: event.streamVersion })
    .where('order_id = :orderId AND order_version < :version', { orderId, version: event.streamVersion })
    .execute();
}
