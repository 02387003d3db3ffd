import { createServer } from 'node:http';
import { TokenVerifier } from '@petalpost/auth';
import { Kafka, logLevel } from 'kafkajs';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * The baseline of the notifications bench: the least a live feed can do. A plain `ws` server on
 * Node's http server; a client authenticates once with the same token, sent as its first message as
 * to the service (the JWT checked against the bench's key), and
 * joins its shop's set; a kafkajs consumer reads the same kind of topic as the service and sends
 * each event, serialised once, to every open client of its shop. Nothing is stored, numbered,
 * shaped per reader or resumable. Tells its parent `{port}` once it listens and its group is joined.
 */
const env = process.env;
const tokens = new TokenVerifier({ jwks: JSON.parse(env.BENCH_JWKS ?? '{"keys":[]}') as { keys: [] } });
const byShop = new Map<string, Set<WebSocket>>();

async function main(): Promise<void> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: '/ws', perMessageDeflate: false });
  wss.on('connection', (ws) => {
    ws.once('message', (data) => void authenticate(ws, String(data)));
  });
  const authenticate = async (ws: WebSocket, first: string) => {
    let shopId: string;
    try {
      const principal = await tokens.verify((JSON.parse(first) as { token?: string }).token);
      if (!principal.shopId) throw new Error('no shop');
      shopId = principal.shopId;
    } catch {
      ws.close(4401, 'a valid token is required');
      return;
    }
    const clients = byShop.get(shopId) ?? new Set<WebSocket>();
    byShop.set(shopId, clients);
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.send(JSON.stringify({ type: 'welcome', shopId }));
  };

  const kafka = new Kafka({ clientId: 'bench-ws-broadcast', brokers: (env.BENCH_BROKERS ?? '').split(','), logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: env.BENCH_GROUP ?? 'bench-ws-broadcast' });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic: env.BENCH_TOPIC ?? '', fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(String(message.value)) as { eventId: string; type: string; shopId: string; data: unknown; metadata: { occurredAt: string } };
      const clients = byShop.get(event.shopId);
      if (!clients) return;
      const frame = JSON.stringify({
        type: 'notification',
        eventId: event.eventId,
        eventType: event.type,
        shopId: event.shopId,
        data: event.data,
        occurredAt: event.metadata.occurredAt,
      });
      for (const ws of clients) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    },
  });
  await joined;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });

  const stop = () => {
    for (const ws of wss.clients) ws.terminate();
    void consumer.disconnect().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`ws broadcast baseline failed: ${(err as Error).message}\n`);
  process.exit(1);
});
