import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import fastifyHttpProxy, { type FastifyHttpProxyOptions } from '@fastify/http-proxy';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerBase,
  type RouteGenericInterface,
} from 'fastify';

export const GATEWAY_SERVICES = ['orders', 'dispatch', 'messaging', 'notifications', 'accounts'] as const;
export type GatewayService = (typeof GATEWAY_SERVICES)[number];

/** What the browser may know before signing in: nothing here is a secret. */
export interface PublicClientConfig {
  /** The map's tiles or style (a shop's own tile server, or a public one it allows). */
  tileUrl?: string;
  /** A geocoder such as Nominatim or Photon. */
  geocoderUrl?: string;
}

export interface GatewayOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Where each service listens, e.g. http://127.0.0.1:3001 */
  services: Record<GatewayService, string>;
  /** The built single-page app (index.html, assets/); it may not be built yet. */
  consoleDir: string;
  /** The rider's installable app, served at /rider/ (index.html, assets/, sw.js, manifest.webmanifest); it may not be built yet. */
  riderDir?: string;
  client: PublicClientConfig;
  /** Proxies in front of the gateway whose X-Forwarded-* headers it believes (none by default). */
  trustedProxies?: string[];
  logger?: FastifyBaseLogger;
}

export interface Gateway {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const READINESS_TIMEOUT_MS = 2_000;
/** Vite names what it builds under assets/ by content hash: a changed file is a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered by a service: its own headers stand, the gateway adds none. */
    proxied?: boolean;
  }
}

/**
 * The one origin browsers talk to: the console's files, `/api/<service>/…` to each service, the
 * live updates (`/ws`, `/sse`) and tracking pages (`/track/…`) to notifications. Without it a
 * browser would need five origins and each service would have to allow the others (CORS).
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    trustProxy: options.trustedProxies && options.trustedProxies.length > 0 ? options.trustedProxies : false,
    // Closing drops every connection: a browser holding a live stream must not keep a shutdown waiting.
    forceCloseConnections: true,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers[CORRELATION_HEADER];
      return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    },
  });
  const contentSecurityPolicy = contentSecurityPolicyFor(options.client);
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.routeOptions.config?.proxied) {
      void reply.headers({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'content-security-policy': contentSecurityPolicy,
      });
    }
    return payload;
  });
  // The proxy's upgrade listener sends every upgrade through the router: only /ws may become a WebSocket.
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.upgrade && pathOf(request.url) !== '/ws') {
      return reply.code(404).send(errorBody(request, 'NOT_FOUND', 'no WebSocket here: the live updates are at /ws'));
    }
  });

  for (const service of GATEWAY_SERVICES) {
    await app.register(fastifyHttpProxy, proxyTo(service, options.services[service], `/api/${service}`, ''));
  }
  await app.register(fastifyHttpProxy, {
    ...proxyTo('notifications', options.services.notifications, '/ws', '/ws'),
    websocket: true,
    // Typed without it, but the proxy calls it for the connection to the service (by default it passes the cookie alone).
    wsClientOptions: { rewriteRequestHeaders: (headers: object, request: FastifyRequest) => ({ ...headers, ...forwardedHeaders(request) }) } as object,
  });
  await app.register(fastifyHttpProxy, proxyTo('notifications', options.services.notifications, '/sse', '/sse'));
  await app.register(fastifyHttpProxy, proxyTo('notifications', options.services.notifications, '/track', '/track'));
  app.all('/api', (request, reply) =>
    reply.code(404).send(errorBody(request, 'UNKNOWN_SERVICE', `no service here; try /api/{${GATEWAY_SERVICES.join(',')}}/…`)),
  );
  app.all('/api/*', (request, reply) => {
    const name = pathOf(request.url).split('/')[2];
    return reply.code(404).send(errorBody(request, 'UNKNOWN_SERVICE', `no service "${name}"; the services are ${GATEWAY_SERVICES.join(', ')}`));
  });

  app.get('/config.json', (_request, reply) =>
    reply.header('cache-control', 'no-cache').send({ tileUrl: options.client.tileUrl ?? null, geocoderUrl: options.client.geocoderUrl ?? null }),
  );
  app.get('/health/live', () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const states = await Promise.all(GATEWAY_SERVICES.map(async (service) => [service, await readiness(options.services[service])] as const));
    const down = states.filter(([, state]) => state !== 'up').map(([service]) => service);
    return reply.code(down.length === 0 ? 200 : 503).send({ status: down.length === 0 ? 'ok' : 'unavailable', services: Object.fromEntries(states), down });
  });

  if (options.riderDir) await registerRider(app, resolve(options.riderDir));
  await registerConsole(app, resolve(options.consoleDir));

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`, close: () => app.close() };
}

/** `prefix` here is `rewritePrefix` there: /api/orders/orders?x=1 → orders' /orders?x=1. */
function proxyTo(service: GatewayService, upstream: string, prefix: string, rewritePrefix: string): FastifyHttpProxyOptions {
  return {
    upstream,
    prefix,
    rewritePrefix,
    config: { proxied: true },
    replyOptions: {
      rewriteRequestHeaders: (request, headers) => ({ ...headers, ...forwardedHeaders(request) }),
      // A service's 503 (not ready) is its answer to pass on, not a reason to ask again.
      retryDelay: () => null,
      onError: (reply, { error }) => {
        reply.request.log.warn({ err: error, service }, 'service did not answer');
        void reply.code(502).send(errorBody(reply.request, 'SERVICE_UNAVAILABLE', `${service} did not answer; try again shortly`));
      },
    },
  };
}

/**
 * Who asked, for the service: the TCP peer is appended to what came (a service that trusts only
 * this gateway reads the list from the right, so a client cannot choose its address by sending one).
 */
function forwardedHeaders(request: FastifyRequest<RouteGenericInterface, RawServerBase>): Record<string, string> {
  const given = request.headers['x-forwarded-for'];
  const peer = request.socket.remoteAddress ?? '';
  return {
    'x-forwarded-for': [...(Array.isArray(given) ? given : given ? [given] : []), peer].filter(Boolean).join(', '),
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
    [CORRELATION_HEADER]: String(request.id),
  };
}

/**
 * The console's files; any other GET for a page (no file extension, HTML accepted) gets index.html, so
 * that a deep link such as /orders/123 opens the app, whose router shows the order.
 */
async function registerConsole(app: FastifyInstance, consoleDir: string): Promise<void> {
  const indexFile = join(consoleDir, 'index.html');
  const notBuilt = (reply: FastifyReply) =>
    reply
      .code(503)
      .type('text/plain; charset=utf-8')
      .send(`The console is not built yet: ${indexFile} is missing. Build the console (apps/console, with Nx), then reload this page.\n`);
  const sendIndex = (reply: FastifyReply) =>
    existsSync(indexFile) ? reply.header('cache-control', 'no-cache').sendFile('index.html', consoleDir, { cacheControl: false }) : notBuilt(reply);

  await app.register(fastifyStatic, {
    root: consoleDir,
    index: false,
    wildcard: true,
    cacheControl: false,
    setHeaders: (reply, path) => reply.header('cache-control', path.startsWith(join(consoleDir, 'assets') + sep) ? IMMUTABLE : 'no-cache'),
    logLevel: 'warn',
  });
  app.get('/', (_request, reply) => sendIndex(reply));
  app.setNotFoundHandler((request, reply) => {
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && extname(pathOf(request.url)) === '' && accepts(request, 'text/html');
    if (isPage) return sendIndex(reply);
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
  });
}

/**
 * The rider's app under /rider/: its files, and its page for every deep link below it. The service
 * worker and the manifest are asked for again on every visit (no-cache), so a new version of the
 * app reaches a phone at its next start; the hashed assets never change under one name.
 */
async function registerRider(app: FastifyInstance, riderDir: string): Promise<void> {
  const indexFile = join(riderDir, 'index.html');
  const sendIndex = (reply: FastifyReply) =>
    existsSync(indexFile)
      ? reply.header('cache-control', 'no-cache').sendFile('index.html', riderDir, { cacheControl: false })
      : reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(`The rider's app is not built yet: ${indexFile} is missing. Build it (apps/rider, with Nx), then reload this page.\n`);
  // Its own context: its sendFile serves from the rider's folder, with the rider's cache headers.
  await app.register(async (rider) => {
    await rider.register(fastifyStatic, {
      root: riderDir,
      serve: false,
      cacheControl: false,
      setHeaders: (reply, path) => reply.header('cache-control', path.startsWith(join(riderDir, 'assets') + sep) ? IMMUTABLE : 'no-cache'),
      logLevel: 'warn',
    });
    rider.get('/rider', (_request, reply) => reply.redirect('/rider/', 308));
    rider.get('/rider/', (_request, reply) => sendIndex(reply));
    rider.get('/rider/*', (request, reply) => {
      const path = pathOf(request.url);
      if (extname(path) === '') return accepts(request, 'text/html') ? sendIndex(reply) : reply.callNotFound();
      // A missing file falls through to the not-found answer; send refuses a path that climbs out ('..').
      return reply.sendFile(path.slice('/rider/'.length));
    });
  });
}

function contentSecurityPolicyFor(client: PublicClientConfig): string {
  const tiles = originOf(client.tileUrl);
  const geocoder = originOf(client.geocoderUrl);
  const sources = (...extra: Array<string | undefined>) => [...new Set(extra.filter((s): s is string => Boolean(s)))].join(' ');
  return [
    "default-src 'self'",
    `img-src ${sources("'self'", 'data:', 'blob:', tiles)}`,
    `connect-src ${sources("'self'", tiles, geocoder)}`,
    // MapLibre runs its workers from blob: URLs and sets styles inline.
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origin of an absolute http(s) URL (a `pmtiles://` archive's too); a relative one is the gateway's own. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url.replace(/^pmtiles:\/\//, ''));
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

async function readiness(serviceUrl: string): Promise<'up' | 'down'> {
  try {
    const answer = await fetch(`${serviceUrl}/health/ready`, { signal: AbortSignal.timeout(READINESS_TIMEOUT_MS) });
    await answer.arrayBuffer();
    return answer.status === 200 ? 'up' : 'down';
  } catch {
    return 'down';
  }
}

function accepts(request: FastifyRequest, type: string): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes(type);
}

function pathOf(url: string): string {
  return url.split('?', 1)[0];
}

/** The services' one error body. */
function errorBody(request: { id: string }, code: string, message: string) {
  return { code, message, correlationId: String(request.id) };
}
