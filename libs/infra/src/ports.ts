import { createServer, type AddressInfo } from 'node:net';

/** Progress/diagnostic sink used by the infra helpers (one line per call), e.g. `console.log`. */
export type InfraLog = (message: string) => void;

/** The only interface the local infrastructure listens on (IPv4 loopback, never `localhost`). */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * Asks the OS for a currently free TCP port on 127.0.0.1 (an ephemeral port: bind to 0,
 * read the port, release it). Another process may take it before the caller binds it;
 * callers that bind much later should run {@link assertPortFree} right before binding.
 */
export function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: LOOPBACK_HOST, port: 0, exclusive: true }, () => {
      const address = server.address() as AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}

/** True when nothing listens on 127.0.0.1:`port` (checked by binding it briefly). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        resolve(false);
      } else {
        reject(err);
      }
    });
    server.listen({ host: LOOPBACK_HOST, port, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/**
 * Throws `port N is taken: <hint>` when 127.0.0.1:`port` cannot be bound.
 * `hint` should tell the reader what to do, e.g. "set KAFKA_PORT or KAFKA_BROKERS".
 */
export async function assertPortFree(port: number, hint: string): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`port ${String(port)} is not a valid TCP port (1-65535): ${hint}`);
  }
  if (!(await isPortFree(port))) {
    throw new Error(`port ${port} is taken: another process listens on ${LOOPBACK_HOST}:${port}; ${hint}`);
  }
}
