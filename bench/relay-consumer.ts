import { Kafka, logLevel } from 'kafkajs';
import { wallNow } from './lib/measure';

/**
 * The relay benchmark's consumer, in a process of its own as a consuming service would be: a
 * plain kafkajs consumer that stamps each message with the time its batch reached the app.
 * Talks to its parent over IPC: `ready` once the group is joined; `count` and `report` on demand.
 */
const brokers = (process.env.BENCH_BROKERS ?? '').split(',');
const topic = process.env.BENCH_TOPIC ?? '';
const groupId = process.env.BENCH_GROUP ?? '';

type Request = { cmd: 'count' } | { cmd: 'report' } | { cmd: 'stop' };

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-consumer', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 });
  let seen = 0;
  // [eventId, consumedAt] of the benchmark's timed events (those carrying benchSentAt).
  const records: [string, number][] = [];
  consumer.on(consumer.events.GROUP_JOIN, () => process.send?.({ ready: true }));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const at = wallNow();
      for (const message of batch.messages) {
        seen++;
        const value = JSON.parse(String(message.value)) as { eventId: string; data?: { benchSentAt?: number } };
        if (value.data?.benchSentAt !== undefined) records.push([value.eventId, at]);
      }
    },
  });
  process.on('message', (request: Request) => {
    if (request.cmd === 'count') process.send?.({ count: seen });
    else if (request.cmd === 'report') process.send?.({ records: records.splice(0) });
    else if (request.cmd === 'stop') void consumer.disconnect().finally(() => process.exit(0));
  });
  process.on('disconnect', () => void consumer.disconnect().finally(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench consumer failed: ${(err as Error).message}\n`);
  process.exit(1);
});
