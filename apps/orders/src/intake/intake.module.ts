import type { Provider, Type } from '@nestjs/common';
import { IntakeOrdersController } from './api/intake-orders.controller';
import { IntakeConnectionsController } from './connections/api/intake-connections.controller';
import { IntakeConnections1770000000100 } from './connections/intake-connections.migration';
import { IntakeConnectionsPlatforms1770000001000 } from './connections/intake-connections-platforms.migration';
import { IntakeConnections } from './connections/intake-connections.store';
import { type IntakeConfig, intakeSecretsKeyFrom } from './intake.config';
import { AttentionController } from './placing/api/attention.controller';
import { IntakePlacer } from './placing/intake-placer.service';
import { IntakeOrders1770000000300 } from './placing/intake-orders.migration';
import { IntakeOrdersStore } from './placing/intake-orders.store';
import type { PlatformsConfig } from './platforms/platforms.config';
import type { PlatformConnector } from './platforms/platform-connector';
import { PLATFORM_CONNECTORS, platformsPart } from './platforms/platforms.part';
import { SecretBox } from './secret-box';
import { IntakeWebhooksController } from './webhooks/api/intake-webhooks.controller';
import { IntakeDeliveries1770000000200 } from './webhooks/intake-deliveries.migration';
import { ImportsController } from './imports/api/imports.controller';
import { CsvBodyParser } from './imports/csv-body';
import { ImportRunner } from './imports/import-runner.service';
import { importSweep } from './imports/import-sweep';
import { ImportUploads } from './imports/import-uploads.service';
import { IntakeImports1770000000400 } from './imports/intake-imports.migration';
import { IntakeImportsStore } from './imports/intake-imports.store';
import { IntakeDeliveries } from './webhooks/intake-deliveries.store';
import { IntakeDeliveryWorker } from './webhooks/intake-delivery.worker';
import { WebhookReceiver } from './webhooks/webhook-receiver.service';
import type { WritebackConfig } from './writeback/writeback.config';
import { WRITEBACK_MIGRATIONS, writebackPart } from './writeback/writeback.module';

export { configureIntakeHttp } from './webhooks/intake-http';

/** The intake slice's tables, in the order they are created. */
export const INTAKE_MIGRATIONS = [
  IntakeConnections1770000000100,
  IntakeDeliveries1770000000200,
  IntakeOrders1770000000300,
  IntakeImports1770000000400,
  ...WRITEBACK_MIGRATIONS,
  IntakeConnectionsPlatforms1770000001000,
];

/**
 * The intake slice of the orders service: orders arriving from the shop's own systems (Shopify,
 * WooCommerce, Meituan, Ele.me, Youzan, WeChat Store, the intake API, CSV imports), all placed through IntakePlacer, and their status
 * written back (docs/intake.md). Its parts are wired into OrdersModule beside the order's own,
 * since they place orders through the same OrderCommands, vault and event store.
 */
export interface IntakeSliceOptions {
  /** The Chinese platforms' connectors (default: PLATFORM_CONNECTORS); tests run a platform of their own. */
  platformConnectors?: readonly PlatformConnector[];
}

export function intakeSlice(
  config: IntakeConfig & WritebackConfig & PlatformsConfig,
  options: IntakeSliceOptions = {},
): { controllers: Type[]; providers: Provider[] } {
  // Read at start: a missing or development key outside loopback stops the service here.
  const secretsKey = intakeSecretsKeyFrom(config);
  const writeback = writebackPart(config);
  const platforms = platformsPart(config, options.platformConnectors ?? PLATFORM_CONNECTORS);
  return {
    controllers: [
      IntakeConnectionsController,
      IntakeWebhooksController,
      AttentionController,
      IntakeOrdersController,
      ImportsController,
      ...writeback.controllers,
      ...platforms.controllers,
    ],
    providers: [
      { provide: SecretBox, useValue: new SecretBox(secretsKey) },
      IntakeOrdersStore,
      IntakePlacer,
      IntakeImportsStore,
      ImportUploads,
      ImportRunner,
      importSweep,
      CsvBodyParser,
      IntakeConnections,
      IntakeDeliveries,
      IntakeDeliveryWorker,
      WebhookReceiver,
      ...writeback.providers,
      ...platforms.providers,
    ],
  };
}
