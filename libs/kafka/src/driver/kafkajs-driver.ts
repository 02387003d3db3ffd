import { type Consumer, type IHeaders, type Kafka, type KafkaMessage, type Message, type Producer, ConfigResourceTypes, Partitioners } from 'kafkajs';
import { untilEveryPartitionHasALeader } from '../kafka-client';
import type {
  BatchHandler,
  DriverAdmin,
  DriverConsumer,
  DriverProducer,
  DriverTransaction,
  DriverTransactionalProducer,
  GroupConsumerOptions,
  IncomingRecord,
  KafkaDriver,
  OutgoingRecord,
  ProducerOptions,
} from './port';

/** The kafkajs adapter: a Kafka made by createKafka (its logs go to our logger). */
export function kafkajsDriver(kafka: Kafka): KafkaDriver {
  return {
    client: 'kafkajs',
    admin: () => kafkajsAdmin(kafka),
    producer: (options) => kafkajsProducer(kafka, options),
    transactionalProducer: (transactionalId) => kafkajsTransactionalProducer(kafka, transactionalId),
    consumer: (options) => new KafkajsConsumer(kafka, options),
  };
}

async function kafkajsAdmin(kafka: Kafka): Promise<DriverAdmin> {
  const admin = kafka.admin();
  await admin.connect();
  return {
    async describeCluster() {
      const { brokers, controller } = await admin.describeCluster();
      return { brokers: brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })), controllerId: controller ?? -1 };
    },
    async createTopics(topics) {
      // kafkajs' own wait for leaders gives up when the broker does not know the new topic yet
      // (kafkajs#815), which a busy broker's metadata can lag behind the creation: wait here.
      await admin.createTopics({
        waitForLeaders: false,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      await untilEveryPartitionHasALeader(
        admin,
        topics.map((t) => t.name),
      );
    },
    listTopics: () => admin.listTopics(),
    async partitions(topic) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b);
    },
    async topicConfig(topic, name) {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
      });
      return resources[0]?.configEntries.find((entry) => entry.configName === name)?.configValue;
    },
    async highWatermarks(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, offset: BigInt(o.high) })).sort((a, b) => a.partition - b.partition);
    },
    async committedOffsets(groupId, topic) {
      const [committed] = await retryRetriable(() => admin.fetchOffsets({ groupId, topics: [topic] }));
      return committed.partitions
        .map((p) => ({ partition: p.partition, offset: Number(p.offset) < 0 ? null : BigInt(p.offset) }))
        .sort((a, b) => a.partition - b.partition);
    },
    close: () => admin.disconnect(),
  };
}

/**
 * kafkajs' admin does not retry fetchOffsets while a fresh broker's group coordinator is still
 * loading ("not the correct coordinator for this group"): a few tries, 300 ms apart.
 */
async function retryRetriable<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (attempt >= 10 || !(err as { retriable?: boolean }).retriable) throw err;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

function kafkajsProducer(kafka: Kafka, options: ProducerOptions = {}): DriverProducer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Named explicitly: murmur2 like the Java client, and kafkajs stops warning about its v2 default change.
    createPartitioner: Partitioners.DefaultPartitioner,
    ...retryOf(options),
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async send(topic, records) {
      if (records.length === 0) return;
      await producer.send({ topic, acks: -1, messages: records.map(toMessage) });
    },
  };
}

function retryOf({ retries, retryDelayMs }: ProducerOptions): { retry?: { retries?: number; initialRetryTime?: number } } {
  if (retries === undefined && retryDelayMs === undefined) return {};
  return { retry: { retries, initialRetryTime: retryDelayMs } };
}

/**
 * After a commit or abort the coordinator answers CONCURRENT_TRANSACTIONS until it has written
 * the transaction's markers, which on a busy broker takes seconds; that is the broker saying
 * "not yet", not an outage, so the next transaction's sends wait it out on their own budget
 * (~30 s, like the Java client's delivery timeout), whatever the client's retries for outages.
 */
const TRANSACTION_RETRY = { initialRetryTime: 100, maxRetryTime: 1_000, retries: 35 };

function kafkajsTransactionalProducer(kafka: Kafka, transactionalId: string): DriverTransactionalProducer {
  const producer: Producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: TRANSACTION_RETRY,
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    async begin(): Promise<DriverTransaction> {
      const transaction = await producer.transaction();
      return {
        async send(topic, records) {
          await transaction.send({ topic, acks: -1, messages: records.map(toMessage) });
        },
        async sendOffsets(consumer, consumed) {
          await transaction.sendOffsets({ consumerGroupId: consumer.groupId, topics: offsetsPast(consumed) });
        },
        commit: () => transaction.commit(),
        abort: () => transaction.abort(),
      };
    },
  };
}

/** Per topic and partition, the offset after the last of these records (what a group commits). */
function offsetsPast(records: readonly IncomingRecord[]) {
  const next = new Map<string, Map<number, bigint>>();
  for (const r of records) {
    const partitions = next.get(r.topic) ?? new Map<number, bigint>();
    next.set(r.topic, partitions);
    const after = r.offset + 1n;
    if ((partitions.get(r.partition) ?? -1n) < after) partitions.set(r.partition, after);
  }
  return [...next].map(([topic, partitions]) => ({
    topic,
    partitions: [...partitions].map(([partition, offset]) => ({ partition, offset: offset.toString() })),
  }));
}

function toMessage({ key, value, headers }: OutgoingRecord): Message {
  return { key, value, headers };
}

class KafkajsConsumer implements DriverConsumer {
  readonly groupId: string;
  error?: unknown;
  private readonly consumer: Consumer;
  private stopping?: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly options: GroupConsumerOptions,
  ) {
    this.groupId = options.groupId;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      readUncommitted: !options.readCommitted,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1_000,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.error = payload.error;
    });
  }

  async start(handle: BatchHandler): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 8,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat, isRunning, isStale }) => {
        const { topic, partition } = batch;
        await handle(
          { topic, partition, records: batch.messages.map((m) => toRecord(topic, partition, m)) },
          {
            async commit(record) {
              resolveOffset(record.offset.toString());
              await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: (record.offset + 1n).toString() }] }] });
              // kafkajs heartbeats only here, between messages: this is also where it learns of a rebalance.
              await heartbeat();
            },
            shouldLeave: () => !isRunning() || isStale(),
          },
        );
        // Handled, committed or not: the next fetch goes on after this batch, as with the other client.
        // A batch left early (stopping, rebalancing) is fetched again from its first unresolved message.
        const last = batch.messages[batch.messages.length - 1];
        if (last && isRunning() && !isStale()) resolveOffset(last.offset);
      },
    });
  }

  stop(): Promise<void> {
    this.stopping ??= this.consumer.disconnect();
    return this.stopping;
  }
}

function toRecord(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return { topic, partition, offset: BigInt(message.offset), key: message.key, value: message.value, headers: decodeHeaders(message.headers) };
}

function decodeHeaders(headers: IHeaders = {}): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) decoded[name] = last.toString();
  }
  return decoded;
}
