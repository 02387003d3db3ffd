import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';

export interface ReferencedService {
  name: string;
  /** Where the service listens, e.g. http://127.0.0.1:3001 */
  url: string;
}

export interface ApiReference {
  url: string;
  close(): Promise<void>;
}

// Hop-by-hop and length headers: the proxy's own connection sets them.
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'accept-encoding', 'content-encoding']);

/**
 * One API reference for people: Swagger UI with a document per service to choose from, all on
 * one origin. Each document is fetched from its service when asked for (always the running
 * code's), with its server set to `/api/<service>` here, where requests are passed on to the
 * service: "Try it out" works without the services allowing other origins.
 */
export async function startApiReference(services: ReferencedService[], host: string, port: number): Promise<ApiReference> {
  // Closing drops every connection: a browser holding a live stream or a stalled download must not keep Ctrl-C waiting.
  const app = Fastify({ logger: false, forceCloseConnections: true });
  await app.register(fastifyStatic, { root: dirname(require.resolve('swagger-ui-dist/package.json')), prefix: '/swagger-ui/', index: false });
  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(referencePage(services.map((s) => s.name))));

  // Bodies pass through as they came, whatever their type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  for (const service of services) {
    app.get(`/${service.name}.json`, async (_request, reply) => {
      const answer = await fetch(`${service.url}/docs/json`).catch((err: Error) => err);
      if (answer instanceof Error || !answer.ok) {
        const why = answer instanceof Error ? answer.message : `HTTP ${answer.status}`;
        return reply.code(502).send({ code: 'SERVICE_UNAVAILABLE', message: `${service.name} did not give its document: ${why}` });
      }
      const document = (await answer.json()) as Record<string, unknown>;
      return { ...document, servers: [{ url: `/api/${service.name}`, description: `${service.name} (${service.url}), through this page` }] };
    });
    app.all(`/api/${service.name}/*`, async (request, reply) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !NOT_FORWARDED.has(name)) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const answer = await fetch(`${service.url}${request.url.slice(`/api/${service.name}`.length)}`, {
        method: request.method,
        headers,
        body: request.body as Buffer | undefined,
        redirect: 'manual',
      }).catch((err: Error) => err);
      if (answer instanceof Error) return reply.code(502).send({ code: 'SERVICE_UNAVAILABLE', message: `${service.name}: ${answer.message}` });
      answer.headers.forEach((value, name) => {
        if (!NOT_FORWARDED.has(name)) void reply.header(name, value);
      });
      // Streamed, so the live notifications (server-sent events) flow through too.
      return reply.code(answer.status).send(answer.body ?? '');
    });
  }

  await app.listen({ host, port });
  return { url: `http://${host}:${port}/`, close: () => app.close() };
}

/** Swagger UI's standalone layout: the top bar's list picks one service's document. */
export function referencePage(services: string[]): string {
  const config = {
    dom_id: '#reference',
    urls: services.map((name) => ({ name, url: `${name}.json` })),
    'urls.primaryName': services[0],
    layout: 'StandaloneLayout',
    persistAuthorization: true,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Petalpost API reference</title>
<link rel="stylesheet" href="swagger-ui/swagger-ui.css">
<link rel="icon" type="image/png" href="swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="reference"></div>
<script src="swagger-ui/swagger-ui-bundle.js"></script>
<script src="swagger-ui/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(config)}, { presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset] }));
</script>
</body>
</html>
`;
}
