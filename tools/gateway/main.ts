import { assertSupportedRuntime, ConfigError, createLogger, loadConfig } from '@petalpost/platform';
import { startGateway } from './gateway';
import { gatewayConfigSchema } from './gateway.config';

/** The gateway on its own, for a deployment without an Ingress: every variable checked before it listens. */
async function main(): Promise<void> {
  assertSupportedRuntime();
  const config = loadConfig(gatewayConfigSchema);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const gateway = await startGateway({
    host: config.GATEWAY_HOST,
    port: config.GATEWAY_PORT,
    services: {
      orders: config.ORDERS_URL,
      dispatch: config.DISPATCH_URL,
      messaging: config.MESSAGING_URL,
      notifications: config.NOTIFICATIONS_URL,
      accounts: config.ACCOUNTS_URL,
    },
    consoleDir: config.CONSOLE_DIR,
    ...(config.RIDER_DIR ? { riderDir: config.RIDER_DIR } : {}),
    client: { tileUrl: config.TILE_URL, geocoderUrl: config.GEOCODER_URL },
    trustedProxies: config.TRUSTED_PROXIES,
    logger,
  });
  logger.info({ url: gateway.url, consoleDir: config.CONSOLE_DIR, riderDir: config.RIDER_DIR }, 'gateway ready');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void gateway.close().then(() => process.exit(0));
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway: ${err instanceof ConfigError ? err.message : `failed to start: ${(err as Error).message}`}\n`);
  process.exit(1);
});
