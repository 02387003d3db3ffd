import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { IntakeConnections, sourceOf } from '../../connections/intake-connections.store';
import { IntakeOrdersStore } from '../../placing/intake-orders.store';
import { toldTo, writebackFactsOf } from '../domain/writeback-plan';
import { IntakeWritebacksStore } from '../intake-writebacks.store';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/**
 * The orders' own events in (`orders.events`): a step on the road of an order that came through a
 * Shopify or WooCommerce connection queues its write-back. A reactor on Kafka rather than a
 * projection of the log, as everything that reaches outside the database is here: a projection
 * rebuild replays the whole log and must never re-run an effect. The consumer's inbox (event id)
 * and intake_writebacks' key (order, event) each make a redelivered event queue nothing twice.
 */
export const writebackEventsConsumer = kafkaConsumer(
  'IntakeWritebackEventsConsumer',
  (intakeOrders: IntakeOrdersStore, connections: IntakeConnections, writebacks: IntakeWritebacksStore) => ({
    subscription: CONSUMER_GROUPS.ordersWriteback,
    // Its one write is an insert through the transaction's manager.
    sharesTransactions: true,
    handle: async (message, manager) => {
      // A malformed message throws PoisonMessageError: the host parks it on the group's dead-letter topic.
      const decoded = decode(message.value);
      if (!decoded.known) return;
      const facts = writebackFactsOf(decoded.type, decoded.data as Record<string, unknown>);
      if (!facts) return;
      const { orderId } = decoded.data as { orderId: string };
      // The order was placed, with its intake row, before it could go out: the row is there when its delivery events are.
      const intake = await intakeOrders.ofOrder(orderId);
      if (!intake) return;
      const platform = intake.source.split(':')[0];
      if (platform !== 'shopify' && platform !== 'woocommerce') return;
      if (!toldTo(platform, facts.status)) return;
      const connection = (await connections.ofShop(intake.shopId, platform)).find((c) => sourceOf(c) === intake.source);
      if (!connection) return;
      await writebacks.queue(manager, {
        shopId: intake.shopId,
        connectionId: connection.connectionId,
        platform,
        orderId,
        eventId: decoded.event.eventId,
        externalRef: intake.externalRef,
        facts,
      });
    },
  }),
  [IntakeOrdersStore, IntakeConnections, IntakeWritebacksStore],
);
