import { CONSUMER_GROUPS, PoisonMessageError, RiderPositionSchema } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { PlatformConnectors } from '../../platforms/platform-connectors';
import { positionDecision, positionEventId, positionIntervalOf } from '../domain/self-delivery';
import { toldTo } from '../domain/writeback-plan';
import { IntakeWritebacksStore } from '../intake-writebacks.store';
import { SelfDeliveriesStore } from '../self-deliveries.store';
import { WRITEBACK_CONFIG, type WritebackConfig } from '../writeback.config';

/**
 * riders.locations in: a position of a rider who is out with orders of a Chinese platform's
 * connection (商家自配送) queues a `location` write-back for each such order, at most once per the
 * platform's interval (ORDERS_INTAKE_POSITION_INTERVAL_MS when set), measured on the phone's clock.
 * Positions carry no event id: each one's is a UUIDv5 of the rider and the moment it was taken, so
 * a position read again queues nothing (intake_writebacks is keyed by order and event).
 *
 * A consumer group of its own, not a replica reader like the notifications' live map: every
 * position must be judged once, by one replica, in order per rider (the topic's key).
 */
export const riderPositionsConsumer = kafkaConsumer(
  'IntakeRiderPositionsConsumer',
  (selfDeliveries: SelfDeliveriesStore, writebacks: IntakeWritebacksStore, connectors: PlatformConnectors, config: WritebackConfig) => ({
    subscription: CONSUMER_GROUPS.ordersPositions,
    // Its writes (the throttle's mark, the write-back) go through the transaction's manager.
    sharesTransactions: true,
    handle: async (message, manager) => {
      let json: unknown;
      try {
        json = JSON.parse(String(message.value ?? ''));
      } catch {
        throw new PoisonMessageError('rider position is not JSON');
      }
      const parsed = RiderPositionSchema.safeParse(json);
      if (!parsed.success) throw new PoisonMessageError('not a rider position', parsed.error.issues);
      const position = parsed.data;
      // Locked: an order's "delivered" waits for this position's write-back to be queued, or this
      // position sees the delivery ended; never a position after the status that ended it.
      for (const delivery of await selfDeliveries.activeOfRider(manager, position.riderId)) {
        const connector = connectors.find(delivery.platform);
        if (!connector || !toldTo(delivery.platform, 'location', connector.statuses)) continue;
        const interval = positionIntervalOf(connector.positionIntervalMs, config.ORDERS_INTAKE_POSITION_INTERVAL_MS);
        if (!positionDecision(position.recordedAt, delivery, interval).queue) continue;
        await writebacks.queue(manager, {
          shopId: delivery.shopId,
          connectionId: delivery.connectionId,
          platform: delivery.platform,
          orderId: delivery.orderId,
          eventId: positionEventId(position.riderId, position.recordedAt),
          externalRef: delivery.externalRef,
          facts: {
            status: 'location',
            happenedAt: new Date(position.recordedAt).toISOString(),
            riderId: position.riderId,
            position: { lat: position.lat, lng: position.lng },
          },
        });
        await selfDeliveries.positionTold(manager, delivery.orderId, position.recordedAt);
      }
    },
  }),
  [SelfDeliveriesStore, IntakeWritebacksStore, PlatformConnectors, WRITEBACK_CONFIG],
);
