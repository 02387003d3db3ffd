import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ResolvedAddress, sendWebhook } from './webhook-sender';

/**
 * The sender against real sockets: a receiver on 127.0.0.1 stands for an internal service a
 * shop's hostname could be turned to between our check and our connect (DNS rebinding).
 */
describe('sending a webhook', () => {
  let receiver: Server;
  let port: number;
  const received: Array<{ host?: string; url?: string }> = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      received.push({ host: request.headers.host, url: request.url });
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
  });

  const send = (url: string, resolve: (host: string) => Promise<ResolvedAddress[]>, allowPrivateNetworks: boolean) =>
    sendWebhook({
      url,
      body: '{}',
      headers: { 'content-type': 'application/json' },
      timeoutMs: 1_000,
      stopSignal: new AbortController().signal,
      allowPrivateNetworks,
      resolve,
    });

  it('connects to the address it checked: a name that answers one address, then another, reaches only the first', async () => {
    // The second answer stands for an internal service the name is turned to after the check. Both
    // are loopback addresses (private networks allowed here) so the test touches no other host;
    // that a private answer is refused in production is the URL policy's own test.
    const rebound = createServer((request, response) => {
      reboundRequests.push(request.url);
      response.writeHead(204).end();
    });
    const reboundRequests: Array<string | undefined> = [];
    await new Promise<void>((resolve) => rebound.listen(port, '127.0.0.2', resolve));
    try {
      const answers: ResolvedAddress[][] = [[{ address: '127.0.0.1', family: 4 }], [{ address: '127.0.0.2', family: 4 }]];
      const asked: string[] = [];
      const rebinding = async (host: string) => {
        asked.push(host);
        return answers[Math.min(asked.length - 1, answers.length - 1)];
      };
      const outcome = await send(`http://hooks.rebinding.example:${port}/in`, rebinding, true);
      expect(outcome).toEqual({ kind: 'response', status: 204, excerpt: '' });
      expect(asked).toEqual(['hooks.rebinding.example']);
      expect(received).toEqual([{ host: `hooks.rebinding.example:${port}`, url: '/in' }]);
      expect(reboundRequests).toEqual([]);
    } finally {
      await new Promise((resolve) => rebound.close(resolve));
    }
  });

  it('refuses a name any of whose addresses is on our own network, without connecting', async () => {
    const outcome = await send(
      `http://hooks.mixed.example:${port}/in`,
      async () => [
        { address: '93.184.215.14', family: 4 },
        { address: '64:ff9b::7f00:1', family: 6 },
      ],
      false,
    );
    expect(outcome).toEqual({ kind: 'error', message: 'hooks.mixed.example resolves to 64:ff9b::7f00:1, which is not a public address' });
    expect(received).toEqual([]);
  });

  it('sends to the resolved address with the original name as Host, where private networks are allowed', async () => {
    const outcome = await send(`http://hooks.shop.example:${port}/in?x=1`, async () => [{ address: '127.0.0.1', family: 4 }], true);
    expect(outcome).toEqual({ kind: 'response', status: 204, excerpt: '' });
    expect(received).toEqual([{ host: `hooks.shop.example:${port}`, url: '/in?x=1' }]);
  });
});
