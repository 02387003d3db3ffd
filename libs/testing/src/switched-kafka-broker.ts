import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePorts, type KafkaBroker, LOOPBACK_HOST, startKafkaBroker } from '@petalpost/infra';

const repoRoot = join(__dirname, '..', '..', '..');

/**
 * A broker of a spec's own that clients reach only through a switch (a TCP relay it advertises as
 * its address): cut() makes it unreachable at once — open connections reset, new ones refused —
 * and restore() brings it back, without the half-minute a broker restart takes.
 */
export interface SwitchedKafkaBroker {
  brokers: string[];
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Stops the broker and removes its data. */
  destroy(): Promise<void>;
}

export async function startSwitchedKafkaBroker(): Promise<SwitchedKafkaBroker> {
  const dataDir = join(repoRoot, '.data', `switched-kafka-${process.pid}-${randomUUID().slice(0, 8)}`);
  await mkdir(dataDir, { recursive: true });
  const [port, controllerPort, switchPort] = await freePorts(3);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const restore = async () => {
    if (server) return;
    const listening = createServer((client) => {
      const upstream = createConnection({ host: LOOPBACK_HOST, port });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => listening.once('error', reject).listen(switchPort, LOOPBACK_HOST, resolve));
    server = listening;
  };
  const cut = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  await restore();
  let broker: KafkaBroker | undefined = await startKafkaBroker({
    cacheDir: join(repoRoot, '.cache'),
    dataDir,
    port,
    controllerPort,
    heapMb: 384,
    // Clients (and the broker itself, for transaction markers) are told to connect through the switch.
    properties: { 'advertised.listeners': `PLAINTEXT://${LOOPBACK_HOST}:${switchPort}` },
    log: () => undefined,
  });
  return {
    brokers: [`${LOOPBACK_HOST}:${switchPort}`],
    cut,
    restore,
    async destroy() {
      await cut();
      await broker?.stop();
      broker = undefined;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
