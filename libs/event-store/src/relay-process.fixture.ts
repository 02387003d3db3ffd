import { setTimeout as sleep } from 'node:timers/promises';
import { dataSourceOptions, createLogger, loadConfig } from '@petalpost/platform';
import { EventPublisher, createKafka } from '@petalpost/kafka';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { EventStore } from './event-store';
import { OutboxRelay } from './relay';

/**
 * An outbox relay in a process of its own, for crash tests. After the broker acknowledges a batch
 * it says so on stdout and waits PAUSE_AFTER_ACK_MS before its checkpoint moves: the window in
 * which the test kills it with SIGKILL.
 */
const env = loadConfig(
  z.object({
    DATABASE_URL: z.string(),
    DATABASE_SCHEMA: z.string(),
    KAFKA_BROKERS: z.string(),
    TOPIC: z.string(),
    BATCH_SIZE: z.coerce.number().default(20),
    PAUSE_AFTER_ACK_MS: z.coerce.number().default(0),
  }),
);

async function main(): Promise<void> {
  const dataSource = await new DataSource(dataSourceOptions({ url: env.DATABASE_URL, schema: env.DATABASE_SCHEMA })).initialize();
  const logger = createLogger('relay-process', 'warn');
  const publisher = new EventPublisher(createKafka({ clientId: 'relay-process', brokers: env.KAFKA_BROKERS.split(','), logger }));
  await publisher.connect();
  const relay = new OutboxRelay(dataSource, new EventStore(dataSource), {
    name: 'crash-test.relay',
    logger,
    batchSize: env.BATCH_SIZE,
    publish: async (events) => {
      await publisher.publish(
        env.TOPIC,
        events.map((e) => ({
          eventId: e.eventId,
          type: e.type,
          schemaVersion: e.schemaVersion,
          streamId: e.streamId,
          streamVersion: e.streamVersion,
          shopId: 's1',
          data: e.data,
          metadata: e.metadata,
        })),
      );
      process.stdout.write(`acked ${events.map((e) => e.eventId).join(',')}\n`);
      await sleep(env.PAUSE_AFTER_ACK_MS);
    },
  });
  relay.start();
}

void main();
