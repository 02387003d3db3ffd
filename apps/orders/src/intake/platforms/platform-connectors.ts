import { type ChinaPlatform, isChinaPlatform, type PlatformConnector } from './platform-connector';

/** The connectors the service runs with, by platform: the one place the intake looks a platform up. */
export class PlatformConnectors {
  private readonly byPlatform = new Map<ChinaPlatform, PlatformConnector>();

  constructor(connectors: readonly PlatformConnector[]) {
    for (const connector of connectors) {
      if (this.byPlatform.has(connector.platform)) throw new Error(`two connectors for ${connector.platform}`);
      this.byPlatform.set(connector.platform, connector);
    }
  }

  /** The connector of a platform named in a URL or a row; undefined when none runs for it. */
  find(platform: string): PlatformConnector | undefined {
    return isChinaPlatform(platform) ? this.byPlatform.get(platform) : undefined;
  }

  get platforms(): ChinaPlatform[] {
    return [...this.byPlatform.keys()];
  }
}
