import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { ZodValidationPipe } from 'nestjs-zod';
import { DomainError } from '@petalpost/contracts';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ConfigError, loadConfig, type ServiceConfig, trustedKeysOf } from './config';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyProblem } from './idempotency-key';
import { createLogger } from './logger';
import { NestPinoLogger } from './nest-logger';
import { type ApiDescription, openApiDocument } from './openapi';
import { isTraceparent, newTraceparent, runWithContext } from './request-context';
import { assertSupportedRuntime, UnsupportedRuntimeError } from './runtime';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's bytes exactly as received (JSON bodies): what a webhook's signature covers. */
    rawBody?: Buffer;
  }
}

/** What a service's main.ts hands to startService: its name, its config and its root module. */
export interface ServiceDefinition<C extends ServiceConfig> extends ApiDescription {
  configSchema: z.ZodType<C, unknown>;
  module(config: C, logger: Logger): DynamicModule;
  /** Adapter-level set-up, e.g. a WebSocket adapter. */
  configure?(app: NestFastifyApplication): void;
}

export interface RunningService<C extends ServiceConfig> {
  app: NestFastifyApplication;
  config: C;
  logger: Logger;
  /** Base URL the service listens on, e.g. http://127.0.0.1:3001 */
  url: string;
}

const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the HTTP app every service shares: Fastify, JSON logs, correlation ids, validation, OpenAPI.
 * In preview, Nest reads the modules and controllers but instantiates nothing (no database, no broker):
 * enough to serve the OpenAPI document, see openapi-document.ts.
 */
export async function createServiceApp<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  config: C,
  logger: Logger,
  options: { preview?: boolean } = {},
) {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
    // request.ip is then the first address in X-Forwarded-For, read from the right, that is no trusted proxy.
    trustProxy: config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false,
    // A caller's correlation id is kept when it looks like one, so a trace spans systems.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers[CORRELATION_HEADER];
      return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(definition.module(config, logger), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    // JSON only: without Nest's extra parsers, any other media type is refused with 415.
    bodyParser: false,
    preview: options.preview,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(CORRELATION_HEADER, request.id);
    const traceparent = request.headers.traceparent;
    const badKey = idempotencyKeyProblem(request.headers[IDEMPOTENCY_KEY_HEADER]);
    runWithContext({ correlationId: String(request.id), traceparent: isTraceparent(traceparent) ? traceparent : newTraceparent() }, () => done(badKey));
  });
  // Fastify's own JSON parser (it refuses prototype poisoning), with its failure named for clients.
  // The bytes as received stay on the request (rawBody): a signed webhook is verified over them.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    parseJson(request, body.toString('utf8'), (err, value) =>
      err ? done(new DomainError('invalid', 'MALFORMED_JSON', `request body is not valid JSON: ${err.message}`), undefined) : done(null, value),
    );
  });
  app.useGlobalPipes(new ZodValidationPipe());
  definition.configure?.(app);
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, openApiDocument(app, definition), { jsonDocumentUrl: 'docs/json' });
  return app;
}

/** Validates config, builds the app and listens. Used by main.ts and by end-to-end tests alike. */
export async function startService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningService<C>> {
  assertSupportedRuntime();
  const config = loadConfig(definition.configSchema, env);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  if (trustedKeysOf(config).developmentKey) {
    logger.warn('trusting the public development key (AUTH_DEVELOPMENT_KEY): anyone on this machine can mint tokens for this service');
  }
  const app = await createServiceApp(definition, config, logger);
  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url, docs: `${url}/docs`, node: process.version }, `${definition.name} ready`);
  return { app, config, logger, url };
}

/** main.ts entry: start, and on a bad environment print the list of problems and exit 1. */
export function main<C extends ServiceConfig>(definition: ServiceDefinition<C>): void {
  startService(definition).then(
    ({ config, logger }) => {
      // Shutdown must not hang forever on a stuck dependency.
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          logger.info({ signal }, 'shutting down');
          setTimeout(() => {
            logger.error('shutdown timed out; exiting');
            process.exit(1);
          }, config.SHUTDOWN_TIMEOUT_MS).unref();
        });
      }
    },
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof UnsupportedRuntimeError) {
        process.stderr.write(`${definition.name}: ${err.message}\n`);
      } else {
        process.stderr.write(`${definition.name}: failed to start: ${(err as Error).stack ?? String(err)}\n`);
      }
      process.exit(1);
    },
  );
}
