import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SERVICE_CONFIG } from '@petalpost/platform';
import type { IntakeConfig } from '../intake.config';

const WEBHOOK_PATHS = ['/intake/shopify/webhooks', '/intake/woocommerce/webhooks/'];
const WOOCOMMERCE_PATH = '/intake/woocommerce/webhooks/';

function isWebhookPath(url: string): boolean {
  return WEBHOOK_PATHS.some((path) => url.startsWith(path));
}

/**
 * What the webhook routes need of the HTTP server: a limit of their own (an order is small; more
 * is refused with 413 before it is read), and WooCommerce's creation ping, which comes
 * form-encoded (`webhook_id=<id>`), read as raw bytes there — everywhere else a form body is
 * still refused with 415. The raw JSON bytes the signature covers are kept by the platform's JSON
 * parser (request.rawBody).
 */
export function configureIntakeHttp(app: NestFastifyApplication): void {
  const config = app.get<IntakeConfig>(SERVICE_CONFIG);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (isWebhookPath(route.url)) route.bodyLimit = config.ORDERS_INTAKE_WEBHOOK_MAX_BYTES;
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    if (!request.url.startsWith(WOOCOMMERCE_PATH)) {
      done(new UnsupportedMediaTypeException('Unsupported Media Type: application/x-www-form-urlencoded'), undefined);
      return;
    }
    request.rawBody = body as Buffer;
    done(null, {});
  });
}
