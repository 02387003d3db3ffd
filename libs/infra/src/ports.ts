import { createServer, type AddressInfo, type Server } from 'node:net';

/** Progress/diagnostic sink used by the infra helpers (one line per call), e.g. `console.log`. */
export type InfraLog = (message: string) => void;

/** The only interface the local infrastructure listens on (IPv4 loopback, never `localhost`). */
export const LOOPBACK_HOST = '127.0.0.1';

/** Ports this process has handed out: the OS may offer one again before its taker has bound it. */
const handedOut = new Set<number>();

/**
 * Asks the OS for `count` free TCP ports on 127.0.0.1 (ephemeral ports: bind to 0, read the port,
 * release it), distinct from each other and from every port this process handed out before. The OS
 * offers a port just released again, which once gave a broker and its controller one port, and two
 * services started side by side could get one too. Another process may still take a port before the
 * caller binds it; callers that bind much later should run {@link assertPortFree} right before binding.
 */
export async function freePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      const server = createServer();
      server.unref();
      held.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: LOOPBACK_HOST, port: 0, exclusive: true }, resolve);
      });
      const { port } = server.address() as AddressInfo;
      if (!handedOut.has(port)) ports.push(port);
    }
  } finally {
    await Promise.all(held.filter((server) => server.listening).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
  for (const port of ports) handedOut.add(port);
  return ports;
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
