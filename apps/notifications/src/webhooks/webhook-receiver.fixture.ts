import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as it arrived: what a receiver verifies the signature against. */
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  answered: number;
}

/**
 * A shop's system on 127.0.0.1: records every request, and answers each path with the statuses it
 * was told to, in turn (the last one repeating; 200 when told nothing).
 */
export interface WebhookReceiver {
  url(path: string): string;
  answer(path: string, ...statuses: number[]): void;
  received(path: string): ReceivedWebhook[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  const scripts = new Map<string, number[]>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const script = scripts.get(path) ?? [200];
      const status = script.length > 1 ? script.shift()! : script[0];
      requests.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), answered: status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `receiver says ${status}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    answer: (path, ...statuses) => void scripts.set(path, statuses),
    received: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
