import { createServiceApp, type ServiceDefinition } from './bootstrap';
import { loadConfig, type ServiceConfig } from './config';
import { createLogger } from './logger';

/** What the config needs to build the app in preview: nothing is connected to, so nothing here is reached. */
const PREVIEW_ENV = { PORT: '0', DATABASE_URL: 'postgres://preview@127.0.0.1:1/preview', KAFKA_BROKERS: '127.0.0.1:1', LOG_LEVEL: 'silent' };

/**
 * A service's OpenAPI document exactly as it serves it at /docs/json, without a database, a broker
 * or a port: the app is built in preview and the document asked of Fastify in-process. For the
 * generators of clients, which must not need the whole system running.
 */
export async function serviceOpenApiDocument<C extends ServiceConfig>(definition: ServiceDefinition<C>): Promise<Record<string, unknown>> {
  const config = loadConfig(definition.configSchema, PREVIEW_ENV);
  const app = await createServiceApp(definition, config, createLogger(definition.name, 'silent'), { preview: true });
  try {
    const response = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs/json' });
    if (response.statusCode !== 200) throw new Error(`${definition.name}: GET /docs/json answered ${response.statusCode}`);
    return response.json();
  } finally {
    await app.close();
  }
}

/** An app's openapi.ts entry: writes its OpenAPI document to stdout (`node dist/apps/<app>/src/openapi.js`). */
export function printOpenApiDocument<C extends ServiceConfig>(definition: ServiceDefinition<C>): void {
  serviceOpenApiDocument(definition).then(
    (document) => process.stdout.write(`${JSON.stringify(document)}\n`, () => process.exit(0)),
    (err: unknown) => {
      process.stderr.write(`${definition.name}: cannot build the OpenAPI document: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
