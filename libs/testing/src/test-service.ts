import { allTopics } from '@petalpost/contracts';
import { type RunningService, type ServiceConfig, type ServiceDefinition, startService } from '@petalpost/platform';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from './eventually';
import { uniqueName } from './test-database';
import { testInfra } from './test-infra';

/**
 * Creates topics on the run's broker. A plain admin client: libs/kafka's own tests use this
 * library, so it must not use libs/kafka. A fresh broker may still be settling its metadata,
 * which kafkajs' createTopics does not retry (kafkajs#815): retry it here.
 */
export async function createTestTopics(topics: Array<{ name: string; partitions: number; config?: Record<string, string> }>): Promise<void> {
  const admin = new Kafka({ clientId: 'test-setup', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await eventually(() =>
      admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: 1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    // A create whose wait for leaders timed out (a loaded machine) is retried, and the retry finds
    // the topics there and returns at once, leaderless: wait until every partition has its leader.
    await eventually(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
      const leaderless = metadata.topics.filter((t) => t.partitions.some((p) => p.leader < 0)).map((t) => t.name);
      if (leaderless.length > 0) throw new Error(`no leader yet for a partition of ${leaderless.join(', ')}`);
    });
  } finally {
    await admin.disconnect();
  }
}

/** A Kafka namespace of one's own on the shared broker, with every topic created. */
export async function createTestNamespace(): Promise<string> {
  const namespace = uniqueName('t').replace('_', '-');
  await createTestTopics(allTopics(namespace));
  return namespace;
}

/**
 * Starts a real service in this process on a free port, against the run's Kafka and Postgres,
 * in its own schema and Kafka namespace unless told otherwise.
 */
export async function startTestService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  env: { KAFKA_NAMESPACE: string } & Record<string, string>,
): Promise<RunningService<C>> {
  const { kafkaBrokers, databaseUrl } = testInfra();
  return startService(definition, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: uniqueName(definition.name),
    KAFKA_BROKERS: kafkaBrokers.join(','),
    ...env,
  });
}
