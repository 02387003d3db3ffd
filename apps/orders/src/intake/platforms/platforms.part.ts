import type { Provider, Type } from '@nestjs/common';
import { PLATFORM_CONNECTORS as PLATFORM_CONNECTORS_TOKEN, type PlatformConnector } from './platform-connector';
import { PlatformConnectors } from './platform-connectors';
import { PLATFORMS_CONFIG, type PlatformsConfig } from './platforms.config';

/** The Chinese platforms the intake takes orders from: each platform adds its connector here. */
export const PLATFORM_CONNECTORS: readonly PlatformConnector[] = [];

/**
 * The Chinese platforms' part of the intake slice (docs/intake.md): their connectors, by platform.
 * Pushes are received and processed by the slice's own receiver and delivery worker; `connectors`
 * is for tests that run the slice with a platform of their own.
 */
export function platformsPart(
  config: PlatformsConfig,
  connectors: readonly PlatformConnector[] = PLATFORM_CONNECTORS,
): { controllers: Type[]; providers: Provider[] } {
  return {
    controllers: [],
    providers: [
      { provide: PLATFORMS_CONFIG, useValue: config },
      { provide: PLATFORM_CONNECTORS_TOKEN, useValue: connectors },
      { provide: PlatformConnectors, useValue: new PlatformConnectors(connectors) },
    ],
  };
}
