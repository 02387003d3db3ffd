import Fastify from 'fastify';

/**
 * The HTTP benchmark's baseline: bare Fastify answering `GET /hello` with `{"hello":"world"}`, no
 * logger, no hooks, no schema — the ceiling any Fastify-based service is measured against. Runs
 * in a process of its own (forked by bench/http/servers.ts) and tells its port over IPC.
 */
async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/hello', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`fastify-hello failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
