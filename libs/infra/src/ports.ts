import { createServer, type AddressInfo, type Server } from 'node:net';

/** Progress/diagnostic sink used by the infra helpers (one line per call), e.g. `console.log`. */
export type InfraLog = (message: string) => void;

/** The only interface the local infrastructure listens on (IPv4 loopback, never `localhost`). */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * Asks the OS for `count` distinct free TCP ports on 127.0.0.1 (ephemeral ports: bind to 0, read
 * the port, release it). All are held until the last is read, so none is handed out twice: one
 * port released and asked again at once may come back, which gave a broker and its controller the
 * same port. Another process may still take one before the caller binds it; callers that bind much
 * later should run {@link assertPortFree} right before binding.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      server.unref();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: LOOPBACK_HOST, port: 0, exclusive: true }, resolve);
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.filter((server) => server.listening).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}

/** One free TCP port on 127.0.0.1; see {@link freePorts} when a caller needs several. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
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
