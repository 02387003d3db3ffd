import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { SERVICE_CONFIG } from '@petalpost/platform';
import type { IntakeConfig } from '../intake.config';

const WEBHOOK_PATHS = ['/intake/shopify/webhooks', '/intake/woocommerce/webhooks/'];
const WOOCOMMERCE_PATH = '/intake/woocommerce/webhooks/';
/** The Chinese platforms' push routes (platforms/api/platform-pushes.controller.ts), as Fastify names them. */
const PUSH_ROUTE = '/intake/pushes/';

function isWebhookPath(url: string): boolean {
  return WEBHOOK_PATHS.some((path) => url.startsWith(path)) || url.startsWith(PUSH_ROUTE);
}

function isPushRoute(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith(PUSH_ROUTE) === true;
}

/** What the Chinese platforms push besides JSON: Meituan forms, WeChat's XML (verify), plain text. */
const XML_TYPES = ['application/xml', 'text/xml'];

/**
 * What the webhook routes need of the HTTP server: a limit of their own (an order is small; more
 * is refused with 413 before it is read), and WooCommerce's creation ping, which comes
 * form-encoded (`webhook_id=<id>`), read as raw bytes there — everywhere else a form body is
 * still refused with 415. The raw JSON bytes the signature covers are kept by the platform's JSON
 * parser (request.rawBody). The Chinese platforms' push routes keep the raw bytes of a form, plain
 * text or XML too: their connectors verify and read the bytes, never a parsed body. A JSON push
 * that is not JSON is still refused by the JSON parser (400, our shape) — a platform never sends one.
 */
export function configureIntakeHttp(app: NestFastifyApplication): void {
  const config = app.get<IntakeConfig>(SERVICE_CONFIG);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (isWebhookPath(route.url)) route.bodyLimit = config.ORDERS_INTAKE_WEBHOOK_MAX_BYTES;
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    if (!request.url.startsWith(WOOCOMMERCE_PATH) && !isPushRoute(request)) {
      done(new UnsupportedMediaTypeException('Unsupported Media Type: application/x-www-form-urlencoded'), undefined);
      return;
    }
    request.rawBody = body as Buffer;
    done(null, {});
  });
  fastify.addContentTypeParser(XML_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    if (!isPushRoute(request)) {
      done(new UnsupportedMediaTypeException(`Unsupported Media Type: ${request.headers['content-type']}`), undefined);
      return;
    }
    request.rawBody = body as Buffer;
    done(null, {});
  });
  // Fastify's own text/plain parser gives a string and drops the bytes: replaced, the same string elsewhere.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('text/plain', { parseAs: 'buffer' }, (request, body, done) => {
    if (isPushRoute(request)) {
      request.rawBody = body as Buffer;
      done(null, {});
      return;
    }
    done(null, (body as Buffer).toString('utf8'));
  });
}
