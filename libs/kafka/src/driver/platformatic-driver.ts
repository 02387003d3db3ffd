import { setTimeout as delay } from 'node:timers/promises';
import {
  Admin,
  compatibilityPartitioner,
  ConfigResourceTypes,
  Consumer,
  FetchIsolationLevels,
  ListOffsetTimestamps,
  type Message,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  type MessagesStream,
  Producer,
  ProduceAcks,
} from '@platformatic/kafka';
import type {
  BatchHandler,
  DriverAdmin,
  DriverConsumer,
  DriverProducer,
  DriverTransactionalProducer,
  GroupConsumerOptions,
  IncomingRecord,
  KafkaDriver,
  PartitionBatch,
  OutgoingRecord,
  ProducerOptions,
} from './port';

export interface PlatformaticDriverOptions {
  clientId: string;
  brokers: string[];
}

/** The @platformatic/kafka adapter: Buffers in and out (its default serialisers), our types at the edge. */
export function platformaticDriver(options: PlatformaticDriverOptions): KafkaDriver {
  const base = { clientId: options.clientId, bootstrapBrokers: options.brokers };
  return {
    client: 'platformatic',
    admin: async () => platformaticAdmin(new Admin(base)),
    producer: (producerOptions) => platformaticProducer(base, producerOptions),
    transactionalProducer: (transactionalId) => platformaticTransactionalProducer(base, transactionalId),
    consumer: (consumerOptions) => new PlatformaticConsumer(base, consumerOptions),
  };
}

type BaseOptions = { clientId: string; bootstrapBrokers: string[] };

function platformaticAdmin(admin: Admin): DriverAdmin {
  const partitionsOf = async (topic: string) => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    return metadata.topics.get(topic)?.partitions ?? [];
  };
  return {
    async describeCluster() {
      const metadata = await admin.metadata({ topics: [] });
      return { brokers: [...metadata.brokers].map(([nodeId, { host, port }]) => ({ nodeId, host, port })), controllerId: metadata.controllerId };
    },
    async createTopics(topics) {
      // One request per topic: this client's configs apply to every topic of a request.
      for (const t of topics) {
        await admin.createTopics({
          topics: [t.name],
          partitions: t.partitions,
          replicas: t.replicationFactor,
          configs: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        });
      }
      // It does not wait for leaders (kafkajs' waitForLeaders does): a first send could otherwise meet none.
      for (const t of topics) {
        for (let attempt = 0; ; attempt++) {
          const partitions = await partitionsOf(t.name).catch(() => []);
          if (partitions.length === t.partitions && partitions.every((p) => p.leader >= 0)) break;
          if (attempt >= 100) throw new Error(`topic ${t.name} has no leader for every partition after 10 s`);
          await delay(100);
        }
      }
    },
    listTopics: () => admin.listTopics(),
    async partitions(topic) {
      return (await partitionsOf(topic)).map((_, index) => index);
    },
    async topicConfig(topic, name) {
      const [description] = await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: [name] }],
      });
      return description?.configs.find((c) => c.name === name)?.value ?? undefined;
    },
    async highWatermarks(topic) {
      const partitions = await partitionsOf(topic);
      const [listed] = await admin.listOffsets({
        topics: [{ name: topic, partitions: partitions.map((_, partitionIndex) => ({ partitionIndex, timestamp: ListOffsetTimestamps.LATEST })) }],
      });
      return listed.partitions.map((p) => ({ partition: p.partitionIndex, offset: p.offset })).sort((a, b) => a.partition - b.partition);
    },
    async committedOffsets(groupId, topic) {
      const partitions = await partitionsOf(topic);
      const [group] = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: partitions.map((_, i) => i) }] }] });
      const listed = group.topics.find((t) => t.name === topic)?.partitions ?? [];
      return partitions.map((_, partition) => {
        const offset = listed.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n;
        return { partition, offset: offset < 0n ? null : offset };
      });
    },
    close: () => admin.close(),
  };
}

/** Unless told otherwise a send gives up after about ten seconds, as a relay needs it to. */
const DEFAULT_RETRIES = 8;

function producerOptions(base: BaseOptions, options: ProducerOptions = {}) {
  const retries = options.retries ?? DEFAULT_RETRIES;
  // An idempotent producer of this client given no retries, or at most 1, retries forever (its
  // constructor sets Number.MAX_SAFE_INTEGER): a send to a missing topic or a gone broker never settles.
  if (retries <= 1) throw new Error(`@platformatic/kafka retries an idempotent send forever when retries ≤ 1 (got ${retries}): give at least 2`);
  return {
    ...base,
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
    // Its default partitioner reads murmur2 as unsigned; this one masks it like the Java client and kafkajs,
    // so a key lands on the same partition whichever client produced it.
    partitioner: compatibilityPartitioner,
    retries,
    retryDelay: options.retryDelayMs ?? 1_000,
    ...(options.requestTimeoutMs !== undefined && { timeout: options.requestTimeoutMs, connectTimeout: options.requestTimeoutMs }),
  };
}

function platformaticProducer(base: BaseOptions, options?: ProducerOptions): DriverProducer {
  const producer = new Producer(producerOptions(base, options));
  return {
    // Connections open on first use; asking for the cluster's metadata makes connect() fail as kafkajs' does.
    connect: async () => void (await producer.metadata({ topics: [] })),
    disconnect: () => producer.close(),
    async send(topic, records) {
      if (records.length === 0) return;
      await producer.send({ messages: records.map((r) => toProduced(topic, r)) });
    },
  };
}

function platformaticTransactionalProducer(base: BaseOptions, transactionalId: string): DriverTransactionalProducer {
  const producer = new Producer({ ...producerOptions(base), transactionalId });
  return {
    connect: async () => void (await producer.metadata({ topics: [] })),
    disconnect: () => producer.close(),
    async begin() {
      const transaction = await producer.beginTransaction();
      return {
        async send(topic, records) {
          await transaction.send({ messages: records.map((r) => toProduced(topic, r)) });
        },
        async sendOffsets(consumer, consumed) {
          if (!(consumer instanceof PlatformaticConsumer)) throw new Error('sendOffsets needs a consumer of the same client');
          await transaction.addConsumer(consumer.raw);
          // The client commits past a consumed message, with the group generation that message was fetched in.
          for (const record of lastPerPartition(consumed)) await transaction.addOffset(consumer.messageOf(record));
        },
        commit: () => transaction.commit(),
        abort: () => transaction.abort(),
      };
    },
  };
}

function lastPerPartition(records: readonly IncomingRecord[]): IncomingRecord[] {
  const last = new Map<string, IncomingRecord>();
  for (const r of records) {
    const key = `${r.topic}:${r.partition}`;
    if ((last.get(key)?.offset ?? -1n) < r.offset) last.set(key, r);
  }
  return [...last.values()];
}

function toProduced(topic: string, { key, value, headers }: OutgoingRecord) {
  // With its default (no-op) serialisers header names are Buffers too; a Map holds one value per name.
  const encoded = new Map<Buffer, Buffer>();
  for (const [name, v] of Object.entries(headers ?? {})) {
    if (Array.isArray(v)) throw new Error(`header ${name} repeats: @platformatic/kafka sends one value per header name`);
    encoded.set(Buffer.from(name), Buffer.isBuffer(v) ? v : Buffer.from(v));
  }
  return {
    topic,
    key: key === null ? undefined : Buffer.isBuffer(key) ? key : Buffer.from(key),
    value: value === null ? undefined : Buffer.isBuffer(value) ? value : Buffer.from(value),
    headers: encoded,
  };
}

type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/**
 * This client hands out a stream of single messages with heartbeats on a timer of their own. The
 * adapter reads what the stream has buffered, splits it by partition, and runs the handler on each
 * partition's run of messages (partitions concurrently, one partition in order) before reading on.
 */
class PlatformaticConsumer implements DriverConsumer {
  readonly groupId: string;
  readonly raw: Consumer<Buffer, Buffer, Buffer, Buffer>;
  error?: unknown;
  private readonly messages = new WeakMap<IncomingRecord, RawMessage>();
  private stream?: MessagesStream<Buffer, Buffer, Buffer, Buffer>;
  private stopRequested = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private stopping?: Promise<void>;

  constructor(
    base: BaseOptions,
    private readonly options: GroupConsumerOptions,
  ) {
    this.groupId = options.groupId;
    this.raw = new Consumer({
      ...base,
      groupId: options.groupId,
      autocreateTopics: false,
      ...(options.sessionTimeoutMs !== undefined && { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs !== undefined && { heartbeatInterval: options.heartbeatIntervalMs }),
      ...(options.rebalanceTimeoutMs !== undefined && { rebalanceTimeout: options.rebalanceTimeoutMs }),
    });
  }

  messageOf(record: IncomingRecord): RawMessage {
    const message = this.messages.get(record);
    if (!message) throw new Error(`offset ${record.offset} of ${record.topic}/${record.partition} was not fetched by this consumer`);
    return message;
  }

  async start(handle: BatchHandler): Promise<void> {
    const { topics, fromBeginning, readCommitted, maxWaitTimeMs } = this.options;
    this.stream = await this.raw.consume({
      topics,
      // Resume from the group's commits; where there is none, start where the option says.
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: fromBeginning ? MessagesStreamFallbackModes.EARLIEST : MessagesStreamFallbackModes.LATEST,
      autocommit: false,
      isolationLevel: readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED,
      maxWaitTime: maxWaitTimeMs ?? 1_000,
    });
    this.stream.on('error', (err: Error) => {
      this.error = err;
      this.wake?.();
    });
    this.loop = this.run(this.stream, handle);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRequested = true;
      this.wake?.();
      await this.loop;
      await this.stream?.close().catch(() => undefined);
      await this.raw.close();
    })();
    return this.stopping;
  }

  private async run(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, handle: BatchHandler): Promise<void> {
    const stopping = () => this.stopRequested || this.error !== undefined;
    // A 'readable' listener for the stream's whole life, as Node's own async iterator keeps one: with
    // none attached Node resets readableFlowing to null, and this client's fetch loop, finding it null
    // at that moment ("nobody is consuming"), returns without pushing and never fetches again.
    stream.on('readable', () => this.wake?.());
    while (!stopping()) {
      const buffered = this.readBuffered(stream);
      if (buffered.length === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const batches = new Map<string, PartitionBatch>();
      for (const message of buffered) {
        const record = this.toRecord(message);
        const key = `${record.topic}:${record.partition}`;
        const batch = batches.get(key) ?? { topic: record.topic, partition: record.partition, records: [] };
        batches.set(key, batch);
        batch.records.push(record);
      }
      try {
        await Promise.all(
          [...batches.values()].map((batch) =>
            handle(batch, {
              commit: async (record) => {
                // Its own manual commit: offset + 1, coalesced per partition, held back while the group rejoins.
                await this.messageOf(record).commit();
              },
              // Heartbeats run on their own timer here, so a rebalance may take the partition while a batch is in hand.
              shouldLeave: () => stopping() || !this.owns(batch.topic, batch.partition),
            }),
          ),
        );
      } catch (err) {
        this.error = err;
      }
    }
  }

  private owns(topic: string, partition: number): boolean {
    return (this.raw.assignments ?? []).some((a) => a.topic === topic && a.partitions.includes(partition));
  }

  private readBuffered(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): RawMessage[] {
    const out: RawMessage[] = [];
    for (let message = stream.read() as RawMessage | null; message !== null; message = stream.read() as RawMessage | null) out.push(message);
    return out;
  }

  private toRecord(message: RawMessage): IncomingRecord {
    const headers: Record<string, string> = {};
    for (const [name, value] of message.headerEntries) headers[name.toString()] = value.toString();
    const record: IncomingRecord = {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key ?? null,
      value: message.value ?? null,
      headers,
    };
    this.messages.set(record, message);
    return record;
  }
}
