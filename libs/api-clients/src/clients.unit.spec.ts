import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDispatchClient, createOrdersClient } from './clients';

/** A local HTTP server that answers every request with what it received. */
describe('the typed clients', () => {
  let server: Server;
  let baseUrl: string;
  const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ method: request.method, url: request.url, headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  it('sends the bearer token, fills the path and sends the headers of one call', async () => {
    const orders = createOrdersClient(baseUrl, { token: 'staff-token' });
    await orders.POST('/orders/{orderId}/cancel', {
      params: { path: { orderId: 'o-1' }, header: { 'If-Match': '"3"', 'Idempotency-Key': 'cancel-o-1' } },
      body: { reason: 'customer changed their mind' },
    });
    expect(received).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/orders/o-1/cancel',
        headers: expect.objectContaining({ authorization: 'Bearer staff-token', 'if-match': '"3"', 'idempotency-key': 'cancel-o-1' }),
        body: JSON.stringify({ reason: 'customer changed their mind' }),
      }),
    ]);
  });

  it('asks a token function for the current token on each call, and leaves a call’s own Authorization alone', async () => {
    let current = 'first';
    const dispatch = createDispatchClient(baseUrl, { token: () => current });
    await dispatch.GET('/deliveries');
    current = 'second';
    await dispatch.GET('/deliveries');
    await dispatch.GET('/deliveries', { headers: { authorization: 'Bearer rider-token' } });
    expect(received.map((r) => r.headers.authorization)).toEqual(['Bearer first', 'Bearer second', 'Bearer rider-token']);
  });

  it('sends no Authorization without a token', async () => {
    await createOrdersClient(baseUrl).GET('/health/live');
    expect(received[0].headers.authorization).toBeUndefined();
  });
});
