import { trustedProxyList } from '@petalpost/platform';
import { z } from 'zod';

const serviceUrl = z.url({ protocol: /^https?$/, error: 'expected the http(s) URL the service listens on, e.g. http://orders:3001' });
/** Handed to browsers: only absolute web addresses (a `pmtiles://` archive included) or paths on this origin. */
export const publicUrl = z
  .string()
  .min(1)
  .refine((url) => url.startsWith('/') || /^(pmtiles:\/\/)?https?:\/\/[^/]/.test(url), 'expected an http(s) URL or a path on this origin');

/** What the standalone gateway reads from the environment (`npm start` runs it in process instead). */
export const gatewayConfigSchema = z.object({
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ORDERS_URL: serviceUrl,
  DISPATCH_URL: serviceUrl,
  MESSAGING_URL: serviceUrl,
  NOTIFICATIONS_URL: serviceUrl,
  ACCOUNTS_URL: serviceUrl,
  /** The built console (index.html and assets/). */
  CONSOLE_DIR: z.string().min(1),
  /** The built rider's app, served at /rider/ (none: no rider's app on this gateway). */
  RIDER_DIR: z.string().min(1).optional(),
  TILE_URL: publicUrl.optional(),
  GEOCODER_URL: publicUrl.optional(),
  /** A load balancer in front of the gateway whose X-Forwarded-* it believes. */
  TRUSTED_PROXIES: trustedProxyList,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
