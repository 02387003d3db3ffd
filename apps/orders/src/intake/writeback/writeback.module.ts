import type { Provider, Type } from '@nestjs/common';
import { ConnectionWritebacksController } from './api/connection-writebacks.controller';
import { WritebacksController } from './api/writebacks.controller';
import { riderPositionsConsumer } from './consumers/rider-positions.consumer';
import { ridersDirectoryConsumer } from './consumers/riders-directory.consumer';
import { writebackEventsConsumer } from './consumers/writeback-events.consumer';
import { IntakeRidersStore } from './intake-riders.store';
import { IntakePollMarks1770000000910, IntakeWritebacks1770000000900, IntakeWritebackStatuses1770000001100 } from './intake-writebacks.migration';
import { IntakeWritebacksByConnection1770000001510 } from './intake-writebacks-by-connection.migration';
import { IntakeWritebacksStore } from './intake-writebacks.store';
import { IntakeRiders1770000001120, IntakeSelfDeliveries1770000001110 } from './self-deliveries.migration';
import { SelfDeliveriesStore } from './self-deliveries.store';
import { PollMarksStore } from './reconciliation/poll-marks.store';
import { WooCommercePoll } from './reconciliation/woocommerce-poll';
import { TRACKING_LINKS, type TrackingLinks } from './tracking-links';
import { checkWritebackConfig, WRITEBACK_CONFIG, type WritebackConfig } from './writeback.config';
import { WritebackWorker } from './writeback.worker';
import { SHOP_STATUS_WRITERS } from './writers/shop-status-writer';
import { ShopifyStatusWriter } from './writers/shopify-status.writer';
import { WooCommerceStatusWriter } from './writers/woocommerce-status.writer';

export const WRITEBACK_MIGRATIONS = [
  IntakeWritebacks1770000000900,
  IntakePollMarks1770000000910,
  IntakeWritebackStatuses1770000001100,
  IntakeSelfDeliveries1770000001110,
  IntakeRiders1770000001120,
  IntakeWritebacksByConnection1770000001510,
];

/**
 * No tracking link is handed over yet: the notifications service mints a customer's link only for
 * staff (POST /orders/{id}/tracking-link, shown once), and services have no credential to ask it
 * for one. Shopify is told the steps without a link until they do.
 */
const withoutTrackingLinks: TrackingLinks = { linkFor: async () => undefined };

/**
 * Status back to the shop systems and the Chinese platforms (with the riders' directory and their
 * positions those are told), and the WooCommerce reconciliation poll: the write-back's part of the
 * intake slice (docs/intake.md). Needs the slice's IntakeConnections, IntakeOrdersStore,
 * IntakePlacer and the platforms part's PlatformConnectors.
 */
export function writebackPart(config: WritebackConfig): { controllers: Type[]; providers: Provider[] } {
  checkWritebackConfig(config);
  const timeoutMs = config.ORDERS_INTAKE_WRITEBACK_TIMEOUT_MS;
  return {
    controllers: [WritebacksController, ConnectionWritebacksController],
    providers: [
      { provide: WRITEBACK_CONFIG, useValue: config },
      {
        provide: SHOP_STATUS_WRITERS,
        useValue: [
          new ShopifyStatusWriter({ apiVersion: config.ORDERS_INTAKE_SHOPIFY_API_VERSION, timeoutMs, adminOrigin: config.ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN }),
          new WooCommerceStatusWriter({ timeoutMs }),
        ],
      },
      { provide: TRACKING_LINKS, useValue: withoutTrackingLinks },
      IntakeWritebacksStore,
      SelfDeliveriesStore,
      IntakeRidersStore,
      PollMarksStore,
      WritebackWorker,
      WooCommercePoll,
      writebackEventsConsumer,
      ridersDirectoryConsumer,
      riderPositionsConsumer,
    ],
  };
}
