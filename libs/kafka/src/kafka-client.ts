import type { TopicSpec } from '@petalpost/contracts';
import type { Logger } from '@petalpost/platform';
import { type Admin, Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: string[];
  logger: Logger;
  /** kafkajs is chatty at info (every join, every connect): warnings and errors are what an operator acts on. */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
  retry?: RetryOptions;
}

const LEVELS = { error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG } as const;

/** kafkajs retries (connect, metadata, produce): ~300 ms doubling to 10 s, for about a minute in all. */
const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 };

/** The one place a kafkajs client is made: its logs go to our pino logger. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const log = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: options.retry ?? DEFAULT_RETRY,
    logLevel: LEVELS[options.logLevel ?? 'warn'],
    logCreator: () => (entry: LogEntry) => writeEntry(log, entry),
  });
}

function writeEntry(log: Logger, { namespace, level, log: content }: LogEntry): void {
  const { message, timestamp: _timestamp, ...extra } = content;
  const fields = { kafka: { namespace, ...extra } };
  if (level === logLevel.ERROR) log.error(fields, message);
  else if (level === logLevel.WARN) log.warn(fields, message);
  else if (level === logLevel.INFO) log.info(fields, message);
  else log.debug(fields, message);
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Creates the missing topics (auto-create is off on our brokers); existing ones are left as they
 * are. Replication is min(3, brokers) so the same list works on one local broker and in a cluster.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<EnsureTopicsResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const replicationFactor = Math.min(3, brokers.length);
    const present = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !present.has(spec.name));
    if (missing.length > 0) {
      // Another process may create the same topics at the same moment: kafkajs answers false then, not an error.
      const create = () =>
        admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((spec) => ({
            topic: spec.name,
            numPartitions: spec.partitions,
            replicationFactor,
            configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
          })),
        });
      // A broker that has just started may still be settling its metadata, and kafkajs does not
      // retry that while waiting for leaders (kafkajs#815): a few tries, half a second apart.
      for (let attempt = 1; ; attempt++) {
        try {
          await create();
          break;
        } catch (err) {
          if (attempt >= 5) throw err;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      // A retried create finds the topics there and returns at once, leaders or not.
      await untilEveryPartitionHasALeader(
        admin,
        missing.map((spec) => spec.name),
      );
    }
    const created = new Set(missing.map((spec) => spec.name));
    return {
      created: [...created],
      existing: specs.map((spec) => spec.name).filter((name) => !created.has(name)),
    };
  } finally {
    await admin.disconnect();
  }
}

/** Polls the topics' metadata until each partition has a leader: before that, producing to it fails. */
export async function untilEveryPartitionHasALeader(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leaderless = await admin.fetchTopicMetadata({ topics }).then(
      (metadata) => metadata.topics.filter((t) => t.partitions.some((p) => p.leader < 0)).map((t) => t.name),
      () => topics,
    );
    if (leaderless.length === 0) return;
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs / 1000} s: ${leaderless.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
