import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, type KafkaBroker, startKafkaBroker } from '@petalpost/infra';

const repoRoot = join(__dirname, '..', '..', '..');

/** A broker a spec may stop and start again (the run's shared one must stay up): same ports and data each time. */
export interface OwnKafkaBroker {
  brokers: string[];
  /** SIGTERM and wait: clients meet refused connections until start(). */
  stop(): Promise<void>;
  /** Starts it again on the same ports with the same data, resolving once it answers. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export async function startOwnKafkaBroker(): Promise<OwnKafkaBroker> {
  const dataDir = join(repoRoot, '.data', `own-kafka-${process.pid}-${randomUUID().slice(0, 8)}`);
  await mkdir(dataDir, { recursive: true });
  const [port, controllerPort] = [await freePort(), await freePort()];
  const start = () => startKafkaBroker({ cacheDir: join(repoRoot, '.cache'), dataDir, port, controllerPort, heapMb: 384, log: () => undefined });
  let broker: KafkaBroker | undefined = await start();
  return {
    brokers: broker.brokers,
    async stop() {
      await broker?.stop();
      broker = undefined;
    },
    async start() {
      broker ??= await start();
    },
    async destroy() {
      await broker?.stop();
      broker = undefined;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
