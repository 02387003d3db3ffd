import type { Provider, Type } from '@nestjs/common';
import { PlatformPushesController } from './api/platform-pushes.controller';
import { MeituanConnector } from './meituan/meituan.connector';
import { PLATFORM_CONNECTORS as PLATFORM_CONNECTORS_TOKEN, type PlatformConnector } from './platform-connector';
import { ElemeConnector } from './eleme/eleme.connector';
import { PlatformConnectors } from './platform-connectors';
import { PLATFORMS_CONFIG, type PlatformsConfig } from './platforms.config';
import { PushActions } from './push-actions.service';
import { PushReceiver } from './push-receiver.service';
import { WechatConnector } from './wechat/wechat.connector';
import { YouzanConnector } from './youzan/youzan.connector';

/** The Chinese platforms the intake takes orders from: each platform adds its connector here. */
export const PLATFORM_CONNECTORS: readonly PlatformConnector[] = [new MeituanConnector(), new ElemeConnector(), new YouzanConnector(), new WechatConnector()];

/**
 * The Chinese platforms' part of the intake slice (docs/intake.md): their connectors, the push
 * routes and receiver, and what a push means done through the order's own paths. Stored pushes
 * are processed by the slice's delivery worker. `connectors`: tests run the slice with a platform
 * of their own.
 */
export function platformsPart(
  config: PlatformsConfig,
  connectors: readonly PlatformConnector[] = PLATFORM_CONNECTORS,
): { controllers: Type[]; providers: Provider[] } {
  return {
    controllers: [PlatformPushesController],
    providers: [
      PushReceiver,
      PushActions,
      { provide: PLATFORMS_CONFIG, useValue: config },
      { provide: PLATFORM_CONNECTORS_TOKEN, useValue: connectors },
      { provide: PlatformConnectors, useValue: new PlatformConnectors(connectors) },
    ],
  };
}
