import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { IntakeConnections, sourceOf } from '../../connections/intake-connections.store';
import { IntakeOrdersStore } from '../../placing/intake-orders.store';
import { PlatformConnectors } from '../../platforms/platform-connectors';
import { selfDeliveryChangeOf } from '../domain/self-delivery';
import { type WritebackPlatform, writebackFactsOf, writebackFor } from '../domain/writeback-plan';
import { IntakeWritebacksStore } from '../intake-writebacks.store';
import { SelfDeliveriesStore } from '../self-deliveries.store';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/**
 * The orders' own events in (`orders.events`): a step of an order that came through a connection
 * queues its write-back — the road for Shopify and WooCommerce, the statuses its connector lists
 * for a Chinese platform, whose orders' self-deliveries (which rider is out with it, from pickup
 * until it ends) are kept here too for the position consumer. A reactor on Kafka rather than a
 * projection of the log, as everything that reaches outside the database is here: a projection
 * rebuild replays the whole log and must never re-run an effect. The consumer's inbox (event id)
 * and intake_writebacks' key (order, event) each make a redelivered event queue nothing twice.
 */
export const writebackEventsConsumer = kafkaConsumer(
  'IntakeWritebackEventsConsumer',
  (
    intakeOrders: IntakeOrdersStore,
    connections: IntakeConnections,
    writebacks: IntakeWritebacksStore,
    selfDeliveries: SelfDeliveriesStore,
    connectors: PlatformConnectors,
  ) => ({
    subscription: CONSUMER_GROUPS.ordersWriteback,
    // Its writes (the self-delivery, the write-back) go through the transaction's manager.
    sharesTransactions: true,
    handle: async (message, manager) => {
      // A malformed message throws PoisonMessageError: the host parks it on the group's dead-letter topic.
      const decoded = decode(message.value);
      if (!decoded.known) return;
      const data = decoded.data as Record<string, unknown>;
      const change = selfDeliveryChangeOf(decoded.type, data);
      if (!writebackFactsOf(decoded.type, data) && !change) return;
      const { orderId } = decoded.data as { orderId: string };
      // The order was placed, with its intake row, before it could move on: the row is there when its events are.
      const intake = await intakeOrders.ofOrder(orderId);
      if (!intake) return;
      const platform = intake.source.split(':')[0];
      const connector = connectors.find(platform);
      if (platform !== 'shopify' && platform !== 'woocommerce' && !connector) return;
      const connection = (await connections.list(intake.shopId)).find((c) => sourceOf(c) === intake.source);
      if (!connection) return;
      const order = {
        orderId,
        shopId: intake.shopId,
        connectionId: connection.connectionId,
        platform: platform as WritebackPlatform,
        externalRef: intake.externalRef,
      };
      if (connector) {
        // Locked before anything is queued: a position of this order is queued before this status or sees what it changed.
        await selfDeliveries.lock(manager, orderId);
        if (change) await selfDeliveries.apply(manager, order, change);
      }
      const facts = writebackFor(order.platform, connector?.statuses ?? [], decoded.type, data);
      if (!facts) return;
      await writebacks.queue(manager, { ...order, eventId: decoded.event.eventId, facts });
    },
  }),
  [IntakeOrdersStore, IntakeConnections, IntakeWritebacksStore, SelfDeliveriesStore, PlatformConnectors],
);
