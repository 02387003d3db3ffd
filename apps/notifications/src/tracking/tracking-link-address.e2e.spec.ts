import { request as httpRequest } from 'node:http';
import { createTestNamespace, eventually, uniqueName } from '@petalpost/testing';
import { newOrder, type Notifications, relayStandIn, type Relay, startNotifications, tokens } from '../notifications.fixture';

/** POST with a Host header of the caller's choosing (fetch would not let us set it). */
function mintWithHost(service: Notifications, orderId: string, host: string): Promise<{ status: number; body: { url?: string } }> {
  const target = new URL(`${service.url}/orders/${orderId}/tracking-link`);
  const token = tokens.sign({ role: 'operator', sub: 'olga' });
  return new Promise((resolve, reject) => {
    const req = httpRequest(target, { method: 'POST', headers: { host, authorization: `Bearer ${token}` } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += String(chunk)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as { url?: string } }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tracking links without TRACKING_PUBLIC_URL (development)', () => {
  let service: Notifications;
  let relay: Relay;

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startNotifications(namespace);
    relay = await relayStandIn(namespace);
  });
  afterAll(async () => {
    await relay?.disconnect();
    await service?.app.close();
  });

  it('are built on the service’s own address, not on the Host header a caller sent', async () => {
    // A new consumer group starts at the log's end, learnt on its first fetch: publish until one order shows.
    const minted = await eventually(async () => {
      const order = newOrder(uniqueName('shop'));
      await relay.orders(order.placed());
      return eventually(async () => {
        const response = await mintWithHost(service, order.orderId, 'attacker.example');
        expect(response.status).toBe(201);
        return response.body;
      }, 3_000);
    }, 30_000);
    expect(minted.url).toMatch(new RegExp(`^${service.url}/track/`));
    expect(minted.url).not.toContain('attacker.example');
  });
});
